import { z } from 'zod';
import { formatCount, formatExactMoney, plainText } from '../../cards/format';
import { sameNameKey } from '../../cards/repNames';
import { addressKey } from '../../rules/addresses';
import {
  dayOf,
  daysBetween,
  isoOfDay,
  localDate,
  MONTH_KEY,
  monthName,
  shiftMonth,
} from '../../rules/calendar';
import type { ValueKind } from '../../rules/customerState';
import type { SaveHolding } from '../../rules/followUps';
import type { ListedWeek } from '../../rules/listedWeeks';
import { DEFAULT_COOL_DOWN_DAYS, DEFAULT_SILENT_AFTER_DAYS } from '../../rules/rulesSchema';
import { type AuditRow, newAuditRowSchema, valueKindOf } from '../../storage/auditRow';
import { quietReasonCode } from '../followups/digestFor';
import { runKeyOfWeeklyRow } from '../weekly/weeklySurfaced';
import { followUpFigures, median, savesHeldFigures } from './followUpFigures';
import { headlineFor } from './headline';
import { type ComebackOutcomes, holdoutFigures } from './holdoutComparison';
import { lossHints } from './lossHints';
import type { LossShare, MonthlySummary, ReChurnCustomer, RepFigures } from './monthlySummarySchema';
import { resolveUndos } from './netOfUndos';
import { type CardOutcome, cardOutcome, type RunCards } from './weeklyCards';

/** A save that is followed by a new flag within this many days counts as re-churn (at the least). */
export const RECHURN_WINDOW_DAYS = 90;
/**
 * Days past the cool-down a re-churn window reaches: four weekly lists for a customer who slipped
 * again once the cool-down let them back to show on.
 */
export const RECHURN_DAYS_AFTER_COOL_DOWN = 28;
/** Months of earlier audit partitions the summary reads at the least (90 days reach back at most into the third). */
export const PRIOR_MONTHS_NEEDED = 3;

/**
 * The longest re-churn window: each month of it is an audit partition the summary reads, and a
 * cool-down of years (a team meaning "never list a saved customer again") would have it read back
 * for decades to find nobody.
 */
const RECHURN_MAX_WINDOW_DAYS = 730;

/**
 * The re-churn window for the rules' coolDownDays: no list names a won-back customer during the
 * cool-down, so a fixed 90 days under a longer cool-down could never find anyone.
 */
export function reChurnWindowDays(coolDownDays: number): number {
  return Math.min(
    RECHURN_MAX_WINDOW_DAYS,
    Math.max(RECHURN_WINDOW_DAYS, coolDownDays + RECHURN_DAYS_AFTER_COOL_DOWN),
  );
}

/**
 * The months before `month` whose audit rows its summary reads, the latest first: at least
 * PRIOR_MONTHS_NEEDED, and back to the month of a save `windowDays` before the month's first day.
 */
export function priorMonthsOf(month: string, windowDays = RECHURN_WINDOW_DAYS): string[] {
  const earliest = isoOfDay(dayOf(`${month}-01`) - windowDays).slice(0, 7);
  const months = [shiftMonth(month, -1)];
  while (months.length < PRIOR_MONTHS_NEEDED || months[months.length - 1] > earliest)
    months.push(shiftMonth(month, -(months.length + 1)));
  return months;
}

const optionsSchema = z.object({
  month: z.string().regex(MONTH_KEY, 'must be YYYY-MM'),
  /** IANA zone of the team: dates and the month boundaries are local to it. */
  timeZone: z.string().min(1).default('UTC'),
  currency: z.string().length(3).default('USD'),
  locale: z.string().min(2).default('en-US'),
  /** The rules file's loss reasons (code -> label); unknown codes are shown as they are. */
  lossReasons: z.array(z.object({ code: z.string(), label: z.string() })).default([]),
  /** Display names by owner (lower-case email/UPN), from the reps who installed the app. */
  repNames: z.record(z.string(), z.string()).default({}),
  /** The address each rep's figures are counted under, by each of their addresses (rules/repNames `repOwner`). */
  repOwners: z.record(z.string(), z.string()).default({}),
  /** The rules' followUps.silentAfterDays: a went-quiet loss that long after a reach-out is "lost after silence". */
  silentAfterDays: z.number().int().positive().default(DEFAULT_SILENT_AFTER_DAYS),
  /** The rules' coolDownDays: the re-churn window reaches past it (reChurnWindowDays). */
  coolDownDays: z.number().int().nonnegative().default(DEFAULT_COOL_DOWN_DAYS),
});

