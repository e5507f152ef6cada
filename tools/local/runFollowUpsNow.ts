import { type FollowUpsDone, followUpsReportText } from '../../jobs/followups/followUpsReport';
import { runAsCommand, runJobCommand, StackNotRunningError } from './adminCommand';
import { adminKeyHeaders } from './adminKey';
import { ADMIN_DAY_PATH, parseLocalSettings } from './settings';

/**
 * `npm run followups [-- --day YYYY-MM-DD]`: asks the running local stack (`npm start`) to run
 * today's follow-up digests now, through the local host's admin route, with the stack's settings and
 * clock; `--day` first moves the stack's clock to that day (the feed stays as loaded), so a tap made
 * on the demo's Monday can be followed up a week later. Same run-key rules as the timer: a second run
 * the same day sends nothing twice.
 */

/** Runs `npm run followups`; returns the process exit code (1 when a rep's digest failed to go out). */
export async function runFollowUpsNow(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const { settings, day, help } = parseLocalSettings(argv, process.env, 'followups');
  if (day && !help) await moveDay(settings.ports.bot, day);
  return runJobCommand(
    'followups',
    "npm run followups [-- --day YYYY-MM-DD]: send the day's follow-up digests now from the running local stack.",
    argv,
    // The stack's own report, serialised: a completed run's is a FollowUpsDone.
    (report, wording) => followUpsReportText(report as unknown as FollowUpsDone, wording),
  );
}

async function moveDay(port: number, day: string): Promise<void> {
  const url = `http://127.0.0.1:${port}${ADMIN_DAY_PATH}?day=${encodeURIComponent(day)}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: await adminKeyHeaders(port) });
  } catch (error) {
    if (error instanceof TypeError)
      throw new StackNotRunningError(
        `Nothing answers on 127.0.0.1:${port}: start the local stack with \`npm start\` first.`,
      );
    throw error;
  }
  if (!response.ok) throw new Error(`POST ${url} -> ${response.status}: ${await response.text()}`);
  console.log(`The stack's clock is now ${day}.`);
}

if (require.main === module) runAsCommand(runFollowUpsNow);
