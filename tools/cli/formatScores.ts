import Papa from 'papaparse';
import type { ScoredBook, ScoredCustomer } from '../../rules';

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
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One scored customer as a plain row. */
export function toScoreRow(c: ScoredCustomer): ScoreRow {
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
  };
}

/** Every customer, riskiest first, as a JSON array. */
export function formatJson(book: ScoredBook): string {
  return JSON.stringify(byScore(book).map(toScoreRow), null, 2);
}

/** Every customer, riskiest first, as CSV (reasons joined with "; "). */
export function formatCsv(book: ScoredBook): string {
  const rows = byScore(book).map((c) => {
    const r = toScoreRow(c);
    return { ...r, reasons: r.reasons.join('; '), rank: r.rank ?? '' };
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
  if (book.reps.length === 0) out.push('', 'Nobody is on a list this week.');
  for (const rep of book.reps) {
    const shown = rep.customers;
    const atRiskValue = shown.reduce((s, c) => s + c.monthlyValue, 0);
    out.push('', `${rep.owner}: ${shown.length} slipping, ${money(atRiskValue)}/month at stake`);
    for (const c of shown) {
      out.push(
        `  ${String(c.rank).padStart(2)}. ${c.name}  score ${Math.round(c.score)}, ${money(c.monthlyValue)}/month${c.monthlyValueIsDerived ? ' (from orders)' : ''}`,
      );
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
