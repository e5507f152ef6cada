import { type Book, isoOfDay, type RefundedOrders, sharedStrings, type UnreadOrders } from './book';
import type { Band, CustomerState, ValueKind } from './customerState';
import { computeFeatures, emptyFeatures, featureContext } from './features';
import { wonBackTwice } from './followUps';
import { classifyGates, type GateResult, silentPastValueWindow } from './gates';
import {
  fitBookModel,
  type ModelChoice,
  modelLogOdds,
  type NoOrderProbability,
  noOrderProbability,
  rulesLogit,
} from './model/bookModel';
import { CadenceHistories, type CadenceModel, cadenceFigures, fitCadenceModel } from './model/cadenceModel';
import { FEATURE_COUNT, modelRow, rowScratch } from './model/modelFeatures';
import { modelReasons } from './model/modelReasons';
import type { NumberWords } from './model/plainWords';
import { type Tier, tierOf } from './model/tier';
import {
  type ChanceSource,
  calibratedKey,
  measureChances,
  noOrderChance,
  unmeasuredChances,
} from './noOrderChance';
import { type PlanStep, planFor } from './plans';
import { type Play, playFor, vipThreshold } from './play';
import { markRanks, type RepList, rankPerRep, valueAtRisk } from './ranking';
import { reasonsFor, refundedOrdersReason, unreadOrdersReason } from './reasons';
import type { Rules } from './rulesSchema';
import { type Contributions, weightedScore } from './score';
import { atRiskChances, classifySegment, type NotListed, SEGMENTS, type Segment } from './segments';
import { computeSignals, MODEL_SIGNALS } from './signals';

/** One customer, scored and judged as of a day. */
export interface ScoredCustomer {
  /** Position in book.customers. */
  index: number;
  customerId: string;
  name: string;
  owner: string;
  /** Per month; for a one-visit customer without a given value, the worth of another order (valueKind). */
  monthlyValue: number;
  /** True when the feed gave no monthly value and it was derived from the orders. */
  monthlyValueIsDerived: boolean;
  valueKind: ValueKind;
  /** 0-100, unrounded: the rule signals' score (it breaks ties and explains; the list goes by probability). */
  score: number;
  /** at_risk: a kind of name (segment) with listChance at least its kind's bar (atRiskChances); watch: a kind of name below it. */
  band: Band;
  /** The kind of name; null when the customer is none (no order yet, too new to be late, on time). */
  segment: Segment | null;
  /** Why the customer is no kind of name; null when they are one. */
  notListed: NotListed | null;
  /**
   * The chance of no order in ScoredBook.noOrderHorizonDays that the list goes by (rules/noOrderChance:
   * the seam to the learned model's calibrated probabilities).
   */
  listChance: number;
  /** Distinct days with an order on or before the as-of day. */
  orderDays: number;
  /**
   * Points per signal; null for a steady customer with orders (nobody reads why a customer is fine,
   * and a million such objects cost 180 MB).
   */
  contributions: Contributions | null;
  /** Plain words with numbers, strongest first; empty for a steady customer with orders. */
  reasons: string[];
  /** With no order read: the order lines of theirs the feed holds and skipped (Book.unreadOrders); else null. */
  unreadOrders: UnreadOrders | null;
  /** With no order left: every order of theirs placed by the as-of day was refunded in full (Book.refundedOrders); else null. */
  refundedOrders: RefundedOrders | null;
  play: Play;
  /** The plan-table row for the customer's kind and tier; null when they are no kind of name. */
  plan: PlanStep | null;
  /** monthlyValue * listChance. */
  valueAtRisk: number;
  /** The gates' verdict (before the per-rep cap). */
  gate: GateResult;
  /** 1-based place in the rep's ranking of customers who passed the gates; null when gated. */
  rank: number | null;
  /** On the rep's list this week: passed the gates and within the cap. */
  surfaced: boolean;
  /** Days since the last order on or before the as-of day; null for a customer with no order yet. */
  daysSinceLastOrder: number | null;
  /**
   * P(no order in the next 30, 60, 90 days), calibrated on the book's own past (whichever ranking,
   * model or rules, the book uses); null with no order yet or too little history to calibrate on.
   */
  noOrderProbability: NoOrderProbability | null;
  /** How soon to act (see rules/model/tier.ts); null when not calibrated or not likely to lapse. */
  tier: Tier | null;
  /** Day the next order is due at the customer's own pace (last order + usual gap); null below three order days (one gap is no rhythm). */
  expectedNextOrderDay: number | null;
  /**
   * The book model's log-odds per feature (MODEL_FEATURES order) against the book's average customer
   * (positive = towards no order); only for customers at risk when the model ranks the book (a
   * million 22-number records would not fit the weekly run's memory), else null.
   */
  modelContributions: Float32Array | null;
  /** Orders on or before the as-of day, their summed amounts, and the first and last order's day (null: none). */
  orders: number;
  spend: number;
  firstOrderDay: number | null;
  lastOrderDay: number | null;
}

