import { type Book, dayOf } from '../../../rules/book';
import type { CustomerState } from '../../../rules/customerState';
import { defaultRules, type Rules } from '../../../rules/rulesSchema';
import { type ScoredBook, scoreBook } from '../../../rules/scoreBook';
import { bookFromRows, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';

export const AS_OF = '2026-11-23';

/** An order every 7 days from `from` to `to` (inclusive, `YYYY-MM-DD`). */
export function weekly(customerId: string, from: string, to: string, amount = 250): OrderRow[] {
  const rows: OrderRow[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += 7 * 86_400_000) {
    rows.push({ customerId, date: new Date(t).toISOString().slice(0, 10), amount });
  }
  return rows;
}

/** The orders of such customers: weekly from January, until mid-September when `slip`, else to AS_OF. */
export function slipBook(customers: (CustomerRow & { slip: boolean })[]): Book {
  const orders = customers.flatMap((c) => weekly(c.id, '2026-01-05', c.slip ? '2026-09-14' : '2026-11-20'));
  return bookFromRows({ customers, orders });
}

/**
 * A scored book as of AS_OF: each customer `slip: true` stopped ordering weekly in September (at
 * risk), the rest still order; `states` are the remembered states the gates read.
 */
export function scoredBook(
  customers: (CustomerRow & { slip: boolean })[],
  rules: Rules = defaultRules(),
  states: ReadonlyMap<string, CustomerState> = new Map(),
): ScoredBook {
  return scoreBook(slipBook(customers), rules, dayOf(AS_OF), states);
}
