import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../rules/book';
import { emptyFeatures, type Features } from '../../../rules/features';
import {
  cadenceFigures,
  expectedOrdersSinceLast,
  fitCadenceModel,
  historiesOf,
} from '../../../rules/model/cadenceModel';
import { reasonText } from '../../../rules/reasons';
import { defaultRules, parseRules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { bookFromRows, type OrderRow } from '../../helpers/bookFromRows';

const CDNOW_WEEKLY = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };

function customer(orderDays: number, first: number, last: number, asOf: number): Features {
  return {
    ...emptyFeatures(),
    orderCount: orderDays,
    orderDays,
    firstOrderDay: first,
    lastOrderDay: last,
    tenureDays: asOf - first,
    daysSinceLastOrder: asOf - last,
  };
}

describe('expectedOrdersSinceLast', () => {
  it('is the gamma posterior mean rate times the silence, 0 for one order', () => {
    // (r + x) / (α + tx) · (T − tx) with x = 4, tx = 100, T = 160.
    expect(expectedOrdersSinceLast(CDNOW_WEEKLY, 4, 100, 160)).toBeCloseTo(
      ((0.243 + 4) / (30.898 + 100)) * 60,
      6,
    );
    expect(expectedOrdersSinceLast(CDNOW_WEEKLY, 0, 0, 160)).toBe(0);
  });
});

describe('fitCadenceModel', () => {
  it('says why it is unavailable on a book too small or when turned off', () => {
    const few = [customer(3, 0, 50, 100)];
    const small = fitCadenceModel(historiesOf(few, ['c1']), defaultRules().model);
    expect(small).toMatchObject({ status: 'unavailable' });
    expect(small.status === 'unavailable' && small.reason).toContain('model.minCustomers');
    const off = fitCadenceModel(historiesOf(few, ['c1']), parseRules({ model: { enabled: false } }).model);
    expect(off.status === 'unavailable' && off.reason).toContain('model.enabled');
    expect(cadenceFigures(small, few[0])).toBeNull();
  });
});

describe('the model inside scoreBook', () => {
  // 200 customers drawn as BG/NBD assumes: exponential gaps, each customer their own rate (exponential
  // across customers) and their own chance to stop for good after each order (spread over 0-60%; a
  // single shared chance drives the fit to a = b = infinity). Seeded, so the book is the same every run.
  const asOf = '2024-06-30';
  const end = dayOf(asOf);
  const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
  let seed = 11;
  const next = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const orders: OrderRow[] = [];
  for (let c = 0; c < 200; c++) {
    const meanGap = 20 / -Math.log(next());
    const dropOut = 0.6 * next() ** 2;
    for (
      let d = end - 400 + Math.floor(300 * next());
      d <= end;
      d += 1 + Math.floor(-meanGap * Math.log(next()))
    ) {
      orders.push({ customerId: `c${c}`, date: iso(d), amount: 50 });
      if (next() < dropOut) break;
    }
  }
  const book = bookFromRows({
    customers: Array.from({ length: 200 }, (_, c) => ({ id: `c${c}`, monthlyValue: 100 })),
    orders,
  });
  const scored = scoreBook(book, defaultRules(), end);

  it('fits on the book, gives the long-silent more model points, and words the model reason', () => {
    expect(scored.model.status).toBe('fitted');
    // Customers silent for 120+ days get more "no order likely" points than those who ordered this month.
    // Steady customers carry no contributions: count their model points as 0 (they earned few).
    const mean = (keep: (days: number) => boolean) => {
      const group = scored.customers.filter(
        (c) => c.daysSinceLastOrder !== null && keep(c.daysSinceLastOrder),
      );
      return group.reduce((sum, c) => sum + (c.contributions?.noOrderLikely ?? 0), 0) / group.length;
    };
    expect(mean((d) => d >= 120)).toBeGreaterThan(mean((d) => d <= 30));
    const quietReasons = scored.customers.flatMap((c) => c.reasons);
    expect(
      quietReasons.some((r) =>
        /^Expected \d+\.\d (orders|order days) by now at their average pace so far; placed 0$/.test(r),
      ),
    ).toBe(true);
  });

  it('falls back to the rule signals, saying so, when the model is off', () => {
    const off = scoreBook(book, parseRules({ model: { enabled: false }, learn: { enabled: false } }), end);
    expect(off.model.status).toBe('unavailable');
    expect(off.customers.every((c) => (c.contributions?.noOrderLikely ?? 0) === 0)).toBe(true);
    expect(off.customers.some((c) => c.contributions !== null)).toBe(true);
    expect(off.customers.some((c) => c.score > 0)).toBe(true);
  });

  it('words the chance of no order for one-order customers', () => {
    const f = customer(1, end - 100, end - 100, end);
    const text = reasonText('noOrderLikely', f, defaultRules().windows, {
      figures: {
        noOrderProbability: 0.834,
        expectedOrdersByNow: 0,
        silenceProbability: 1,
        aliveProbability: 1,
      },
      horizonDays: 90,
    });
    expect(text).toBe('83% chance of no order in the next 90 days');
  });

  it('says nothing when the chance of no order is below even: that would read as reassurance', () => {
    const f = customer(1, end - 100, end - 100, end);
    const figures = {
      noOrderProbability: 0.09,
      expectedOrdersByNow: 0,
      silenceProbability: 1,
      aliveProbability: 1,
    };
    expect(reasonText('noOrderLikely', f, defaultRules().windows, { figures, horizonDays: 90 })).toBeNull();
  });
});