export type SummaryOptions = z.input<typeof optionsSchema>;

export interface SummaryInput extends SummaryOptions {
  /** Every row of the month's audit partition. */
  rows: readonly AuditRow[];
  /** Rows of the months before (priorMonthsOf with the re-churn window: re-churn, surfacing dates, undos). */
  priorRows?: readonly AuditRow[];
  /** Rows written after the month (undos of this month's actions made later). */
  laterRows?: readonly AuditRow[];
  /**
   * Order-feed outcomes for the holdout comparison and whether a re-churned customer ordered after
   * their save; without them the comparison is left out and the re-churn lines do not say.
   */
  outcomes?: ComebackOutcomes | null;
  /** Saves that hold, from the order feed as of `asOf`; without them the figure is left out. */
  saves?: { asOf: string; saves: readonly SaveHolding[] } | null;
  /**
   * From the run ledger: by weekly run key, that run's cards (weeklyCards.ts). A customer counts as
   * flagged only on a delivered card, and as not delivered only on one that reached no rep (not one
   * still to go out); runs not given count as delivered.
   */
  deliveries?: ReadonlyMap<string, RunCards> | null;
  /**
   * Saved customers' weeks on the lists, by customer id (the listing store): a relisting past the
   * card's first page writes no audit row, yet the save is at risk again all the same.
   */
  listedWeeks?: ReadonlyMap<string, readonly ListedWeek[]> | null;
}

const rowsSchema = z.array(z.custom<AuditRow>((v) => newAuditRowSchema.safeParse(v).success));

