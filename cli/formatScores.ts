import Papa from 'papaparse';
import { isoOfDay, type ScoredBook, type ScoredCustomer } from '../rules';
import { MODEL_FEATURES } from '../rules/model/modelFeatures';
import { outlookText, rankingText } from '../rules/model/plainWords';

/** The machine-readable row of one scored customer (json and csv formats). */
export interface ScoreRow {
  customerId: string;
  name: string;
  owner: string;
  score: number;
  band: string;
  monthlyValue: number;
  valueAtRisk: number;
  reasons: string[];
  play: string;
  surfaced: boolean;
  rank: number | null;
  gate: string;
  /** What ranked the book: its own model or the default rules. */
  rankedBy: 'model' | 'rules';
  /** P(no order in the next 30/60/90 days); null with no order or too little history. */
  noOrderProbability: { '30': number; '60': number; '90': number } | null;
  tier: string | null;
  /** YYYY-MM-DD the next order is due at the customer's own pace; null below two order days. */
  expectedNextOrder: string | null;
  /** The book model's log-odds per feature, or the rules' points per signal; null for a steady customer. */
  contributions: Record<string, number> | null;
  orders: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  spend: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One scored customer as a plain row. */
export function toScoreRow(c: ScoredCustomer, rankedBy: 'model' | 'rules' = 'rules'): ScoreRow {
  const p = c.noOrderProbability;
  return {
    customerId: c.customerId,
    name: c.name,
    owner: c.owner,
    score: round(c.score, 1),
    band: c.band,
    monthlyValue: round(c.monthlyValue, 2),
    valueAtRisk: round(c.valueAtRisk, 2),
    reasons: c.reasons,
    play: c.play.text,
    surfaced: c.surfaced,
    rank: c.rank,
    gate: c.gate.surfaced ? 'passed' : c.gate.gate,
    rankedBy,
    noOrderProbability: p && { '30': round(p.in30, 3), '60': round(p.in60, 3), '90': round(p.in90, 3) },
    tier: c.tier,
    expectedNextOrder: c.expectedNextOrderDay === null ? null : isoOfDay(c.expectedNextOrderDay),
    contributions: roundedContributions(
      c.modelContributions ? namedContributions(c.modelContributions) : c.contributions,
    ),
    orders: c.orders,
    firstOrderAt: c.firstOrderDay === null ? null : isoOfDay(c.firstOrderDay),
    lastOrderAt: c.lastOrderDay === null ? null : isoOfDay(c.lastOrderDay),
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

/** Every customer, riskiest first, as a JSON array. */
export function formatJson(book: ScoredBook): string {
  return JSON.stringify(
    byScore(book).map((c) => toScoreRow(c, book.choice.use)),
    null,
    2,
  );
}

/** Every customer, riskiest first, as CSV (reasons joined with "; "). */
export function formatCsv(book: ScoredBook): string {
  const rows = byScore(book).map((c) => {
    const { noOrderProbability: p, contributions: _, ...r } = toScoreRow(c, book.choice.use);
    return {
      ...r,
      reasons: r.reasons.join('; '),
      rank: r.rank ?? '',
      noOrder30: p?.['30'] ?? '',
      noOrder60: p?.['60'] ?? '',
      noOrder90: p?.['90'] ?? '',
    };
  });
  return Papa.unparse(rows, { newline: '\n' });
}

const money = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`;

/** What a person reads: each rep's list, ranked, with the reasons and the play. */
export function formatTable(book: ScoredBook): string {
  const out: string[] = [`Customers slipping as of ${book.asOf}`];
  const atRisk = book.customers.filter((c) => c.band === 'at_risk').length;
  const watch = book.customers.filter((c) => c.band === 'watch').length;
  out.push(
    `${book.customers.length.toLocaleString('en-US')} customers scored: ${atRisk} at risk, ${watch} to watch, ${book.customers.length - atRisk - watch} steady.`,
  );
  out.push(rankingText(book.choice));
  if (book.reps.length === 0) out.push('', 'Nobody is on a list this week.');
  for (const rep of book.reps) {
    const shown = rep.customers;
    const atRiskValue = shown.reduce((s, c) => s + c.monthlyValue, 0);
    out.push('', `${rep.owner}: ${shown.length} slipping, ${money(atRiskValue)}/month at stake`);
    for (const c of shown) {
      out.push(
        `  ${String(c.rank).padStart(2)}. ${c.name}  score ${Math.round(c.score)}, ${money(c.monthlyValue)}/month${c.monthlyValueIsDerived ? ' (from orders)' : ''}`,
      );
      const outlook = outlookText(c);
      if (outlook) out.push(`      ${outlook}`);
      for (const r of c.reasons.slice(0, 3)) out.push(`      - ${r}`);
      out.push(`      Play: ${c.play.text}`);
    }
    if (rep.moreCount > 0) out.push(`  +${rep.moreCount} more past the cap of ${shown.length}`);
  }
  return out.join('\n');
}

function byScore(book: ScoredBook): ScoredCustomer[] {
  return [...book.customers].sort((a, b) => b.score - a.score || a.customerId.localeCompare(b.customerId));
}
