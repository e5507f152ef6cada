import { describe, expect, it } from 'vitest';
import { wholeTicks } from '../../../tabs/app/src/wholeTicks';

// The charts' left axis counts orders, saves and losses, or a score out of 100.
describe("a chart's count axis", () => {
  it('ticks a month of one order at 0 and 1, never at half an order', () => {
    expect(wholeTicks(1.1)).toEqual([0, 1]);
  });

  it('ticks whole numbers 1, 2 or 5 times a power of ten apart, at most five steps up, whatever the top', () => {
    for (let top = 1; top <= 100_000; top = Math.ceil(top * 1.37)) {
      const ticks = wholeTicks(top * 1.1);
      expect(ticks[0]).toBe(0);
      const step = ticks[1] - ticks[0];
      expect(Number.isInteger(step) && /^[125]0*$/.test(String(step))).toBe(true);
      expect(ticks.every((t, k) => t === k * step)).toBe(true);
      expect(ticks.length - 1).toBeLessThanOrEqual(5);
      // The top tick is within one step of the top: the axis is labelled up to its data.
      expect(top * 1.1 - ticks[ticks.length - 1]).toBeLessThan(step);
    }
  });
});