/** The month's summary from its audit rows, net of undos: every figure on the card. */
export function computeMonthlySummary(input: SummaryInput): MonthlySummary {
  const o = optionsSchema.parse(input);
  const rows = rowsSchema.parse(input.rows);
  const prior = rowsSchema.parse(input.priorRows ?? []);
  const later = rowsSchema.parse(input.laterRows ?? []);
  const all = [...prior, ...rows, ...later];
  const { stands, undone } = resolveUndos(all);
  const history = byCustomer(all);
  const monthIds = new Set(rows.map((r) => r.id));
  const inMonth = rows.filter((r) => r.action !== 'undo' && stands(r.id));
  // Flagged on a card nobody received (no chat with the rep, or the send failed): not a flag the team
  // could act on, so left out of the counts and the rate, and said apart.
  const card = (r: AuditRow) =>
    r.action === 'surfaced' ? flagCard(r, input.deliveries ?? null) : 'delivered';
  const onCard = (r: AuditRow) => card(r) === 'delivered';
  const standing = inMonth.filter(onCard);
  const flaggedIds = new Set(standing.filter((r) => r.action === 'surfaced').map((r) => r.customerId));
  const notDelivered = new Set(
    inMonth
      .filter((r) => card(r) === 'not_delivered' && !flaggedIds.has(r.customerId))
      .map((r) => r.customerId),
  ).size;
  const of = (action: AuditRow['action']) => standing.filter((r) => r.action === action);

  // To the cent when a rep typed cents, as the card's outcome line stated the save.
  const money = (amount: number) => formatExactMoney(amount, o.currency, o.locale);
  const wonBack = of('won_back');
  const lostRows = of('lost');
  const surfacedCustomers = new Set(of('surfaced').map((r) => r.customerId));
  // A one-visit customer's save is one order's worth, not monthly revenue: added up apart.
  const recoveredValue = sumValues(wonBack.filter((r) => valueKindOf(r) === 'monthly'));
  const secondOrderValue = sumValues(wonBack.filter((r) => valueKindOf(r) === 'second_order'));
  const customersWonBack = new Set(wonBack.map((r) => r.customerId)).size;
  const cohort = flaggedCohort(
    of('surfaced'),
    wonBack,
    (save) => flaggedBefore(save, history.get(save.customerId) ?? [], stands),
    (save) => listedBefore(save, history.get(save.customerId) ?? [], stands),
  );
  const timings = wonBack
    .map((r) => daysToWinBack(r, history.get(r.customerId) ?? [], stands, o.timeZone))
    .filter((d): d is number => d !== null);
  const losses = lossShares(lostRows, o.lossReasons);
  const isEmpty = standing.length === 0;
  const windowDays = reChurnWindowDays(o.coolDownDays);
  const figures = {
    isEmpty,
    customersWonBack,
    recoveredValue,
    secondOrderValue,
    lost: lostRows.length,
    surfaced: surfacedCustomers.size,
    reachedOut: of('reached_out').length,
  };
  return {
    month: o.month,
    monthTitle: monthName(o.month, o.locale, true),
    currency: o.currency,
    locale: o.locale,
    ...figures,
    headline: headlineFor({ monthName: monthName(o.month, o.locale), ...figures, notDelivered }, money, (n) =>
      formatCount(n, o.locale),
    ),
    saves: wonBack.length,
    winBackRate: figures.surfaced === 0 ? null : cohort.wonBack / figures.surfaced,
    savesOfEarlierFlags: cohort.savesOfEarlierFlags,
    savesFurtherDown: cohort.savesFurtherDown,
    savesNotFlagged: cohort.savesNotFlagged,
    medianDaysToWinBack: median(timings),
    winBacksTimed: timings.length,
    losses,
    hints: lossHints(losses, o.locale),
    // Digest rows and snoozes are not outcomes: they do not put a rep in the table.
    reps: repFigures(
      standing.filter((r) => r.action !== 'follow_up' && r.action !== 'snoozed'),
      o.repNames,
      o.repOwners,
    ),
    reChurnWindowDays: windowDays,
    reChurn: reChurn(
      [
        ...flaggedAgain(standing, o.timeZone),
        ...listedPastTheCard(input.listedWeeks ?? null, o.month, o.timeZone, input.deliveries ?? null),
      ],
      history,
      stands,
      { timeZone: o.timeZone, windowDays, outcomes: input.outcomes ?? null },
    ),
    holdout: holdoutFigures(standing, o.timeZone, input.outcomes ?? null, o.locale),
    undone: [...undone].filter((id) => monthIds.has(id)).length,
    notDelivered,
    followUps: followUpFigures(
      standing,
      later.filter((r) => r.action !== 'undo' && stands(r.id)),
      {
        timeZone: o.timeZone,
        silentAfterDays: o.silentAfterDays,
        // The reason the digest's one-tap Lost records for a silent customer.
        quietReason: o.lossReasons.length > 0 ? quietReasonCode(o.lossReasons) : 'went_quiet',
      },
    ),
    savesHeld: savesHeldFigures(input.saves?.saves ?? null, input.saves?.asOf ?? null, (save) =>
      recordedKind(save, history.get(save.customerId) ?? [], stands, o.timeZone),
    ),
  };
}

/**
 * What the value recorded with a save is: the kind its standing `won_back` row of that day was
 * tapped on (a one-visit customer's save records one order). Monthly when the row is not among
 * the rows read (a save older than the months before).
 */
function recordedKind(
  save: SaveHolding,
  customerRows: readonly AuditRow[],
  stands: (id: string) => boolean,
  timeZone: string,
): ValueKind {
  const row = customerRows
    .filter((r) => r.action === 'won_back' && stands(r.id) && localDate(r.at, timeZone) === save.wonBackOn)
    .sort((a, b) => b.at.localeCompare(a.at))[0];
  return row ? valueKindOf(row) : 'monthly';
}

/** What became of the owner's card of the weekly run that wrote this `surfaced` row (cardOutcome). */
function flagCard(row: AuditRow, deliveries: ReadonlyMap<string, RunCards> | null): CardOutcome {
  const runKey = runKeyOfWeeklyRow(row.id);
  return cardOutcome(runKey === null ? undefined : deliveries?.get(runKey), row.owner);
}

