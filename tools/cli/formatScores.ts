import Papa from 'papaparse';
import { changeText, headlineOf, statusLine, valueText } from '../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../cards/cardModels';
import { countOf, formatCount, formatMoney, formatShortDate, terminalText } from '../../cards/format';
import { parseWeeklyCardData } from '../../cards/weeklyCardData';
import { weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { repCardData } from '../../jobs/weekly/weeklyCardFor';
import { countGates } from '../../jobs/weekly/weeklyLists';
import type { WeekPlan } from '../../jobs/weekly/weeklyPlan';
import { isoOfDay, type ScoredCustomer } from '../../rules';
import { MODEL_FEATURES } from '../../rules/model/modelFeatures';
import { rankingText } from '../../rules/model/plainWords';
import { type PlanStep, planText } from '../../rules/plans';
import { EVERY_ORDER_LEFT_OUT } from '../../rules/reasons';
import type { Rules } from '../../rules/rulesSchema';
import { MONDAY_TO_FRIDAY, type WorksOn } from '../../rules/workingDays';
import { round } from './round';

/** The machine-readable row of one scored customer (json and csv formats). */
export interface ScoreRow {
  customerId: string;
  name: string;
  owner: string;
  score: number;
  band: string;
  /** `slipping`, `not_back` or `lapsed`; null when the customer is none (see notListed). */
  segment: string | null;
  /** `no_orders`, `too_new` or `on_time` when the customer is no kind of name; else null. */
  notListed: string | null;
  /** The chance of no order the list goes by, 0-1, in the next listChanceDays. */
  listChance: number;
  listChanceDays: number;
  monthlyValue: number;
  /** `monthly`, or `second_order` when monthlyValue is what another order of a one-visit customer is worth. */
  valueKind: string;
  valueAtRisk: number;
  reasons: string[];
  play: string;
  /** The plan-table row: tier, action, channel and days from the list's date; null when not listed. */
  plan: { tier: string; action: string; channel: string; days: number[] } | null;
  surfaced: boolean;
  rank: number | null;
  gate: string;
  /** What changed since last week for a listed customer: new, worse (points), still (week). */
  change: string | null;
  /** What ranked the book: its own model or the default rules. */
  rankedBy: 'model' | 'rules';
  /** P(no order in the next 30/60/90 days), calibrated on the book's past; null with no order or too little history. */
  noOrderProbability: { '30': number; '60': number; '90': number } | null;
  /** immediate, moderate or early_warning; null when not calibrated or not likely to lapse. */
  tier: string | null;
  /** YYYY-MM-DD the next order is due at the customer's own pace; null below three order days (one gap is no rhythm). */
  expectedNextOrder: string | null;
  /** The book model's log-odds per feature, or the rules' points per signal; null for a steady customer. */
  contributions: Record<string, number> | null;
}

/**
 * The dates and plays of rows, each written once per output: 100k rows share a few thousand days
 * and a handful of plans, and a date or a play written per row was a fifth of `--format json`.
 */
interface RowTexts {
  iso: (day: number) => string;
  play: (c: ScoredCustomer) => string;
}

function rowTexts(plan: WeekPlan, locale: string, worksOn: WorksOn): RowTexts {
  const days = new Map<number, string>();
  const plays = new Map<PlanStep, string>();
  return {
    iso: (day) => {
      let text = days.get(day);
      if (text === undefined) {
        text = isoOfDay(day);
        days.set(day, text);
      }
      return text;
    },
    play: (c) => {
      if (!c.plan) return c.play.text;
      let text = plays.get(c.plan);
      if (text === undefined) {
        text = planText(c.plan, { day: plan.scored.asOfDay, worksOn }, locale);
        plays.set(c.plan, text);
      }
      return text;
    },
  };
}

/** One scored customer as a plain row (the play's days in `locale`). */
export function toScoreRow(
  c: ScoredCustomer,
  plan: WeekPlan,
  locale = 'en-US',
  texts: RowTexts = rowTexts(plan, locale, MONDAY_TO_FRIDAY),
): ScoreRow {
  const change = plan.since.changes.get(c.customerId);
  return {
    customerId: c.customerId,
    name: c.name,
    owner: c.owner,
    score: round(c.score, 1),
    band: c.band,
    segment: c.segment,
    notListed: c.notListed,
    listChance: round(c.listChance, 3),
    listChanceDays: plan.scored.noOrderHorizonDays,
    monthlyValue: round(c.monthlyValue, 2),
    valueKind: c.valueKind,
    valueAtRisk: round(c.valueAtRisk, 2),
    reasons: c.reasons,
    play: texts.play(c),
    plan: c.plan
      ? { tier: c.plan.tier, action: c.plan.action, channel: c.plan.channel, days: c.plan.days }
      : null,
    surfaced: c.surfaced,
    rank: c.rank,
    gate: c.gate.surfaced ? 'passed' : c.gate.gate,
    change: c.rank !== null && change ? changeText(change, locale) : null,
    rankedBy: plan.scored.choice.use,
    noOrderProbability: c.noOrderProbability && {
      '30': round(c.noOrderProbability.in30, 3),
      '60': round(c.noOrderProbability.in60, 3),
      '90': round(c.noOrderProbability.in90, 3),
    },
    tier: c.tier,
    expectedNextOrder: c.expectedNextOrderDay === null ? null : texts.iso(c.expectedNextOrderDay),
    contributions: roundedContributions(
      c.modelContributions ? namedContributions(c.modelContributions) : c.contributions,
    ),
  };
}

/**
 * Orders on or before the as-of day, the days they fell on (what the reasons count: "Only 2 order days
 * in 9 months" of 34 invoices placed on 2 days), the first and last order's date, their summed amounts.
 */
function factsOf(c: ScoredCustomer, texts: RowTexts) {
  return {
    orders: c.orders,
    orderDays: c.orderDays,
    firstOrderAt: c.firstOrderDay === null ? null : texts.iso(c.firstOrderDay),
    lastOrderAt: c.lastOrderDay === null ? null : texts.iso(c.lastOrderDay),
    spend: round(c.spend, 2),
  };
}

function namedContributions(values: Float32Array): Record<string, number> {
  return Object.fromEntries(MODEL_FEATURES.map((name, j) => [name, values[j]]));
}

function roundedContributions(values: Partial<Record<string, number>> | null): Record<string, number> | null {
  if (!values) return null;
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(values)) if (v !== undefined) out[name] = round(v, 3);
  return out;
}