/** A scored customer who is a kind of name. */
export type ListedCustomer = ScoredCustomer & { segment: Segment };

export interface ScoredBook {
  asOfDay: number;
  /** `YYYY-MM-DD` of asOfDay. */
  asOf: string;
  customers: ScoredCustomer[];
  /** Each rep's capped list, reps sorted by owner; reps with nobody on the list are left out. */
  reps: RepList<ListedCustomer>[];
  /** The book's typical gap between orders, used for customers with too few orders of their own. */
  populationCadenceDays: number;
  /** The book's usual days from a first order to a second: a new customer is late past it. */
  secondOrderDays: number;
  /** The days ahead listChance looks, and where it comes from. */
  noOrderHorizonDays: number;
  /**
   * Per kind: the book's calibrated model when it states every chance; else measured on the book's
   * past, or the score when that past has none of the kind.
   */
  noOrderSources: Record<Segment, ChanceSource>;
  /** Monthly value from which a customer is a VIP. */
  vipThreshold: number;
  /** The cadence model fitted for this day, or why the score used the rule signals alone. */
  model: CadenceModel;
  /** Whether the book's own model or the default rules rank this day, and the figures that chose. */
  choice: ModelChoice;
}

/** What scoreBook may leave out when its caller reads only the lists. */
export interface ScoreBookOptions {
  /**
   * Each customer's reasons and the model's contributions (default true). The replay of last week,
   * read only for its chances and lists, leaves them out: they rank nobody, and writing them for
   * every customer took about 0.1 s of a 1.3 s scoring of the 100k bench book.
   */
  reasons?: boolean;
  /**
   * Given, every customer's listChance is written here (by book index) and `customers` keeps only
   * those who pass the gates, all the ranking reads. The replay of last week reads no more, and a
   * million scored records it would drop at once cost the weekly run about 450 MB of heap on top of
   * this week's.
   */
  listChances?: Float64Array;
  /**
   * Given, every customer's score is written here (by book index), NaN for one with no order by the
   * as-of day: with listChances, all a customer page's week-by-week chart reads of a past Monday.
   */
  scores?: Float64Array;
  /** How the reasons write their numbers: the card's LOCALE (default PLAIN_NUMBERS, as code writes them). */
  numbers?: NumberWords;
}

/** Passed the gates and a kind of name: who the ranking puts on a list. */
function listable(c: ScoredCustomer): c is ListedCustomer {
  return c.gate.surfaced && c.segment !== null;
}

/**
 * Scores every customer as of `asOfDay` (later orders and tickets are ignored), runs the gates
 * against the remembered states (keyed by customer id), and builds each rep's ranked, capped list.
 */
export function scoreBook(
  book: Book,
  rules: Rules,
  asOfDay: number,
  states: ReadonlyMap<string, CustomerState> = new Map(),
  options: ScoreBookOptions = {},
): ScoredBook {
  return judgeBook(scoreUnjudged(book, rules, asOfDay, options), states);
}

/**
 * The book scored before any stored state is read: what is the feed's and the rules' alone (the
 * features, the cadence fit, the book's model fit, calibration, each customer's chance, kind, value
 * and reasons), nearly all of scoreBook's time. judgeBook judges it against the states (the gates,
 * the play, the ranks), so `list` re-judges a kept scoring after a write rather than scoring the
 * book again.
 */
