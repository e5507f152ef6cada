import { describe, expect, it } from 'vitest';
import { dayOf, formatShortDate } from '../../../rules/calendar';
import { type PlanStep, planText } from '../../../rules/plans';

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