/** Rows per piece of JSON: one JSON.stringify a batch, not one per row and re-indented. */
const JSON_BATCH = 1000;

/**
 * Every customer, listed first in list order, then riskiest first, as a JSON array, with the facts a
 * user checks the import against (orders on or before the as-of date, first and last order, spend).
 * In pieces of JSON_BATCH customers: a million customers as one string is more than Node can hold.
 */
export function* jsonPieces(
  plan: WeekPlan,
  locale = 'en-US',
  worksOn: WorksOn = MONDAY_TO_FRIDAY,
): Generator<string> {
  const rows = ordered(plan);
  if (rows.length === 0) {
    yield '[]';
    return;
  }
  const texts = rowTexts(plan, locale, worksOn);
  for (let from = 0; from < rows.length; from += JSON_BATCH) {
    const batch = rows
      .slice(from, from + JSON_BATCH)
      .map((c) => Object.assign(toScoreRow(c, plan, locale, texts), factsOf(c, texts)));
    // The batch's own array, "[\n" and "\n]" cut off, is its rows in the layout of
    // JSON.stringify(rows, null, 2): each row indented by two spaces.
    const text = JSON.stringify(batch, null, 2);
    yield `${from === 0 ? '[\n' : ',\n'}${text.slice(2, -2)}`;
  }
  yield '\n]';
}

