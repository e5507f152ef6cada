import type { FollowUpsDone, FollowUpsReport } from '../../../jobs/followups/followUpsReport';
import type { FollowUpsRunDeps } from '../../../jobs/followups/followUpsRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { TIME_ZONE, type WeeklyWorld } from '../weekly/weeklyWorld';

/** Tuesday 24 Nov 2026, 09:03 in Chicago: the default send time. */
export const TUESDAY = new Date('2026-11-24T15:03:00Z');

/** The report of a run that completed; anything else fails the test with the report. */
export function completed(report: FollowUpsReport): FollowUpsDone {
  if (report.status !== 'completed')
    throw new Error(`expected a completed run, got ${JSON.stringify(report)}`);
  return report;
}

/** The daily run's deps over the world (its Azurite tables, its fake Teams), the feed read by `readBook`. */
export function dailyDeps(
  world: WeeklyWorld,
  readBook: FollowUpsRunDeps['readBook'],
  extra: Partial<Pick<FollowUpsRunDeps, 'rules' | 'notifyAdmins'>> = {},
): FollowUpsRunDeps {
  return {
    storage: world.storage,
    cards: world.cards,
    readBook,
    rules: defaultRules(),
    sender: (reference, card, summary) => world.sender.sendCard(reference, card, summary),
    config: { timeZone: TIME_ZONE },
    log: world.log,
    ...extra,
  };
}