export interface UnjudgedBook {
  rules: Rules;
  /** ScoredBook's figures besides its customers and lists. */
  figures: Omit<ScoredBook, 'customers' | 'reps'>;
  /**
   * Each customer judged as one with no stored row, in the book's order: every customer, or, with
   * `listChances`, those who pass the gates so (no stored row can let through one they stop).
   */
  customers: readonly ScoredCustomer[];
  /** False when `customers` holds only those who pass the gates (scored with `listChances`). */
  everyone: boolean;
  /** The plan-table row per kind and play (`slipping/vip`): one shared object each. */
  plans: ReadonlyMap<string, PlanStep>;
}

/** scoreBook's part that reads no stored state (UnjudgedBook). */
export function scoreUnjudged(
  book: Book,
  rules: Rules,
  asOfDay: number,
  options: ScoreBookOptions = {},
): UnjudgedBook {
  const withReasons = options.reasons ?? true;
  const ctx = featureContext(book, rules, asOfDay);
  const n = book.customers.length;
  // One Features record reused for every customer, filled twice (once to fit, once to score):
  // recomputing is a pass over the orders, holding a million records is 240 MB.
  const f = emptyFeatures();
  const values = new Float64Array(n);
  const histories = new CadenceHistories(n);
  for (let i = 0; i < n; i++) {
    computeFeatures(book, i, ctx, f);
    // VIPs are the top of the customers a list can hold: the long gone keep their value (what a win
    // back restores) but are on no list, and on an old book they would set the cut for the rest.
    const listable =
      f.orderCount === 0 || !silentPastValueWindow(f.daysSinceLastOrder, rules.windows.valueDays);
    values[i] = listable ? f.monthlyValue : 0;
    histories.add(f, book.customers[i].id);
  }
  const threshold = vipThreshold(values, rules.vip);
  const model = fitCadenceModel(histories, rules.model);
  // Unavailable model: its signals leave the score and the rule signals share the 100 points.
  const dropped = model.status === 'fitted' ? undefined : MODEL_SIGNALS;

  const learned = fitBookModel(book, rules, asOfDay, model);
  const useModel = learned.choice.use === 'model';
  const atRiskFrom = atRiskChances(rules, learned.choice);
  const scratch = rowScratch(f);
  const row = new Float64Array(FEATURE_COUNT);
  const share = new Float64Array(FEATURE_COUNT);
  // Calibrated, the book's model states every chance the lists use (a customer with no order has no
  // kind): the book's past measured for the kinds' shares, a pass over every customer, would go unread.
  const modelChances = learned.calibrators !== null && calibratedKey(rules.model.horizonDays) !== null;
  const chances = modelChances
    ? unmeasuredChances(rules.model.horizonDays)
    : measureChances(book, rules, asOfDay);
  // One shared plan object per kind and tier: a million customers need no million small objects.
  const plans = new Map<string, PlanStep>();
  for (const segment of SEGMENTS) {
    for (const tier of ['vip', 'standard'] as const)
      plans.set(`${segment}/${tier}`, planFor(segment, tier, rules.plans));
  }
  // Reasons are built by template literals, which V8 keeps as trees of pieces (ropes): each kept as
  // one flat copy, shared by every customer with the same words (on the 200,000-customer bench book
  // 193,000 reasons are 11,300 texts).
  const reasonText = sharedStrings();
  const { listChances } = options;
  const customers: ScoredCustomer[] = listChances ? [] : new Array(n);
  const asOf = isoOfDay(asOfDay);
  for (let i = 0; i < n; i++) {
    const c = book.customers[i];
    computeFeatures(book, i, ctx, f);
    const hasOrders = f.orderCount > 0;
    // Where the book's model ranks a customer, the rules' score, signals and reasons are not used:
    // on a million-customer book they cost a tenth of the run.
    const byModel = useModel && learned.additive !== null && hasOrders;
    const figures = byModel ? null : cadenceFigures(model, f);
    const rulesScore = byModel
      ? null
      : weightedScore(computeSignals(f, ctx, figures), rules.weights, dropped);
    const facts = hasOrders ? modelRow(book, i, ctx, rules, model, scratch, row) : null;
    const z = !hasOrders
      ? Number.NaN
      : byModel && learned.additive
        ? modelLogOdds(learned.additive, row, share)
        : rulesLogit(rulesScore?.score ?? 0);
    const probability = hasOrders && learned.calibrators ? noOrderProbability(learned.calibrators, z) : null;
    // With the book's model the score is the chance of no order in the next 90 days, in percent.
    const score = useModel ? 100 * (probability?.in90 ?? 0) : (rulesScore?.score ?? 0);
    const kind = classifySegment(f, ctx, rules);
    const chance = noOrderChance(chances, {
      segment: kind.listable ? kind.segment : null,
      daysSinceLastOrder: f.daysSinceLastOrder,
      rhythmDays: kind.rhythmDays,
      score,
      // The calibrated chances when the book's past calibrates them; else the book's measured shares.
      calibrated: probability && { '30': probability.in30, '60': probability.in60, '90': probability.in90 },
    });
    const segment = kind.listable ? kind.segment : null;
    // At risk by probability, not a point cut: each kind from its own chance (atRiskChances).
    const band: Band = segment
      ? chance.probability >= atRiskFrom[segment]
        ? 'at_risk'
        : 'watch'
      : score >= rules.bands.watch
        ? 'watch'
        : 'steady';
    // As a customer with no stored row: judgeBook judges each against their row.
    const gate = classifyGates(
      { band, monthlyValue: f.monthlyValue, daysSinceLastOrder: hasOrders ? f.daysSinceLastOrder : null },
      rules,
      asOfDay,
    );
    if (options.scores) options.scores[i] = hasOrders ? score : Number.NaN;
    if (listChances) {
      listChances[i] = chance.probability;
      // Only the customers the ranking reads get a record: most of a book is never on a list.
      if (!(gate.surfaced && segment !== null)) continue;
    }
    // Orders the feed holds and did not read (all in another currency, voided, bad rows) are said as such.
    const unread = f.orderCount === 0 ? book.unreadOrders?.get(i) : undefined;
    // So are orders placed and refunded in full: they ordered, and got their money back.
    const refunded = f.orderCount === 0 && !unread ? book.refundedOrders?.get(i) : undefined;
    const refundedReason = refunded ? refundedOrdersReason(refunded, asOfDay, options.numbers) : null;
    // A steady customer needs no explanation (one with no order yet still hears "No orders yet").
    const steady = band === 'steady' && f.orderCount > 0;
    // The row states the list's own chance of no order beside the kind; a reason repeating the cadence
    // model's (a different figure) would show two percentages, so that reason is left out.
    const modelReason = figures && {
      figures: { ...figures, noOrderProbability: 0 },
      horizonDays: chance.horizonDays,
    };
    const play = playFor(f.monthlyValue, threshold);
    const scored: ScoredCustomer = {
      index: i,
      customerId: c.id,
      name: c.name,
      owner: c.owner,
      monthlyValue: f.monthlyValue,
      monthlyValueIsDerived: f.monthlyValueIsDerived,
      valueKind: f.valueKind,
      score,
      band,
      segment,
      notListed: kind.listable ? null : kind.why,
      listChance: chance.probability,
      orderDays: f.orderDays,
      contributions: steady || useModel ? null : (rulesScore?.contributions ?? null),
      reasons:
        steady || !withReasons
          ? []
          : unread
            ? [reasonText(unreadOrdersReason(unread, options.numbers))]
            : refundedReason
              ? [reasonText(refundedReason)]
              : // The reasons of whatever ranked the customer: the rules' signals, or the model's contributions.
                (rulesScore
                  ? reasonsFor(f, rulesScore.contributions, rules.windows, modelReason, options.numbers)
                  : modelReasons(
                      f,
                      share,
                      {
                        usualGapDays: facts?.usualGapDays ?? null,
                        lastOrdersValueRatio: facts?.lastOrdersValueRatio ?? null,
                        sourTickets90: row[13],
                        trendDays: rules.windows.trendDays,
                        ticketDays: rules.windows.ticketDays,
                      },
                      options.numbers,
                    )
                ).map(reasonText),
      unreadOrders: unread ?? null,
      refundedOrders: refundedReason === null ? null : (refunded ?? null),
      play,
      plan: segment ? (plans.get(`${segment}/${play.kind}`) ?? null) : null,
      valueAtRisk: valueAtRisk(f.monthlyValue, chance.probability),
      gate,
      rank: null,
      surfaced: false,
      daysSinceLastOrder: hasOrders ? f.daysSinceLastOrder : null,
      noOrderProbability: probability,
      tier: probability ? tierOf(probability) : null,
      // One gap is no rhythm to be due by (the reasons say two order days as they are): two gaps at least.
      expectedNextOrderDay:
        facts?.usualGapDays != null && f.orderDays >= 3
          ? f.lastOrderDay + Math.round(facts.usualGapDays)
          : null,
      modelContributions: withReasons && useModel && band === 'at_risk' ? Float32Array.from(share) : null,
      orders: f.orderCount,
      spend: facts?.spend ?? 0,
      firstOrderDay: hasOrders ? f.firstOrderDay : null,
      lastOrderDay: hasOrders ? f.lastOrderDay : null,
    };
    if (listChances) customers.push(scored);
    else customers[i] = scored;
  }
  const figures: UnjudgedBook['figures'] = {
    asOfDay,
    asOf,
    populationCadenceDays: ctx.populationCadenceDays,
    secondOrderDays: ctx.secondOrderDays,
    noOrderHorizonDays: rules.model.horizonDays,
    noOrderSources: {
      slipping: modelChances ? 'model' : chances.shares.slipping ? 'book_history' : 'score',
      not_back: modelChances ? 'model' : chances.shares.not_back ? 'book_history' : 'score',
      lapsed: modelChances ? 'model' : chances.shares.lapsed ? 'book_history' : 'score',
    },
    vipThreshold: threshold,
    model,
    choice: learned.choice,
  };
  return { rules, figures, customers, everyone: !listChances, plans };
}

