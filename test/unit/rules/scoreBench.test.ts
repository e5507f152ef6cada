import { describe, expect, it } from 'vitest';
import { runScoreBench, syntheticBook } from '../../../tools/bench/scoreBench';

describe('syntheticBook (bench input)', () => {
  const book = syntheticBook({ customers: 500, ordersPerCustomer: 10, endDay: 20_000, seed: 7 });

  it('builds a well-formed book: offsets monotonic, each customer orders sorted and not after the end', () => {
    expect(book.orderStart).toHaveLength(501);
    expect(book.orderStart[500]).toBe(book.orderDay.length);
    for (let i = 0; i < 500; i++) {
      expect(book.orderStart[i + 1]).toBeGreaterThan(book.orderStart[i]); // everyone has an order
      for (let k = book.orderStart[i] + 1; k < book.orderStart[i + 1]; k++) {
        expect(book.orderDay[k]).toBeGreaterThanOrEqual(book.orderDay[k - 1]);
      }
    }
    expect(Math.max(...book.orderDay)).toBeLessThanOrEqual(20_000);
    expect(book.ticketStart[500]).toBe(book.ticketDay.length);
  });

  it('is deterministic for a seed', () => {
    const again = syntheticBook({ customers: 500, ordersPerCustomer: 10, endDay: 20_000, seed: 7 });
    expect(again.orderDay).toEqual(book.orderDay);
    expect(again.orderAmount).toEqual(book.orderAmount);
  });

  it('reports counts and rates from a small run', () => {
    const r = runScoreBench({ customers: 300, ordersPerCustomer: 5, runs: 1 });
    expect(r.customers).toBe(300);
    expect(r.orders).toBeGreaterThan(300);
    expect(r.atRisk).toBeGreaterThan(0);
    expect(r.surfaced).toBeLessThanOrEqual(r.atRisk);
  });
});
