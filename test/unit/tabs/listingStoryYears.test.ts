import { describe, expect, it } from 'vitest';
import type { ListedWeek } from '../../../rules/listedWeeks';
import { type ListingStoryOptions, listingStory } from '../../../tabs/api/listingStory';
import { listedWeek } from '../../helpers/listedWeek';

// The story's dates are read against the page's as-of day: a week of last year written without its
// year reads as this year's (in January, "2 Nov – 30 Nov" is two months back, not ten months ahead).

/** A week on Ana's card, second on its first page. */
const week = (run: string, day: string): ListedWeek => listedWeek(run, day, 'ana@example.com', { rank: 2 });

/** Four Mondays across New Year: 21 and 28 December 2026 (ISO weeks 52 and 53), 4 and 11 January 2027. */
const acrossNewYear = [
  week('weekly-2026-W52', '2026-12-21'),
  week('weekly-2026-W53', '2026-12-28'),
  week('weekly-2027-W01', '2027-01-04'),
  week('weekly-2027-W02', '2027-01-11'),
];
/** Five Mondays in November 2026. */
const november = ['02', '09', '16', '23', '30'].map((d, k) => week(`weekly-2026-W${45 + k}`, `2026-11-${d}`));

const options = (
  today: string,
  locale = 'en-US',
  o: Partial<ListingStoryOptions> = {},
): ListingStoryOptions => ({
  today,
  timeZone: 'America/Chicago',
  locale,
  repName: () => 'Ana Ruiz',
  orderDays: [],
  undone: new Set(),
  stillListed: false,
  ...o,
});

const story = (weeks: readonly ListedWeek[], o: ListingStoryOptions) => listingStory(weeks, [], o);

describe("the listing story's dates, against the page's as-of day", () => {
  it('a run of weeks across New Year carries the year on both ends, in the locale', () => {
    const [run] = story(acrossNewYear, options('2027-01-12', 'en-US', { stillListed: true }));
    expect(run.detail).toContain('21 Dec 2026 – 11 Jan 2027');
    // Each week under it: the year where it is not the page's.
    expect(run.weeks?.[0]).toMatch(/^Mon 21 Dec 2026: /);
    expect(run.weeks?.[3]).toMatch(/^Mon 11 Jan: /);
    const [german] = story(acrossNewYear, options('2027-01-12', 'de-DE', { stillListed: true }));
    expect(german.detail).toContain('21. Dez. 2026 – 11. Jan. 2027');
  });

  it("a run of weeks of last year carries the year; this year's does not", () => {
    const [lastYear, leftLastYear] = story(november, options('2027-02-01'));
    expect(lastYear.detail).toContain('2 Nov 2026 – 30 Nov 2026');
    expect(leftLastYear.title).toBe("Off Ana Ruiz's list");
    const [thisYear] = story(november, options('2026-12-14'));
    expect(thisYear.detail).toContain('2 Nov – 30 Nov');
    expect(thisYear.detail).not.toContain('2026');
  });

  it('one week of last year names its year, and so does the day they ordered again', () => {
    const one = [week('weekly-2026-W45', '2026-11-02')];
    const [listed, left] = story(one, options('2027-01-20', 'en-GB', { orderDays: ['2026-11-05'] }));
    expect(listed.title).toBe("On Ana Ruiz's card, week of 2 Nov 2026");
    expect(left.detail).toBe('Ordered again on Thu 5 Nov 2026');
    const [thisYear] = story(one, options('2026-11-20', 'en-GB', { orderDays: ['2026-11-05'] }));
    expect(thisYear.title).toBe("On Ana Ruiz's card, week of 2 Nov");
  });
});
