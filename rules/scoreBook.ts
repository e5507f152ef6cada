import { type Book, isoOfDay } from './book';
import type { Band, CustomerState } from './customerState';
import { computeFeatures, emptyFeatures, featureContext } from './features';
import { classifyGates, type GateResult } from './gates';
import { logOdds } from './model/additiveLogistic';
import {
  fitBookModel,
  type ModelChoice,
  type NoOrderProbability,
  noOrderProbability,
  rulesLogit,
} from './model/bookModel';
import { CadenceHistories, type CadenceModel, cadenceFigures, fitCadenceModel } from './model/cadenceModel';
import { FEATURE_COUNT, modelRow, rowScratch } from './model/modelFeatures';
import { modelReasons } from './model/modelReasons';
import { type Tier, tierOf } from './model/tier';
import { type Play, playFor, vipThreshold } from './play';
import { type RepList, rankPerRep, valueAtRisk } from './ranking';
import { reasonsFor } from './reasons';
import type { Rules } from './rulesSchema';
import { bandOf, type Contributions, weightedScore } from './score';
import { computeSignals, MODEL_SIGNALS } from './signals';

/** One customer, scored and judged as of a day. */
export interface ScoredCustomer {
  /** Position in book.customers. */
  index: number;
  customerId: string;
  name: string;
  owner: string;
  monthlyValue: number;
  /** True when the feed gave no monthly value and it was derived from recent orders. */
  monthlyValueIsDerived: boolean;
  /** 0-100, unrounded. */
  score: number;
  band: Band;
  /**
   * Points per signal; null for a steady customer with orders (nobody reads why a customer is fine,
   * and a million such objects cost 180 MB).
   */
  contributions: Contributions | null;
  /** Plain words with numbers, strongest first; empty for a steady customer with orders. */
  reasons: string[];
  play: Play;
  /** monthlyValue * score / 100. */
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
  /** How soon to act (see rules/model/tier.ts); null when not at risk or not calibrated. */
  tier: Tier | null;
  /** Day the next order is due at the customer's own pace (last order + usual gap); null below two order days. */
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

export interface ScoredBook {
  asOfDay: number;
  /** `YYYY-MM-DD` of asOfDay. */
  asOf: string;
  customers: ScoredCustomer[];
  /** Each rep's capped list, reps sorted by owner; reps with nobody on the list are left out. */
  reps: RepList<ScoredCustomer>[];
  /** The book's typical gap between orders, used for customers with too few orders of their own. */
  populationCadenceDays: number;
  /** Monthly value from which a customer is a VIP. */
  vipThreshold: number;
  /** The cadence model fitted for this day, or why the score used the rule signals alone. */
  model: CadenceModel;
  /** Whether the book's own model or the default rules rank this day, and the figures that chose. */
  choice: ModelChoice;
}

/**
 * The strings as flat copies. Reasons are built by template literals, which V8 keeps as trees of
 * pieces (ropes): a JSON round trip stores each as one run of characters, about 600 bytes less per
 * customer with reasons (260 MB on a million-customer book, measured on bench/generateLargeFeed.ts).
 */
function flatCopies(strings: string[]): string[] {
  return JSON.parse(JSON.stringify(strings)) as string[];
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
): ScoredBook {
  const ctx = featureContext(book, rules, asOfDay);
  const n = book.customers.length;
  // One Features record reused for every customer, filled twice (once to fit, once to score):
  // recomputing is a pass over the orders, holding a million records is 240 MB.
  const f = emptyFeatures();
  const values = new Float64Array(n);
  const histories = new CadenceHistories(n);
  for (let i = 0; i < n; i++) {
    computeFeatures(book, i, ctx, f);
    values[i] = f.monthlyValue;
    histories.add(f, book.customers[i].id);
  }
  const threshold = vipThreshold(values, rules.vip);
  const model = fitCadenceModel(histories, rules.model);
  // Unavailable model: its signals leave the score and the rule signals share the 100 points.
  const dropped = model.status === 'fitted' ? undefined : MODEL_SIGNALS;

  const learned = fitBookModel(book, rules, asOfDay, model);
  const useModel = learned.choice.use === 'model';
  const scratch = rowScratch(f);
  const row = new Float64Array(FEATURE_COUNT);
  const share = new Float64Array(FEATURE_COUNT);

  const customers: ScoredCustomer[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = book.customers[i];
    computeFeatures(book, i, ctx, f);
    const figures = cadenceFigures(model, f);
    const rulesScore = weightedScore(computeSignals(f, ctx, figures), rules.weights, dropped);
    const hasOrders = f.orderCount > 0;
    const facts = hasOrders ? modelRow(book, i, ctx, rules, model, scratch, row) : null;
    const z = !hasOrders
      ? Number.NaN
      : useModel && learned.additive
        ? logOdds(learned.additive, row, share)
        : rulesLogit(rulesScore.score);
    const probability = hasOrders && learned.calibrators ? noOrderProbability(learned.calibrators, z) : null;
    // With the book's model the score is the chance of no order in the next 90 days, in percent.
    const score = useModel ? 100 * (probability?.in90 ?? 0) : rulesScore.score;
    const tier = probability ? tierOf(probability) : null;
    const band = useModel ? bandOfTier(probability, tier, hasOrders) : bandOf(score, rules.bands);
    // A steady customer needs no explanation (one with no order yet still hears "No orders yet").
    const steady = band === 'steady' && hasOrders;
    const modelReason = figures && { figures, horizonDays: rules.model.horizonDays };
    const reasons = steady
      ? []
      : useModel && facts
        ? modelReasons(f, share, {
            usualGapDays: facts.usualGapDays,
            lastOrdersValueRatio: facts.lastOrdersValueRatio,
            sourTickets90: row[13],
            trendDays: rules.windows.trendDays,
            ticketDays: rules.windows.ticketDays,
          })
        : reasonsFor(f, rulesScore.contributions, rules.windows, modelReason);
    customers[i] = {
      index: i,
      customerId: c.id,
      name: c.name,
      owner: c.owner,
      monthlyValue: f.monthlyValue,
      monthlyValueIsDerived: f.monthlyValueIsDerived,
      score,
      band,
      contributions: steady || useModel ? null : rulesScore.contributions,
      reasons: flatCopies(reasons),
      play: playFor(f.monthlyValue, threshold),
      valueAtRisk: valueAtRisk(f.monthlyValue, score),
      gate: classifyGates({ band, monthlyValue: f.monthlyValue, state: states.get(c.id) }, rules, asOfDay),
      rank: null,
      surfaced: false,
      daysSinceLastOrder: hasOrders ? f.daysSinceLastOrder : null,
      noOrderProbability: probability,
      tier,
      expectedNextOrderDay:
        facts?.usualGapDays != null ? f.lastOrderDay + Math.round(facts.usualGapDays) : null,
      modelContributions: useModel && band === 'at_risk' ? Float32Array.from(share) : null,
      orders: f.orderCount,
      spend: facts?.spend ?? 0,
      firstOrderDay: hasOrders ? f.firstOrderDay : null,
      lastOrderDay: hasOrders ? f.lastOrderDay : null,
    };
  }

  const { ranked, lists } = rankPerRep(
    customers.filter((c) => c.gate.surfaced),
    rules.capPerRep,
  );
  for (const list of ranked.values()) {
    list.forEach((c, k) => {
      c.rank = k + 1;
      c.surfaced = k < rules.capPerRep;
    });
  }
  return {
    asOfDay,
    asOf: isoOfDay(asOfDay),
    customers,
    reps: lists,
    populationCadenceDays: ctx.populationCadenceDays,
    vipThreshold: threshold,
    model,
    choice: learned.choice,
  };
}

/**
 * With the book's model: at risk when more likely than not to place no order for the next 30 days
 * or longer (any tier), to watch from a one-in-three chance of that, else steady.
 */
function bandOfTier(probability: NoOrderProbability | null, tier: Tier | null, hasOrders: boolean): Band {
  if (!hasOrders || !probability) return 'steady';
  if (tier !== null) return 'at_risk';
  return probability.in30 >= WATCH_PROBABILITY ? 'watch' : 'steady';
}

/** P(no order in 30 days) from which a customer without a tier is on watch. */
export const WATCH_PROBABILITY = 1 / 3;
