import { describe, expect, it } from 'vitest';
import { defaultRules, parseRules } from '../../../rules/rulesSchema';
import { weightedScore } from '../../../rules/score';
import type { SignalValues } from '../../../rules/signals';
import { noSignals } from '../../../rules/signals';

const none: SignalValues = noSignals();

describe('weightedScore', () => {
  it('gives each signal its weight share of 100 points, scaled by strength', () => {
    const weights = parseRules({
      weights: {
        noOrderLikely: 0,
        missedOrders: 0,
        overdue: 3,
        lowFrequency: 1,
        newCustomer: 0,
        recency: 0,
        recencyShare: 0,
        frequencyDrop: 0,
        valueDrop: 0,
        sourTickets: 0,
        openTickets: 0,
      },
    }).weights;
    const { score, contributions } = weightedScore(
      { ...none, overdue: 0.5, lowFrequency: 1, sourTickets: 1 },
      weights,
    );
    expect(contributions.overdue).toBeCloseTo(37.5);
    expect(contributions.lowFrequency).toBeCloseTo(25);
    expect(contributions.sourTickets).toBe(0); // weight 0
    expect(score).toBeCloseTo(62.5);
  });

  it('scores 100 when every signal is at full strength, 0 when none is', () => {
    const weights = defaultRules().weights;
    const all = Object.fromEntries(Object.keys(none).map((k) => [k, 1])) as SignalValues;
    expect(weightedScore(all, weights).score).toBeCloseTo(100);
    expect(weightedScore(none, weights).score).toBe(0);
  });

  it('contributions always add up to the score', () => {
    const { score, contributions } = weightedScore(
      { ...none, overdue: 0.9, recency: 0.3, valueDrop: 0.4, openTickets: 0.5 },
      defaultRules().weights,
    );
    expect(Object.values(contributions).reduce((a, b) => a + b, 0)).toBeCloseTo(score);
  });
});

describe('weightedScore without the model', () => {
  it('drops the model signals and lets the rule signals share the 100 points', () => {
    const weights = parseRules({
      weights: { noOrderLikely: 50, missedOrders: 0, overdue: 25, lowFrequency: 25, newCustomer: 0 },
    }).weights;
    const onlyRules = parseRules({
      weights: { noOrderLikely: 0, missedOrders: 0, overdue: 25, lowFrequency: 25, newCustomer: 0 },
    }).weights;
    const signals = { ...none, noOrderLikely: 1, overdue: 1, lowFrequency: 0.5 };
    const dropped = weightedScore(signals, weights, new Set(['noOrderLikely', 'missedOrders']));
    expect(dropped.contributions.noOrderLikely).toBe(0);
    expect(dropped.score).toBeCloseTo(weightedScore(signals, onlyRules).score);
    // With the model the same weights give the model its share.
    expect(weightedScore(signals, weights).contributions.noOrderLikely).toBeGreaterThan(0);
  });
});
