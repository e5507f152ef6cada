import { describe, expect, it } from 'vitest';
import { billedSeconds, monthlyBill, SCENARIOS } from '../../../tools/scripts/costTable';

// Hand arithmetic for the docs/deploy.md figures (30-day month, 30/7 weeks):
// 1M customers at 4,096 MB: taps 2,000 x 10 x 30/7 = 85,714 + health probes 8,640 = 94,354 HTTP executions, 4 GB-s
// each (1 s minimum) = 377,417 GB-s; three timers every 15 minutes, 3 x 4 x 24 x 30 = 8,640 ticks:
// (8,640 - 4.29) x 4 + 4.29 x 900 x 4 = 49,971 GB-s; on demand (427,389 - 100,000 free) x $0.000026 = $8.51. One always-ready instance: 4 GB x 2,592,000 s x $0.000004 = $41.47
// + 377,417 x $0.000016 = $6.04 + 94,354 executions x $0.40/M = $0.04 => $47.55; the timers stay in the free grant.

describe('the Flex Consumption bill (scripts/costTable.ts)', () => {
  const at = (memory: number, alwaysReady: number, customers = 1_000_000) => {
    const s = SCENARIOS.find(
      (x) => x.customers === customers && x.instanceMemoryMB === memory && x.alwaysReady === alwaysReady,
    );
    if (!s) throw new Error('scenario missing');
    return monthlyBill(s);
  };

  it('bills every execution at least one second, then in 0.1 s steps', () => {
    expect(billedSeconds(0.2)).toBe(1);
    expect(billedSeconds(1.01)).toBe(1.1);
    expect(billedSeconds(900)).toBe(900);
  });

  it('matches the hand arithmetic at 1M customers, 4,096 MB, with and without an always-ready instance', () => {
    expect(at(4096, 0).onDemandGbSeconds).toBeCloseTo(427_389, -1);
    expect(at(4096, 0).executions).toBeCloseTo(8_640 + 94_354, -1);
    expect(at(4096, 0).total).toBeCloseTo(8.51, 2);
    expect(at(4096, 1).total).toBeCloseTo(47.55, 2);
  });

  it('the free grant covers 10k customers on demand; an always-ready instance has no grant', () => {
    expect(at(2048, 0, 10_000).total).toBe(0);
    expect(at(2048, 1, 10_000).alwaysReady).toBeGreaterThan(20);
  });
});
