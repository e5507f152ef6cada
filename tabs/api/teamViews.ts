import { countsText } from '../../cards/buildWeeklyCard';
import { formatCount, formatPercent, plainText } from '../../cards/format';
import type { MonthlySummary } from '../../jobs/monthly/monthlySummarySchema';
import { weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { heldOutInWeek } from '../../jobs/weekly/weeklyHoldout';
import { addressKey, sameAddress } from '../../rules/addresses';
import type { BacktestResult } from '../../rules/backtest';
import { dayOf } from '../../rules/book';
import { formatDateNear } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import { classifyGates } from '../../rules/gates';
import { calibrationClose, decileGapsClose } from '../../rules/model/calibration';
import { noCounts } from '../../rules/ranking';
import type { Rules } from '../../rules/rulesSchema';
import type { ScoredCustomer } from '../../rules/scoreBook';
import type { MonthFigures, TeamResponse } from './tabTypes';

/**
 * The team tab's figures, pure: value at risk and untouched lists from the stored states, the
 * monthly figures from the monthly summary's own computation (net of undos), and the backtest's
 * measured accuracy in plain words.
 */

/**
 * Per rep, what a weekly card made `today` counts: customers of a kind at risk who pass the card's
 * gates (not lost, not paused after a contact, not cooling down after a save, an order within the
 * value window, above the value floor) with their stored state and are not kept off the lists by
 * the holdout, and the sum of their value at risk (the scoring's, as on the card). Largest first.
 */
export function valueAtRiskByRep(
  states: Iterable<CustomerState>,
  scored: ReadonlyMap<string, ScoredCustomer>,
  options: { rules: Rules; today: string; locale: string },
  repName: (owner: string) => string,
): TeamResponse['valueAtRiskByRep'] {
  const byRep = new Map<string, { valueAtRisk: number; counts: ReturnType<typeof noCounts> }>();
  const asOfDay = dayOf(options.today);
  const runKey = weeklyRunKeyOfDay(options.today);
  for (const s of states) {
    const c = scored.get(s.customerId);
    if (!c?.segment) continue;
    const gate = classifyGates(
      { band: c.band, monthlyValue: c.monthlyValue, daysSinceLastOrder: c.daysSinceLastOrder, state: s },
      options.rules,
      asOfDay,
    );
    // The holdout keeps its share off every card (and off `list`): counted here, a rep's figures
    // were more than their card's header said.
    if (!gate.surfaced || heldOutInWeek(s.customerId, s, options.rules, runKey)) continue;
    const owner = addressKey(s.owner);
    const entry = byRep.get(owner) ?? { valueAtRisk: 0, counts: noCounts() };
    entry.valueAtRisk += c.valueAtRisk;
    entry.counts[c.segment]++;
    byRep.set(owner, entry);
  }
  return [...byRep.entries()]
    .map(([owner, e]) => ({
      owner,
      name: repName(owner),
      valueAtRisk: Math.round(e.valueAtRisk),
      listed: e.counts.slipping + e.counts.not_back + e.counts.lapsed,
      countsText: countsText(e.counts, options.locale),
    }))
    .sort((a, b) => b.valueAtRisk - a.valueAtRisk);
}

/**
 * Customers on this week's lists (`listed`: the customers this week's weekly run put on a card) whom
 * nobody has touched in their slip cycle: no Reached out or Won back since they were first listed
 * (surfacedAt). A name on its third card untouched is the one a manager looks for, not only the
 * names first listed this week. Grouped by rep, the rep with the most untouched first (then the
 * most value at risk untouched): on a team of a hundred reps the tab shows the first few.
 */
export function untouchedThisWeek(
  states: Iterable<CustomerState>,
  scored: ReadonlyMap<string, ScoredCustomer>,
  listed: ReadonlySet<string>,
  repName: (owner: string) => string,
): TeamResponse['untouched'] {
  const byRep = new Map<string, TeamResponse['untouched'][number]['customers']>();
  for (const s of states) {
    if (s.status !== 'active' || s.surfacedAt === null || !listed.has(s.customerId)) continue;
    const touched = [s.lastContact, s.wonBackAt].some((d) => d !== null && d >= (s.surfacedAt as string));
    if (touched) continue;
    const owner = addressKey(s.owner);
    const list = byRep.get(owner) ?? [];
    list.push({
      customerId: s.customerId,
      name: plainText(s.name),
      valueAtRisk: Math.round(scored.get(s.customerId)?.valueAtRisk ?? 0),
    });
    byRep.set(owner, list);
  }
  const atRisk = (customers: readonly { valueAtRisk: number }[]) =>
    customers.reduce((sum, c) => sum + c.valueAtRisk, 0);
  return [...byRep.entries()]
    .map(([owner, customers]) => ({
      owner,
      name: repName(owner),
      customers: customers.sort((a, b) => b.valueAtRisk - a.valueAtRisk),
    }))
    .sort(
      (a, b) =>
        b.customers.length - a.customers.length ||
        atRisk(b.customers) - atRisk(a.customers) ||
        a.name.localeCompare(b.name),
    );
}

/**
 * Per rep, the customers in the feed none of whose order lines was read (all in another currency,
 * voided, bad rows): they are on no card and in none of the tab's other figures, so a manager
 * adding up the team's customers would miss them. The reps with the most first.
 */
export function ordersNotReadByRep(
  states: Iterable<CustomerState>,
  scored: ReadonlyMap<string, ScoredCustomer>,
  repName: (owner: string) => string,
): TeamResponse['ordersNotRead'] {
  const byRep = new Map<string, { customers: number; undone: number }>();
  for (const s of states) {
    const unread = scored.get(s.customerId)?.unreadOrders;
    if (unread == null) continue;
    const owner = addressKey(s.owner);
    const counts = byRep.get(owner) ?? { customers: 0, undone: 0 };
    counts.customers++;
    if (unread.undone) counts.undone++;
    byRep.set(owner, counts);
  }
  return [...byRep.entries()]
    .map(([owner, counts]) => ({ owner, name: repName(owner), ...counts }))
    .sort((a, b) => b.customers - a.customers || a.name.localeCompare(b.name));
}

/**
 * One month's row of the saves and losses table, from its summary. The follow-up conversion is the
 * summary card's "Reached out, then won back": of the customers reached out to, the share won back
 * after it. A save tapped straight from the card, with no call before it, is no follow-up converted.
 */
export function monthFigures(summary: MonthlySummary): MonthFigures {
  const { reachedOut, reachedOutThenWonBack } = summary.followUps;
  return {
    month: summary.month,
    surfaced: summary.surfaced,
    reachedOut: summary.reachedOut,
    saves: summary.saves,
    losses: summary.lost,
    valueWonBack: summary.recoveredValue,
    oneOffWonBack: summary.secondOrderValue,
    flaggedNotDelivered: summary.notDelivered,
    followUpConversion: reachedOut > 0 ? reachedOutThenWonBack / reachedOut : null,
  };
}

/** The holdout comparison of a month in one sentence. */
export function holdoutWords(summary: MonthlySummary): string {
  return summary.holdout?.text ?? 'No customers were held out this month (holdoutPercent is 0 in the rules).';
}

/**
 * The backtest in plain words, for a manager: the replay's day (`YYYY-MM-DD`) and the counts in
 * `locale`, as the cards word them (the year only when it is not `today`'s).
 */
export function accuracyWords(
  result: BacktestResult,
  asOf: string,
  wording: { today: string; locale: string },
): TeamResponse['accuracy'] {
  if (result.customers === 0 || result.churned === 0 || result.churned === result.customers) return null;
  const count = (n: number) => formatCount(n, wording.locale);
  const pct = (x: number) => formatPercent(Math.round(x * 100), wording.locale);
  const better = result.score.auc - result.baseline.auc;
  const compare =
    Math.abs(better) < 0.005
      ? 'about as well as simply sorting by days since the last order'
      : better > 0
        ? `better than simply sorting by days since the last order (${pct(result.baseline.auc)})`
        : `worse than simply sorting by days since the last order (${pct(result.baseline.auc)})`;
  const sentence =
    `Replayed on the team's whole book as of ${formatDateNear(asOf, wording.today, wording.locale)}: of ${count(result.customers)} customers, ${count(result.churned)} placed no order in the next ` +
    `${count(result.horizonDays)} days. Picking one who stopped and one who kept ordering, the scoring ranked the one who stopped ` +
    `higher ${pct(result.score.auc)} of the time, ${compare}. In each rep's top ${count(result.topK)}, ` +
    `${pct(result.score.topKPrecision)} really stopped ordering.` +
    chancesWords(result, count);
  return {
    sentence,
    auc: result.score.auc,
    baselineAuc: result.baseline.auc,
    topKPrecision: result.score.topKPrecision,
  };
}

/**
 * How close the chances the replay stated came to what happened, judged by the accuracy table's goals:
 * every customer's page and the card state one, and on a book where they missed (Online Retail) the
 * manager is told to read them as rough. Nothing when the replay stated none for its horizon.
 */
function chancesWords(result: BacktestResult, count: (n: number) => string): string {
  const c = result.calibration;
  if (c === null) return '';
  const points = (x: number) => count(Math.round(100 * x));
  const stated = ` The chances of no order in ${count(result.horizonDays)} days it stated were`;
  if (!decileGapsClose(c))
    return `${stated} off by ${points(c.meanDecileGap)} points on average, ${points(c.worstDecileGap)} at worst: read them as rough.`;
  const within = `${stated} within ${points(c.worstDecileGap)} points of what happened (${points(c.meanDecileGap)} on average)`;
  // Close in every group, yet no better than the base rate: each customer's chance tells little.
  return calibrationClose(c)
    ? `${within}.`
    : `${within}, but hardly better than stating the same chance for every customer: read them as rough.`;
}

/** True when the customer belongs to the rep, named by any of their addresses (or no rep is chosen). */
export function ownedBy(owner: string, rep: readonly string[] | null): boolean {
  return rep === null || rep.some((address) => sameAddress(owner, address));
}
