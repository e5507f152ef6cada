import { describe, expect, it } from 'vitest';
import { applyPlatt, calibration, fitPlatt, fitShift } from '../../../../rules/model/calibration';
import { seededRandom } from '../../../../rules/seededRandom';

describe('fitPlatt', () => {
  it('recovers a = -1, b = 2 from outcomes drawn with p = sigmoid(-1 + 2z)', () => {
    const rand = seededRandom(42);
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const zi = 3 * rand() - 1;
      z.push(zi);
      y.push(rand() < 1 / (1 + Math.exp(1 - 2 * zi)) ? 1 : 0);
    }
    const fit = fitPlatt(z, y);
    expect(fit.a).toBeCloseTo(-1, 1);
    expect(fit.b).toBeCloseTo(2, 1);
  });

  it('stays finite on scores that separate the outcomes (plain Newton diverged on CDNOW)', () => {
    const z = [0, 0, 1, 1, 5, 5, 9, 9];
    const y = [0, 0, 0, 0, 1, 1, 1, 1];
    const fit = fitPlatt(z, y);
    expect(Number.isFinite(fit.a) && Number.isFinite(fit.b)).toBe(true);
    expect(applyPlatt(fit, 9)).toBeGreaterThan(0.9);
    expect(applyPlatt(fit, 0)).toBeLessThan(0.1);
  });
});

describe('fitShift', () => {
  it('finds the intercept a book moved by, its slope kept: -1 + 2z fitted, outcomes from -0.4 + 2z', () => {
    const rand = seededRandom(7);
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const zi = 3 * rand() - 1;
      z.push(zi);
      y.push(rand() < 1 / (1 + Math.exp(0.4 - 2 * zi)) ? 1 : 0);
    }
    expect(fitShift({ a: -1, b: 2 }, z, y)).toBeCloseTo(0.6, 1);
    // Nothing moved: no shift.
    expect(fitShift(fitPlatt(z, y), z, y)).toBeCloseTo(0, 4);
  });
});

describe('calibration', () => {
  it('scores stating the base rate at 0 skill and the truth at full skill', () => {
    const y = [1, 0, 1, 0, 1, 0, 0, 0, 0, 0];
    expect(calibration(Array(10).fill(0.3), y).brierSkill).toBeCloseTo(0, 12);
    expect(calibration(y, y).brierSkill).toBe(1);
    expect(calibration(y, y).worstDecileGap).toBe(0);
  });

  it('finds the gap of probabilities stated too high: 0.9 stated where half happened', () => {
    const p = Array(100).fill(0.9);
    const y = Array.from({ length: 100 }, (_, i) => i % 2);
    const c = calibration(p, y);
    expect(c.deciles).toHaveLength(10);
    expect(c.worstDecileGap).toBeCloseTo(0.4, 12);
    expect(c.meanDecileGap).toBeCloseTo(0.4, 12);
    // Brier 0.41 against 0.25 for always saying one half.
    expect(c.brierSkill).toBeCloseTo(1 - 0.41 / 0.25, 12);
  });
});