/**
 * The scored book judged against the remembered states (keyed by customer id): each customer's
 * gates and play, and each rep's ranked, capped list. Only a customer whose row changes what
 * scoreUnjudged judged, or who is ranked, is copied: the scoring is shared by every judging of it.
 */
export function judgeBook(
  unjudged: UnjudgedBook,
  states: ReadonlyMap<string, CustomerState>,
  /** The last day whose taps count (classifyGates); the as-of day by default. */
  tapsThrough = unjudged.figures.asOfDay,
): ScoredBook {
  const { rules, figures, plans, everyone } = unjudged;
  const customers: ScoredCustomer[] = [];
  for (const c of unjudged.customers) {
    const state = states.get(c.customerId);
    if (state === undefined && !listable(c)) {
      if (everyone) customers.push(c);
      continue;
    }
    const gate = classifyGates(
      { band: c.band, monthlyValue: c.monthlyValue, daysSinceLastOrder: c.daysSinceLastOrder, state },
      rules,
      figures.asOfDay,
      tapsThrough,
    );
    // Won back twice this year: no offer (no plan of the table has one for it).
    const twice = state !== undefined && wonBackTwice(state, figures.asOf);
    const play = playFor(c.monthlyValue, figures.vipThreshold, twice);
    // markRanks writes the rank on the record: a ranked customer is always a copy.
    const same = gate === c.gate && play === c.play && !gate.surfaced;
    const judged: ScoredCustomer = same
      ? c
      : { ...c, gate, play, plan: c.segment ? (plans.get(`${c.segment}/${play.kind}`) ?? null) : null };
    if (everyone || listable(judged)) customers.push(judged);
  }
  const { ranked, lists } = rankPerRep(customers.filter(listable), rules);
  markRanks(ranked, rules.capPerRep);
  const { asOfDay, asOf, ...rest } = figures;
  return { asOfDay, asOf, customers, reps: lists, ...rest };
}
