import { describe, expect, it } from 'vitest';
import { dayOf, formatShortDate } from '../../../rules/calendar';
import { emptyFeatures } from '../../../rules/features';
import { type PlanStep, planFor, planText } from '../../../rules/plans';
import { defaultRules } from '../../../rules/rulesSchema';
import { classifySegment } from '../../../rules/segments';

const step: PlanStep = {
  segment: 'slipping',
  tier: 'vip',
  action: 'Personal call',
  channel: 'phone',
  days: [0, 7],
};

describe('the plan days in words', () => {
  it('en-US keeps the day before the month, with the three-letter month even for September', () => {
    expect(formatShortDate('2026-11-23')).toBe('Mon 23 Nov');
    expect(formatShortDate('2026-09-14', 'en-US')).toBe('Mon 14 Sep');
    expect(planText(step, dayOf('2026-09-14'))).toBe('VIP: Personal call (phone), Mon 14 Sep and Mon 21 Sep');
  });

  it('any other locale words the days its own way', () => {
    expect(formatShortDate('2026-11-23', 'de-DE')).toBe('Mo., 23. Nov.');
    expect(formatShortDate('2026-03-29', 'en-GB')).toBe('Sun 29 Mar');
    expect(planText(step, dayOf('2026-11-23'), 'de-DE')).toBe(
      'VIP: Personal call (phone), Mo., 23. Nov. and Mo., 30. Nov.',
    );
  });
});

describe('the default plays', () => {
  it('never offer a "second order" to a not-back-yet customer who has ordered twice', () => {
    // CDNOW as of 1997-09-29, customer 910: orders on 4 Feb and 4 May 1997, not back yet, and the
    // play read "Personal call about a second order".
    const rules = defaultRules();
    const twice = {
      ...emptyFeatures(),
      orderCount: 2,
      orderDays: 2,
      daysSinceLastOrder: 148,
      tenureDays: 237,
    };
    expect(classifySegment(twice, { secondOrderDays: 90 }, rules)).toMatchObject({ segment: 'not_back' });
    for (const tier of ['vip', 'standard'] as const) {
      expect(planFor('not_back', tier, rules.plans).action).not.toMatch(/second order/);
    }
  });
});