/**
 * The win-back rate's cohort: of the customers flagged this month, how many were won back after their
 * first flag of the month; and the month's saves outside it (customers flagged in an earlier month, or
 * saved before this month's flag). Counting those in the rate put it over 100%; they are said apart,
 * as flagged earlier or, when no list had flagged the customer at the time (`flaggedBefore`), as on
 * the rep's list below the card's rows (`listedBefore`: read on a `list` page) or not listed at all.
 */
function flaggedCohort(
  flags: readonly AuditRow[],
  saves: readonly AuditRow[],
  flaggedBefore: (save: AuditRow) => boolean,
  listedBefore: (save: AuditRow) => boolean,
): { wonBack: number; savesOfEarlierFlags: number; savesFurtherDown: number; savesNotFlagged: number } {
  const firstFlag = new Map<string, string>();
  for (const f of flags) {
    const seen = firstFlag.get(f.customerId);
    if (seen === undefined || f.at < seen) firstFlag.set(f.customerId, f.at);
  }
  const inCohort = (save: AuditRow) => {
    const flaggedAt = firstFlag.get(save.customerId);
    return flaggedAt !== undefined && flaggedAt <= save.at;
  };
  const outside = saves.filter((r) => !inCohort(r));
  const unflagged = outside.filter((r) => !flaggedBefore(r));
  return {
    wonBack: new Set(saves.filter(inCohort).map((r) => r.customerId)).size,
    savesOfEarlierFlags: outside.length - unflagged.length,
    savesFurtherDown: unflagged.filter(listedBefore).length,
    savesNotFlagged: unflagged.filter((r) => !listedBefore(r)).length,
  };
}

/**
 * True when a list had flagged the customer before the save: the state the save was tapped on was in
 * a slip cycle (its snapshot's surfacedAt, which only a listing sets), or a standing `surfaced` row
 * precedes it. A row without a snapshot cannot tell and counts as flagged, as before.
 */
function flaggedBefore(
  save: AuditRow,
  customerRows: readonly AuditRow[],
  stands: (id: string) => boolean,
): boolean {
  if (!save.snapshot || save.snapshot.surfacedAt !== null) return true;
  return customerRows.some((r) => r.action === 'surfaced' && r.at < save.at && stands(r.id));
}

/**
 * True when the customer was on a rep's list (any page) in the slip the save ended, as the state the
 * save was tapped on says (listedAt is kept while a slip goes on off the list: paused after a call,
 * a week under the bar), or as an earlier tap on them since their last save says: the save that
 * follows a call is still one of a listed customer. Read from the snapshots (the state each tap was
 * made on), of the rows read.
 */
function listedBefore(
  save: AuditRow,
  customerRows: readonly AuditRow[],
  stands: (id: string) => boolean,
): boolean {
  const listed = (r: AuditRow) => (r.snapshot?.listedAt ?? null) !== null;
  const before = customerRows.filter((r) => r.at < save.at);
  const lastSave = before
    .filter((r) => r.action === 'won_back' && stands(r.id))
    .reduce<string | null>((latest, r) => (latest === null || r.at > latest ? r.at : latest), null);
  return listed(save) || before.some((r) => (lastSave === null || r.at > lastSave) && listed(r));
}

function sumValues(rows: readonly AuditRow[]): number {
  return rows.reduce((sum, r) => sum + (r.value ?? 0), 0);
}

/**
 * The losses by reason, most first. Reasons a reader cannot tell apart (labels the same but for case,
 * spacing or how an accent is typed: "Price" and a later "price ") are one slice, under the label of
 * the one the rules file lists first; a code the file no longer lists is shown as it is.
 */
function lossShares(
  lost: readonly AuditRow[],
  reasons: readonly { code: string; label: string }[],
): LossShare[] {
  const order = (code: string) => {
    const k = reasons.findIndex((r) => r.code === code);
    return k === -1 ? reasons.length : k;
  };
  const slices = new Map<string, { code: string; label: string; count: number }>();
  for (const r of lost) {
    const code = r.reason ?? 'unspecified';
    // As the card shows it: runs of spaces one, and no line breaks.
    const label = plainText(reasons.find((reason) => reason.code === code)?.label ?? code);
    const key = sameNameKey(label);
    const slice = slices.get(key);
    if (!slice) slices.set(key, { code, label, count: 1 });
    else {
      slice.count++;
      if (order(code) < order(slice.code)) Object.assign(slice, { code, label });
    }
  }
  return [...slices.values()]
    .map((s) => ({ ...s, share: s.count / lost.length }))
    .sort((a, b) => b.count - a.count || order(a.code) - order(b.code) || a.code.localeCompare(b.code));
}

