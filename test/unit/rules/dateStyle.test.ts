import { describe, expect, it } from 'vitest';
import { formatDateNear, formatDayMonth, formatShortDate, formatShortMonth } from '../../../rules/calendar';
import { formats } from '../../../tabs/app/src/format';

// One style of date for a locale wherever the product writes one: the cards, the bot's replies and
// the tabs all word a day through rules/calendar.ts. A customer page read "Was due Thu, 25 Dec 2025"
// beside the card's "Thu 22 Oct", and "Sept" where the cards say "Sep".

describe('the dates of one locale, in one style', () => {
  it.each([
    ['en-GB', 'Thu 22 Oct', 'Thu 25 Dec 2025', 'Thu 25 Sep', '7 Sep', 'Sep 2025'],
    ['en-US', 'Thu 22 Oct', 'Thu 25 Dec 2025', 'Thu 25 Sep', '7 Sep', 'Sep 2025'],
  ])(
    '%s: a day, a day of another year, September, a chart week and a month',
    (locale, day, lastYear, september, week, month) => {
      expect(formatShortDate('2026-10-22', locale)).toBe(day);
      // A lapsed customer's due day a year back: the year added, the weekday followed as without it.
      expect(formatDateNear('2025-12-25', '2026-12-07', locale)).toBe(lastYear);
      expect(formatShortDate('2025-09-25', locale)).toBe(september);
      expect(formatDayMonth('2025-09-07', locale)).toBe(week);
      expect(formatShortMonth('2025-09', locale)).toBe(month);
      // The tabs word them alike (the customer page's "Was due", its charts' weeks and months).
      const f = formats(locale, 'GBP', '2026-12-07');
      expect([f.date('2026-10-22'), f.date('2025-12-25'), f.day('2025-09-07'), f.month('2025-09')]).toEqual([
        day,
        lastYear,
        week,
        month,
      ]);
    },
  );

  it("keeps another language's own abbreviations: de-DE's September is 'Sept.'", () => {
    expect(formatShortDate('2025-09-25', 'de-DE', true)).toBe('Do., 25. Sept. 2025');
    expect(formatShortMonth('2025-09', 'de-DE')).toBe('Sept. 2025');
  });
});
