import { describe, expect, it } from 'vitest';
import { dayOf, formatShortDate } from '../../../rules/calendar';
import { emptyFeatures } from '../../../rules/features';
import { type PlanStep, planFor, planText } from '../../../rules/plans';
import { defaultRules } from '../../../rules/rulesSchema';
import { classifySegment } from '../../../rules/segments';
import { MONDAY_TO_FRIDAY, type WorksOn, worksOnWeekdays } from '../../../rules/workingDays';

const step: PlanStep = {
  segment: 'slipping',
  tier: 'vip',
  action: 'Personal call',
  channel: 'phone',
  days: [0, 7],
};

const offer: PlanStep = {
  segment: 'slipping',
  tier: 'standard',
  action: 'Time-limited offer',
  channel: 'email',
  days: [0, 3, 10],
};

/** A list's day with the team working Monday to Friday. */
const from = (day: string, worksOn: WorksOn = MONDAY_TO_FRIDAY) => ({ day: dayOf(day), worksOn });

/**
 * A US team closed 24-31 December 2026, worked out by hand: Friday 25 December (Christmas Day) and
 * Friday 1 January (New Year's Day) are its public holidays there.
 */
const closedForChristmas: WorksOn = (day) =>
  MONDAY_TO_FRIDAY(day) && !(day >= '2026-12-24' && day <= '2027-01-01');

describe('the plan days in words', () => {
  it('en-US keeps the day before the month, with the three-letter month even for September', () => {
    expect(formatShortDate('2026-11-23')).toBe('Mon 23 Nov');
    expect(formatShortDate('2026-09-14', 'en-US')).toBe('Mon 14 Sep');
    expect(planText(step, from('2026-09-14'))).toBe('VIP: Personal call (phone), Mon 14 Sep and Mon 21 Sep');
  });

  it('any other locale words the days its own way', () => {
    expect(formatShortDate('2026-11-23', 'de-DE')).toBe('Mo., 23. Nov.');
    expect(formatShortDate('2026-03-29', 'en-GB')).toBe('Sun 29 Mar');
    expect(planText(step, from('2026-11-23'), 'de-DE')).toBe(
      'VIP: Personal call (phone), Mo., 23. Nov. and Mo., 30. Nov.',
    );
  });
});

describe("the play days on the team's working days", () => {
  it("keep a Monday list's days as they were", () => {
    expect(planText(offer, from('2026-12-07'))).toBe(
      'Standard: Time-limited offer (email), Mon 7 Dec, Thu 10 Dec and Thu 17 Dec',
    );
  });

  it('move a day on a weekend to the Monday after, as the digest tells a step due then', () => {
    // A list on a Thursday: day 3 and day 10 are Sundays.
    expect(planText(offer, from('2026-12-03'))).toBe(
      'Standard: Time-limited offer (email), Thu 3 Dec, Mon 7 Dec and Mon 14 Dec',
    );
  });

  it('keep a Saturday a team works', () => {
    // A list on a Wednesday: day 3 and day 10 are Saturdays.
    expect(planText(offer, from('2026-12-02', worksOnWeekdays([1, 2, 3, 4, 5, 6])))).toBe(
      'Standard: Time-limited offer (email), Wed 2 Dec, Sat 5 Dec and Sat 12 Dec',
    );
  });

  it('move days in a closure to the return, one contact when two land on it', () => {
    // The card of Monday 21 December: day 3 (Thu 24) and day 10 (Thu 31) are both closed.
    expect(planText(offer, from('2026-12-21', closedForChristmas))).toBe(
      'Standard: Time-limited offer (email), Mon 21 Dec and Mon 4 Jan',
    );
    // `list` on Wednesday 30 December: today is closed, day 3 a Saturday, day 10 a Saturday.
    expect(planText(offer, from('2026-12-30', closedForChristmas))).toBe(
      'Standard: Time-limited offer (email), Mon 4 Jan and Mon 11 Jan',
    );
  });

  it('keep the day itself when the team works none in the year after it', () => {
    expect(
      planText(
        step,
        from('2026-12-21', () => false),
      ),
    ).toBe('VIP: Personal call (phone), Mon 21 Dec and Mon 28 Dec');
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