/** Separates the reasons in the CSV's `reasons` column; no reason contains it. */
export const CSV_REASON_SEPARATOR = ' | ';

// A cell a spreadsheet runs as a formula: Papa's own `escapeFormulae: true` pattern ends in `.*$`,
// so it missed a cell with a line break after the formula, which Excel still runs.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Rows per piece of CSV: Papa parses and quotes a batch at a time. */
const CSV_BATCH = 2000;

/**
 * Every customer as CSV (reasons joined with " | ", plan days with " ", the contributions as one JSON
 * object), with the json format's import facts; a cell starting with = + - @ is prefixed with ' so a
 * spreadsheet shows it as text, never runs it. In pieces of CSV_BATCH rows, the header with the first.
 */
export function* csvPieces(
  plan: WeekPlan,
  locale = 'en-US',
  worksOn: WorksOn = MONDAY_TO_FRIDAY,
): Generator<string> {
  const customers = ordered(plan);
  const texts = rowTexts(plan, locale, worksOn);
  const row = (c: ScoredCustomer) => {
    const { noOrderProbability: p, contributions, ...r } = toScoreRow(c, plan, locale, texts);
    const facts = factsOf(c, texts);
    return {
      ...r,
      noOrder30: p?.['30'] ?? '',
      noOrder60: p?.['60'] ?? '',
      noOrder90: p?.['90'] ?? '',
      reasons: r.reasons.join(CSV_REASON_SEPARATOR),
      plan: r.plan
        ? `${r.plan.tier}: ${r.plan.action} (${r.plan.channel}) days ${r.plan.days.join(' ')}`
        : '',
      rank: r.rank ?? '',
      segment: r.segment ?? '',
      notListed: r.notListed ?? '',
      change: r.change ?? '',
      ...facts,
      firstOrderAt: facts.firstOrderAt ?? '',
      lastOrderAt: facts.lastOrderAt ?? '',
      // One cell a script reads back with JSON.parse; a column per feature would differ by ranking.
      contributions: contributions ? JSON.stringify(contributions) : '',
    };
  };
  if (customers.length === 0) {
    yield '';
    return;
  }
  for (let from = 0; from < customers.length; from += CSV_BATCH) {
    const rows = customers.slice(from, from + CSV_BATCH).map(row);
    const text = Papa.unparse(rows, { newline: '\n', escapeFormulae: FORMULA_START, header: from === 0 });
    yield from === 0 ? text : `\n${text}`;
  }
}

/** The currency and locale amounts are shown in. */
export interface MoneyFormat {
  currency: string;
  locale: string;
}

/**
 * What a person reads: each rep's list as their card shows it (page 1, cut where the card is by its
 * size, which the rules' loss reasons add to), with the reasons and the play, its days on the days
 * the team works (`worksOn`, as the app's cards date them).
 */
