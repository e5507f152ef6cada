import { isRepAction, isSystemActor } from '../../bot/taps/actionTypes';
import { daysBetween, localDate } from '../../rules/calendar';
import type { ValueKind } from '../../rules/customerState';
import type { SaveHolding } from '../../rules/followUps';
import type { AuditRow } from '../../storage/auditRow';
import type { FollowUpFigures, SavesHeld } from './monthlySummarySchema';

/**
 * The follow-up figures of a month, from standing rows (net of undos): `month` are the month's,
 * `later` the rows after it (a save or a tap on a digest made after the month ended still counts
 * for the reach-out or the digest row of this month).
 */
export function followUpFigures(
  month: readonly AuditRow[],
  later: readonly AuditRow[],
  options: { timeZone: string; silentAfterDays: number; quietReason: string },
): FollowUpFigures {
  const sentRows = month.filter((r) => r.action === 'follow_up');
  const taps = [...month, ...later].filter((r) => isRepAction(r.action) && r.cardMessageId !== null);
  const tapped = new Set(taps.map((r) => `${r.customerId}\n${r.cardMessageId}`));
  const actedOn = sentRows.filter((f) => tapped.has(`${f.customerId}\n${f.cardMessageId}`)).length;

  const firstReach = new Map<string, string>();
  for (const r of month) {
    if (r.action !== 'reached_out') continue;
    const seen = firstReach.get(r.customerId);
    if (seen === undefined || r.at < seen) firstReach.set(r.customerId, r.at);
  }
  const saves = [...month, ...later].filter((r) => r.action === 'won_back');
  const reachedOutThenWonBack = [...firstReach].filter(([id, at]) =>
    saves.some((s) => s.customerId === id && s.at > at),
  ).length;

  const days = month
    .filter((r) => r.action === 'won_back' && r.snapshot?.lastContact)
    .map((r) => daysBetween(r.snapshot?.lastContact ?? '', localDate(r.at, options.timeZone)))
    .filter((d) => d >= 0);

  // A loss the customer gave a reason for (a competitor, the price) was no silence, however late.
  const silent = month.filter(
    (r) =>
      r.action === 'lost' &&
      r.reason === options.quietReason &&
      r.snapshot?.lastContact &&
      daysBetween(r.snapshot.lastContact, localDate(r.at, options.timeZone)) >= options.silentAfterDays,
  );
  return {
    sent: sentRows.length,
    actedOn,
    reachedOut: firstReach.size,
    reachedOutThenWonBack,
    medianDaysReachedOutToWonBack: median(days),
    savesAfterReachOut: days.length,
    lostAfterSilence: silent.length,
    lostAfterSilenceAutomatically: silent.filter((r) => isSystemActor(r.actorId)).length,
    silentAfterDays: options.silentAfterDays,
  };
}

/**
 * Saves that held, summed over the checked saves (null without the feed). `kindOf` says what each
 * recorded value is (the save's audit row knows): a one-visit customer's is one order's worth,
 * summed apart from the monthly values; unknown, it counts as monthly.
 */
export function savesHeldFigures(
  saves: readonly SaveHolding[] | null,
  asOf: string | null,
  kindOf: (save: SaveHolding) => ValueKind = () => 'monthly',
): SavesHeld | null {
  if (saves === null || asOf === null) return null;
  const byDay = new Map<number, { held: number; of: number }>();
  for (const s of saves) {
    for (const c of s.checks) {
      const tally = byDay.get(c.days) ?? { held: 0, of: 0 };
      tally.of++;
      if (c.held) tally.held++;
      byDay.set(c.days, tally);
    }
  }
  const recorded = (kind: ValueKind) =>
    saves.filter((s) => kindOf(s) === kind).reduce((sum, s) => sum + s.recordedValue, 0);
  return {
    asOf,
    saves: saves.length,
    checks: [...byDay].sort((a, b) => a[0] - b[0]).map(([days, t]) => ({ days, ...t })),
    valueRecorded: recorded('monthly'),
    valueRecordedSecondOrder: recorded('second_order'),
    // A one-visit customer's save records their next order, often placed the day before the tap:
    // it is retained value too, as the headline counts it among the one-off orders won back.
    valueRetained: saves.reduce(
      (sum, s) => sum + s.orderedSince + (kindOf(s) === 'second_order' ? s.nextVisitOrderBySave : 0),
      0,
    ),
  };
}

/** The median, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
