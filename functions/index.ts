/**
 * The app's entry (package.json `main`): loading it registers every function with the host. The
 * local host loads this same file and serves what it registered.
 */
import './dailyFollowUps';
import './health';
import './messages';
import './monthlySummary';
import './tabApi';
import './tabPages';
import './weeklyRun';