/**
 * Days from the customer being put on a list to the save: the save's snapshot keeps `surfacedAt` (the
 * state before the tap); when it is missing, the latest standing `surfaced` row before the save.
 */
function daysToWinBack(
  save: AuditRow,
  customerRows: readonly AuditRow[],
  stands: (id: string) => boolean,
  timeZone: string,
): number | null {
  const savedOn = localDate(save.at, timeZone);
  let surfacedOn = save.snapshot?.surfacedAt ?? null;
  if (surfacedOn === null) {
    const before = customerRows
      .filter((r) => r.action === 'surfaced' && r.at <= save.at && stands(r.id))
      .sort((a, b) => b.at.localeCompare(a.at))[0];
    surfacedOn = before ? localDate(before.at, timeZone) : null;
  }
  if (surfacedOn === null) return null;
  const days = daysBetween(surfacedOn, savedOn);
  return days >= 0 ? days : null;
}

function byCustomer(rows: readonly AuditRow[]): Map<string, AuditRow[]> {
  const map = new Map<string, AuditRow[]>();
  for (const r of rows) {
    const list = map.get(r.customerId);
    if (list) list.push(r);
    else map.set(r.customerId, [r]);
  }
  return map;
}

/**
 * Per rep (the customer's owner, whoever tapped): by value won back, then saves, losses and
 * reach-outs, then name. The card shows the first rows only, and on a big team most reps record
 * nothing in a month: those who did come first, however their names sort.
 */
function repFigures(
  standing: readonly AuditRow[],
  names: Readonly<Record<string, string>>,
  owners: Readonly<Record<string, string>>,
): RepFigures[] {
  const reps = new Map<string, RepFigures & { surfacedIds: Set<string> }>();
  for (const r of standing) {
    // Rows from before the install name the rep as the feed did then: by their sign-in name or email.
    const address = addressKey(r.owner);
    const owner = Object.hasOwn(owners, address) ? owners[address] : address;
    let rep = reps.get(owner);
    if (!rep) {
      const name = Object.hasOwn(names, owner) ? names[owner] : r.owner;
      rep = {
        owner,
        name,
        surfaced: 0,
        reachedOut: 0,
        wonBack: 0,
        lost: 0,
        valueWonBack: 0,
        secondOrderValue: 0,
        surfacedIds: new Set(),
      };
      reps.set(owner, rep);
    }
    if (r.action === 'surfaced') rep.surfacedIds.add(r.customerId);
    else if (r.action === 'reached_out') rep.reachedOut++;
    else if (r.action === 'won_back') {
      rep.wonBack++;
      if (valueKindOf(r) === 'monthly') rep.valueWonBack += r.value ?? 0;
      else rep.secondOrderValue += r.value ?? 0;
    } else if (r.action === 'lost') rep.lost++;
  }
  return [...reps.values()]
    .map(({ surfacedIds, ...rep }) => ({ ...rep, surfaced: surfacedIds.size }))
    .sort(
      (a, b) =>
        b.valueWonBack - a.valueWonBack ||
        b.wonBack - a.wonBack ||
        b.lost - a.lost ||
        b.reachedOut - a.reachedOut ||
        a.name.localeCompare(b.name),
    );
}

/** A customer put on a list again this month: on the day `on`, after the saves `after` accepts. */
interface Relisting {
  customerId: string;
  /** As the list named them ('' when not known: the save's name is used). */
  name: string;
  owner: string;
  on: string;
  after: (save: AuditRow) => boolean;
}

