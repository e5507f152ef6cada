import { formatPercent } from '../../cards/format';
import { mondayOfWeeklyRunKey, weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { dayOf, isoOfDay } from '../../rules/book';
import { formatDateNear, formatDayMonthNear, formatDayRangeNear, localDate } from '../../rules/calendar';
import { byDay, type ListedWeek } from '../../rules/listedWeeks';
import { SEGMENT_LABEL } from '../../rules/segments';
import type { AuditRow } from '../../storage/auditRow';
import type { TimelineEntry } from './tabTypes';

/** A rep's actions that take a customer off the list (a pause, a save, a loss). */
const ACTED: Partial<Record<AuditRow['action'], string>> = {
  reached_out: 'reached out',
  won_back: 'marked them won back',
  lost: 'marked them lost',
  snoozed: 'snoozed them a week',
};

export interface ListingStoryOptions {
  /** Today on the team's calendar. */
  today: string;
  timeZone: string;
  locale: string;
  /** The rep's name as the tabs call them, from their address. */
  repName: (owner: string) => string;
  /** The customer's order days (`YYYY-MM-DD`), any order. */
  orderDays: readonly string[];
  /** Ids of actions undone since: they took no one off a list. */
  undone: ReadonlySet<string>;
  /**
   * The state row has a listedAt: on a list as of the last run, or a slip paused off it; with
   * `weeklyRuns`, a finished run after their last listed week says which.
   */
  stillListed: boolean;
  /** The keys of the weekly runs that finished, oldest first, from the first of `weeks` on; none given: one every week. */
  weeklyRuns?: readonly string[];
}

/**
 * The customer's weeks on the lists as timeline entries: each run of weeks in a row on one rep's
 * list (or held out) as one line, each week under it, and the week they left and why. Weeks in a
 * row are one weekly run after another on the same rep's list.
 */
export function listingStory(
  weeks: readonly ListedWeek[],
  audit: readonly AuditRow[],
  o: ListingStoryOptions,
): TimelineEntry[] {
  const nextRun = nextRunOf(o.weeklyRuns);
  const runs = runsOfWeeks(weeks, nextRun);
  // The row keeps listedAt while a slip goes on off the list (paused after a call, cooling down), so
  // it says "still on it" only where no finished run came after their last listed week.
  const latestRun = o.weeklyRuns?.[o.weeklyRuns.length - 1];
  const lastListed = weeks.reduce<string | undefined>(
    (a, w) => (a === undefined || w.run > a ? w.run : a),
    undefined,
  );
  const stillListed =
    o.stillListed && (latestRun === undefined || lastListed === undefined || latestRun <= lastListed);
  const entries: TimelineEntry[] = [];
  runs.forEach((run, k) => {
    entries.push(runEntry(run, o, k === runs.length - 1 && stillListed));
    const last = run[run.length - 1];
    if (last.heldOut) return;
    // The run after their last week: no entry while it is still to come.
    const after = nextRun(last.run);
    const left = after === null ? null : mondayOfWeeklyRunKey(after);
    const next = runs[k + 1];
    // Listed or held out by that very run: its own line says where they were.
    const listedByIt = next !== undefined && next[0].run === after;
    if (left === null || left > o.today || listedByIt || (next === undefined && stillListed)) return;
    entries.push(leftEntry(run, left, audit, o));
  });
  return entries;
}

/**
 * The key of the first weekly run after a week's: from the runs the ledger says finished, so a week
 * with no run (a team closed from Christmas to New Year) neither ends a run of weeks nor is the week
 * they left; without them, the next ISO week's.
 */
function nextRunOf(weeklyRuns: readonly string[] | undefined): (runKey: string) => string | null {
  if (weeklyRuns === undefined)
    return (runKey) => weeklyRunKeyOfDay(isoOfDay(dayOf(mondayOfWeeklyRunKey(runKey) ?? '') + 7));
  return (runKey) => weeklyRuns.find((r) => r > runKey) ?? null;
}

/** The first day of the stored weeks: fallback listings before it come from rows kept before these. */
export function firstListedDay(weeks: readonly ListedWeek[]): string | null {
  return weeks.map((w) => w.day).sort()[0] ?? null;
}

function runsOfWeeks(
  weeks: readonly ListedWeek[],
  nextRun: (runKey: string) => string | null,
): ListedWeek[][] {
  const sorted = [...weeks].sort(byDay);
  const runs: ListedWeek[][] = [];
  for (const w of sorted) {
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    const inRow =
      prev !== undefined &&
      prev.owner === w.owner &&
      prev.heldOut === w.heldOut &&
      nextRun(prev.run) === w.run;
    if (inRow) run.push(w);
    else runs.push([w]);
  }
  return runs;
}

/**
 * One run of weeks, dated by its last week: the line sums up the weeks up to it, and the week they
 * left follows it. `current`: the card still has them.
 */
function runEntry(run: readonly ListedWeek[], o: ListingStoryOptions, current: boolean): TimelineEntry {
  const first = run[0];
  const last = run[run.length - 1];
  const name = o.repName(first.owner);
  const n = run.length;
  // Dates carry their year where it is not the page's (rules/calendar.ts, as the page's other days).
  const span = n === 1 ? `week of ${formatDayMonthNear(first.day, o.today, o.locale)}` : `${n} weeks`;
  const title = first.heldOut ? `Held out of ${name}'s list, ${span}` : `On ${name}'s card, ${span}`;
  const kinds = [...new Set(run.map((w) => SEGMENT_LABEL[w.kind]))].join(', then ');
  // In the locale, as the card stated it ("62 %" in German).
  const pct = (percent: number) => formatPercent(percent, o.locale);
  const chance =
    first.chance === last.chance
      ? `chance of no order ${pct(first.chance)}`
      : // Kept on one line on a phone: "52% →" alone at a line's end reads as a figure cut off.
        `chance of no order ${pct(first.chance)}\u00a0→\u00a0${pct(last.chance)}`;
  const range = n === 1 ? null : formatDayRangeNear(first.day, last.day, o.today, o.locale);
  const why = first.heldOut
    ? 'drawn by the holdout, which keeps a few customers off every list to measure what the cards change'
    : null;
  const still = current && !first.heldOut ? 'still on it' : null;
  return {
    id: `listed-${first.run}`,
    at: last.day,
    day: last.day,
    kind: 'listing',
    time: null,
    title,
    // One week has no "Each week" under it: its place is said on the line.
    detail: [range, kinds, chance, n === 1 && !first.heldOut ? placeWords(first) : null, still, why]
      .filter(Boolean)
      .join(' · '),
    weeks: n === 1 ? undefined : run.map((w) => weekLine(w, o.today, o.locale)),
  };
}

/**
 * One week as the card had it, short enough for a phone's line: "Mon 2 Nov: slipping, 62%, no. 3 on
 * the card" (the line above says what the percent is). Past the card's first page the run knows the
 * place on the list but not which page "Show the next" put it on (rules/listedWeeks.ts).
 */
function weekLine(w: ListedWeek, today: string, locale: string): string {
  const place = w.heldOut ? 'held out' : placeWords(w);
  return `${formatDateNear(w.day, today, locale)}: ${SEGMENT_LABEL[w.kind]}, ${formatPercent(w.chance, locale)}, ${place}`;
}

/** Where a listed week had them: "no. 3 on the card", or "no. 12 on the list, on a later page". */
function placeWords(w: ListedWeek): string {
  if (w.page === null || w.page <= 1) return `no. ${w.rank} on the card`;
  return w.rank === null ? 'on a later page' : `no. ${w.rank} on the list, on a later page`;
}

function leftEntry(
  run: readonly ListedWeek[],
  left: string,
  audit: readonly AuditRow[],
  o: ListingStoryOptions,
): TimelineEntry {
  const last = run[run.length - 1];
  const name = o.repName(last.owner);
  // An order on the run's own day came after the run read the feed (it would not have listed them).
  const order = o.orderDays.filter((d) => d >= last.day && d <= left).sort()[0];
  const acted = audit
    .filter((r) => ACTED[r.action] !== undefined && !o.undone.has(r.id))
    .map((r) => ({ row: r, day: localDate(r.at, o.timeZone) }))
    // In their last week on the list: a tap in an earlier week of the run did not take them off.
    .filter(({ day }) => day >= last.day && day <= left)
    .sort((a, b) => (a.row.at < b.row.at ? -1 : 1))[0];
  const why = order
    ? `Ordered again on ${formatDateNear(order, o.today, o.locale)}`
    : acted
      ? // "Ana marked them lost", not "lost by Ana": who did what, as a manager would say it.
        `Acted on: ${acted.row.actorName} ${ACTED[acted.row.action]} on ${formatDateNear(acted.day, o.today, o.locale)}`
      : 'Fell off the list with no order and no action by a rep';
  return {
    id: `left-${last.run}`,
    at: left,
    day: left,
    kind: 'listing',
    time: null,
    title: `Off ${name}'s list`,
    detail: why,
  };
}
