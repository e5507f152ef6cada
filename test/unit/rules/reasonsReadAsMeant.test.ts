/**
 * The reasons as a rep reads them, checked against the orders they come from: each sentence must be
 * true in its plain meaning, not only in the product's own definition of its words.
 */
import { describe, expect, it } from 'vitest';
import { dayOf, isoOfDay } from '../../../rules/book';
import { defaultRules, parseRules, type Rules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { type BookRows, bookFromRows, type OrderRow } from '../../helpers/bookFromRows';

const asOf = '2024-06-03';

function reasonsOf(rows: BookRows, id: string, rules: Rules = defaultRules()): string[] {
  const c = scoreBook(bookFromRows(rows), rules, dayOf(asOf)).customers.find((x) => x.customerId === id);
  if (!c) throw new Error(`no ${id}`);
  return c.reasons;
}

/** Orders of `amount` on each of `days` days before the as-of day. */
const ordersOn = (customerId: string, daysAgo: number[], amount: number): OrderRow[] =>
  daysAgo.map((ago) => ({ customerId, date: isoOfDay(dayOf(asOf) - ago), amount }));

describe('the reasons a rep reads', () => {
  it('says a customer who ordered less often but no smaller spent less, not that their order value fell', () => {
    // Every 14 days at 150 an order, then one order in the last quarter: the orders are the same size.
    const prior = [98, 112, 126, 140, 154, 168];
    const rows: BookRows = {
      customers: [{ id: 'fewer', monthlyValue: 330 }],
      orders: ordersOn('fewer', [85, ...prior, 182, 196, 210, 224], 150),
    };
    const reasons = reasonsOf(rows, 'fewer');
    expect(reasons).toContain('Spent 83% less in the last quarter than in the quarter before');
    expect(reasons.join(' ')).not.toMatch(/order value/i);
  });

  it('does not call a customer ordering at their own steady pace rare ("Only ...")', () => {
    // An order every 87 days for 8 months, the next not yet due: on watch (as such customers of
    // CDNOW are) for how rarely they order, which is their habit, not a change.
    const rows: BookRows = {
      customers: [{ id: 'steady', monthlyValue: 100 }],
      orders: ordersOn('steady', [75, 162, 249], 300),
    };
    const reasons = reasonsOf(rows, 'steady', parseRules({ bands: { watch: 10 } }));
    expect(reasons).not.toContain('Only 3 orders in 8 months');
    expect(reasons).toContain('Usually orders every 87 days: 3 orders in 8 months');
  });

  it('does not call a monthly customer who stopped rare: their silence is the reason, said once', () => {
    // Monthly for seven months, then nothing for 232 days.
    const monthly = [232, 263, 294, 325, 356, 387, 418, 449];
    const rows: BookRows = {
      customers: [{ id: 'stopped', monthlyValue: 210 }],
      orders: ordersOn('stopped', monthly, 200),
    };
    expect(reasonsOf(rows, 'stopped')).toEqual(['No order in 232 days, usually every 31']);
  });
});
