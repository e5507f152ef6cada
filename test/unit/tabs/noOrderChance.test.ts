import { describe, expect, it } from 'vitest';
import { statusLine } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardCustomer } from '../../../cards/cardModels';
import { dayOf } from '../../../rules/book';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { chartWeekOf, customerRow, weekPoints } from '../../../tabs/api/customerViews';
import { formats } from '../../../tabs/app/src/format';
import { bookFromRows } from '../../helpers/bookFromRows';

// A book of fortnightly customers, two of them silent for 100 days: the steady ones' chance of no
// order is 0.3%, which the weekly card states as "1%" (never "0%": that would promise an order).
function scoredBook() {
  const customers = Array.from({ length: 40 }, (_, c) => ({
    id: `C-${c}`,
    owner: 'ana@x.example',
    monthlyValue: 100,
  }));
  const orders = customers.flatMap(({ id }, c) =>
    Array.from({ length: Math.ceil((c < 2 ? 500 : 600) / 14) }, (_, k) => ({
      customerId: id,
      date: new Date(Date.UTC(2025, 0, 1) + k * 14 * 86_400_000).toISOString().slice(0, 10),
      amount: 50,
    })),
  );
  return scoreBook(bookFromRows({ customers, orders }), defaultRules(), dayOf('2026-08-25'));
}

/** The chance as the weekly card's status line states it: `Slipping · 1% chance of no order in 30 days`. */
function cardChance(probability: number, horizonDays: number): string {
  const customer = { segment: 'slipping', noOrder: { probability, horizonDays } } as WeeklyCardCustomer;
  return /· (\S+) chance/.exec(statusLine(customer).text)?.[1] ?? '';
}

describe("a customer page's chance of no order", () => {
  const scored = scoredBook();
  const f = formats('en-US', 'USD');
  const steady = scored.customers.findIndex((c) => c.listChance < 0.005);

  it('is the figure the weekly card states, not "0%" for a customer with a small one', () => {
    expect(steady).toBeGreaterThanOrEqual(0);
    const c = scored.customers[steady];
    const row = customerRow(
      initialState({ customerId: c.customerId, name: 'Steady', owner: 'ana@x.example', monthlyValue: 100 }),
      c,
    );
    const card = cardChance(c.listChance, scored.noOrderHorizonDays);
    expect(card).toBe('1%');
    expect(f.percent(row.noOrderChance ?? Number.NaN)).toBe(card);
  });

  it('so is each week of its chart', () => {
    const [point] = weekPoints(steady, [chartWeekOf(scored)]);
    const c = scored.customers[steady];
    expect(`${Math.round((point.noOrderProbability ?? Number.NaN) * 100)}%`).toBe(
      cardChance(c.listChance, scored.noOrderHorizonDays),
    );
  });
});
