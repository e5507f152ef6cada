import { describe, expect, it } from 'vitest';
import { formatExactMoney } from '../../../cards/format';
import { formats } from '../../../tabs/app/src/format';

// The Team tab's month table states the value won back as the card's outcome line and the monthly
// summary do: a save typed with pence reads "£1,250.50" in all three, a whole one "£110".
describe("the Team tab's value won back", () => {
  const books = [
    { locale: 'en-GB', currency: 'GBP' },
    { locale: 'de-DE', currency: 'EUR' },
    { locale: 'en-US', currency: 'USD' },
  ];
  for (const { locale, currency } of books) {
    it(`reads as the card and the summary state it (${locale})`, () => {
      const f = formats(locale, currency);
      for (const value of [110, 1250.5, 1250.5 + 0.1 + 0.2 - 0.3, 109.87, 2_400_000])
        expect(f.wonBack(value)).toBe(formatExactMoney(value, currency, locale));
    });
  }
});
