import { describe, expect, it } from 'vitest';
import { formats } from '../../../tabs/app/src/format';

// The Team tab's month table states the value won back as the card's outcome line and the monthly
// summary do: to the currency's smallest unit when a rep typed one, else whole.
describe("the Team tab's value won back", () => {
  const cases: [string, string, number, string][] = [
    ['en-GB', 'GBP', 1250.5, '£1,250.50'],
    ['en-GB', 'GBP', 110, '£110'],
    ['en-GB', 'GBP', 1250.5 + 0.1 + 0.2 - 0.3, '£1,250.50'],
    ['de-DE', 'EUR', 1250.5, '1.250,50\u00a0€'],
    // A Kuwaiti dinar has 1,000 fils: 1.125 is not 1.13.
    ['en-GB', 'KWD', 1.125, 'KWD\u00a01.125'],
    ['en-GB', 'KWD', 1250.5, 'KWD\u00a01,250.500'],
    // A yen has no cents: never ¥1,200.00 nor ¥1,200.50.
    ['ja-JP', 'JPY', 1200, '￥1,200'],
    ['ja-JP', 'JPY', 1200.5, '￥1,201'],
  ];
  for (const [locale, currency, value, shown] of cases) {
    it(`${value} in ${currency} (${locale}) reads ${shown}`, () => {
      expect(formats(locale, currency).wonBack(value)).toBe(shown);
    });
  }
});