/** The month's standing `surfaced` and `held_out` rows (flags on a delivered card, or drawn by the holdout). */
function flaggedAgain(standingInMonth: readonly AuditRow[], timeZone: string): Relisting[] {
  return standingInMonth
    .filter((r) => r.action === 'surfaced' || r.action === 'held_out')
    .map((r) => ({
      customerId: r.customerId,
      name: r.customerName,
      owner: r.owner,
      on: localDate(r.at, timeZone),
      after: (save: AuditRow) => save.at < r.at,
    }));
}

/** Whether `week` listed the customer past the card's first page in `month`: a listing no audit row records. */
export function pastTheCardIn(month: string): (week: ListedWeek) => boolean {
  return (w) => w.page !== null && w.page > 1 && w.day.startsWith(`${month}-`);
}

/**
 * The weeks of the month a customer was on a rep's list past the card's first page (behind "Show
 * the next", of a card that reached the rep), which no audit row records. A week is known by its
 * day only: a save that day counts as after the listing, not before it.
 */
function listedPastTheCard(
  listedWeeks: ReadonlyMap<string, readonly ListedWeek[]> | null,
  month: string,
  timeZone: string,
  deliveries: ReadonlyMap<string, RunCards> | null,
): Relisting[] {
  return [...(listedWeeks ?? [])].flatMap(([customerId, weeks]) =>
    weeks
      .filter(pastTheCardIn(month))
      .filter((w) => cardOutcome(deliveries?.get(w.run), w.owner) === 'delivered')
      .map((w) => ({
        customerId,
        name: '',
        owner: w.owner,
        on: w.day,
        after: (save: AuditRow) => localDate(save.at, timeZone) < w.day,
      })),
  );
}

/**
 * Customers won back in the `windowDays` before being put on a list again this month (`relistings`,
 * after a standing save), one entry per customer, each with whether they ordered between the save
 * and the relisting: a save that never held (the rep may have recorded a hope) is a different story
 * from one that held and slipped again.
 */
function reChurn(
  relistings: readonly Relisting[],
  history: ReadonlyMap<string, readonly AuditRow[]>,
  stands: (id: string) => boolean,
  options: { timeZone: string; windowDays: number; outcomes: ComebackOutcomes | null },
): ReChurnCustomer[] {
  const { timeZone, windowDays, outcomes } = options;
  const byDay = [...relistings].sort((a, b) => a.on.localeCompare(b.on));
  const found = new Map<string, ReChurnCustomer>();
  for (const relisting of byDay) {
    const { customerId, on } = relisting;
    if (found.has(customerId)) continue;
    const save = (history.get(customerId) ?? [])
      .filter((s) => s.action === 'won_back' && relisting.after(s) && stands(s.id))
      .sort((a, b) => b.at.localeCompare(a.at))[0];
    if (!save) continue;
    const wonBackOn = localDate(save.at, timeZone);
    if (daysBetween(wonBackOn, on) > windowDays) continue;
    found.set(customerId, {
      customerId,
      name: relisting.name || save.customerName,
      owner: relisting.owner,
      wonBackOn,
      atRiskAgainOn: on,
      orderedSince: orderedBetween(outcomes, customerId, wonBackOn, on),
    });
  }
  return [...found.values()];
}

/**
 * Whether the customer ordered from the save's day to the day before the new flag (an order after
 * it is a new comeback, not the save holding; nobody who ordered on a weekly run's day is listed by
 * it, so an order on the flag's day came after it). The save's day counts: the feed cannot tell an
 * order that day from one after the tap, and "no order since" would be untrue of it (as on the
 * weekly card). Null when it cannot be told: no order feed, a customer whose orders it does not
 * hold, or a feed whose newest order is older than that day and shows none of theirs (an export that
 * stopped says nothing of who did not order after it).
 */
function orderedBetween(
  outcomes: ComebackOutcomes | null,
  customerId: string,
  wonBackOn: string,
  flaggedOn: string,
): boolean | null {
  if (!outcomes?.knows(customerId)) return null;
  const dayBeforeFlag = isoOfDay(dayOf(flaggedOn) - 1);
  if (outcomes.orderedAfter(customerId, isoOfDay(dayOf(wonBackOn) - 1), dayBeforeFlag)) return true;
  const { newestOrderOn } = outcomes;
  return newestOrderOn === null || newestOrderOn < dayBeforeFlag ? null : false;
}