export function formatTable(
  plan: WeekPlan,
  money: MoneyFormat,
  rules: Pick<Rules, 'lossReasons' | 'valueFloor' | 'windows'>,
  worksOn: WorksOn,
): string {
  const { scored } = plan;
  const n = (count: number) => formatCount(count, money.locale);
  // A customer with no order yet has the band steady but is no steady customer: counted apart.
  const noOrders = plan.customers.filter((c) => c.notListed === 'no_orders');
  const count = (band: string) =>
    n(plan.customers.filter((c) => c.band === band && c.notListed !== 'no_orders').length);
  // Those whose orders the feed holds and skipped have ordered: "no order yet" would say they never did.
  // Those whose every order its status left out (refunded, voided) have nothing to fix: said apart.
  const unread = noOrders.filter((c) => c.unreadOrders !== null && !c.unreadOrders.undone).length;
  const undone = noOrders.filter((c) => c.unreadOrders?.undone === true).length;
  // So have those whose every order was refunded in full.
  const refunded = noOrders.filter((c) => c.refundedOrders !== null).length;
  const never = noOrders.length - unread - undone - refunded;
  const notYet =
    (never > 0 ? `, ${n(never)} with no order yet` : '') +
    (unread > 0 ? `, ${n(unread)} with every order line skipped (the feed report above says why)` : '') +
    (undone > 0 ? `, ${n(undone)} ${EVERY_ORDER_LEFT_OUT}` : '') +
    (refunded > 0 ? `, ${n(refunded)} whose every order was refunded in full` : '');
  const out: string[] = [`Lists as of ${scored.asOf}`];
  out.push(
    `${countOf(plan.customers.length, 'customer', 'customers', money.locale)} scored: ${count('at_risk')} at risk, ${count('watch')} to watch, ${count('steady')} steady${notYet}.`,
  );
  // Whether the book's own model or the rules ranked it, and why: on a book with too little history
  // the fallback was otherwise said only by backtest and the weekly report.
  out.push(rankingText(scored.choice));
  const fmt = (amount: number) => formatMoney(amount, money.currency, money.locale);
  // At risk but kept off every list by a gate: without this line a book of orders worth 0 read
  // "14 at risk" and then "Nobody is on a list" with no word why.
  const { keptOff } = countGates(plan.customers);
  if (keptOff.silent_past_value_window > 0) {
    out.push(
      `${n(keptOff.silent_past_value_window)} at risk not listed: no order in the last ${n(rules.windows.valueDays)} days (windows.valueDays), too long gone for a win-back list.`,
    );
  }
  if (keptOff.below_floor > 0) {
    out.push(
      `${n(keptOff.below_floor)} at risk not listed: worth no more than the value floor (${fmt(rules.valueFloor)} a month).`,
    );
  }
  const weeks = plan.weeks.filter((w) => w.shown.length > 0 || w.backOnTrack.length > 0);
  if (weeks.length === 0) out.push('', 'Nobody is on a list this week.');
  for (const week of weeks) {
    const data: WeeklyCardData = repCardData(week, rules, weeklyRunKeyOfDay(scored.asOf), {
      date: scored.asOf,
      worksOn,
      horizonDays: scored.noOrderHorizonDays,
      currency: money.currency,
      locale: money.locale,
    });
    const { headline, subline } = headlineOf(parseWeeklyCardData(data), fmt);
    // The card's headline without its week number (a CLI run is for a date, not a week's send).
    out.push('', `${week.owner}: ${headline.replace(/^Week \d+ · /, '')}`);
    if (subline) out.push(`  ${subline}`);
    data.customers.forEach((c, k) => {
      const status = statusLine(c).text;
      const change = c.change ? ` · ${changeText(c.change, money.locale)}` : '';
      out.push(`  ${String(k + 1).padStart(2)}. ${c.name}  ${valueText(c, fmt)} · ${status}${change}`);
      // The card's line under the status: when the next order was due at the customer's own pace.
      if (c.outlook) out.push(`      ${c.outlook}`);
      for (const r of c.reasons.slice(0, 3)) out.push(`      - ${r}`);
      out.push(`      Play: ${c.play}`);
    });
    const more = data.overflow?.count ?? 0;
    if (more > 0)
      out.push(`  +${n(more)} more (in Teams: the card's "Show the next" button, or type "list 2")`);
    if (data.backOnTrack)
      out.push(
        `  Back on track: ${data.backOnTrack.map((b) => `${b.name} ordered ${formatShortDate(b.orderedOn, money.locale)}`).join('; ')}`,
      );
  }
  return terminalText(out.join('\n'));
}

/** Listed customers in list order (by rep), then everyone else riskiest first. */
function ordered(plan: WeekPlan): ScoredCustomer[] {
  const listed = plan.weeks.flatMap((w) => [...w.shown, ...w.overflow]);
  const ids = new Set(listed.map((c) => c.customerId));
  const rest = plan.customers
    .filter((c) => !ids.has(c.customerId))
    .sort(
      (a, b) => b.listChance - a.listChance || b.score - a.score || a.customerId.localeCompare(b.customerId),
    );
  return [...listed, ...rest];
}
