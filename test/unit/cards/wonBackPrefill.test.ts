import { describe, expect, it } from 'vitest';
import { decideWonBack, readWonBackValue, typedAmount } from '../../../bot/taps/decideWonBack';
import { buildWeeklyCard } from '../../../cards';
import { buildDigestCard } from '../../../cards/buildDigestCard';
import { withoutCurrencySign } from '../../../cards/format';
import { atRisk, ctx, RULES } from '../taps/fixtures';
import { ofType, texts } from './cardWalk';
import { digest } from './digestCardFixtures';
import { representativeWeek } from './weeklyCardFixtures';

// A rep who opens Won back and saves without touching the box records what the box held, read as
// the card's locale writes numbers: the same figure the row states (an order placed to the cent, a
// monthly value in whole units as the row writes it).
const books = [
  { locale: 'en-US', currency: 'USD', order: '$22.20', box: '22.20', row: '$1,235/month' },
  { locale: 'de-DE', currency: 'EUR', order: '22,20\u00a0€', box: '22,20', row: '1.235\u00a0€/month' },
  { locale: 'fr-FR', currency: 'EUR', order: '22,20\u00a0€', box: '22,20', row: '1\u202f235\u00a0€/month' },
];

const boxValue = (card: object, id: string): string => {
  const box = ofType(card, 'Input.Text').find((n) => n.id === id);
  if (!box) throw new Error(`no input ${id}`);
  return String(box.value);
};

/** A digest card of one customer who placed an order of `amount` after the rep's call. */
const orderPlaced = (currency: string, locale: string, amount: number) =>
  buildDigestCard({
    ...digest(),
    currency,
    locale,
    rows: [
      {
        customerId: 'cust-001',
        name: 'Greenfield Cafe',
        monthlyValue: 18,
        valueKind: 'second_order',
        reason: { kind: 'ordered', contactOn: '2026-11-23', orderOn: '2026-11-26', amount },
      },
    ],
  });

describe('the Won back box left as prefilled', () => {
  for (const { locale, currency, order, box, row } of books) {
    it(`records the order of 22.20 a one-visit customer placed as 22.20, the figure the digest states (${locale})`, () => {
      const card = orderPlaced(currency, locale, 22.2);
      const prefill = boxValue(card, 'value_0');
      expect(prefill).toBe(box);
      // What the bot decides on the tap: the state and the audit row it records.
      const decision = decideWonBack(ctx(atRisk({ monthlyValue: 18 }), { currency, locale }), RULES, prefill);
      expect(decision).toMatchObject({ ok: true, next: { recoveredValue: 22.2 }, audit: { value: 22.2 } });
      const words = texts(card).join('\n');
      expect(words).toContain(`${order} order placed`);
      expect(words).toContain(`Ordered ${order} on`);
    });

    it(`records a monthly value with cents as its row states it, ${row}, and a whole one as plain digits (${locale})`, () => {
      const week = representativeWeek();
      week.customers[0] = { ...week.customers[0], monthlyValue: 1234.5678 };
      const card = buildWeeklyCard({ ...week, currency, locale });
      expect(texts(card)).toContain(row);
      expect(boxValue(card, 'value_0')).toBe('1235');
      expect(readWonBackValue(boxValue(card, 'value_0'), 1234.5678, RULES, { currency, locale })).toEqual({
        ok: true,
        value: 1235,
      });
      expect(boxValue(card, 'value_1')).toMatch(/^\d+$/);
    });
  }
});

// The currency's own smallest unit, not two decimals for every currency: a Kuwaiti dinar has 1,000
// fils (an order of KWD 1.125 is not 1.13), a yen has none (no ¥1,200.50).
describe('the Won back box in a currency without two decimals', () => {
  it('a KWD order of 1.125 is prefilled "1.125", stated as KWD 1.125 and recorded as 1.125', () => {
    const card = orderPlaced('KWD', 'en-GB', 1.125);
    expect(boxValue(card, 'value_0')).toBe('1.125');
    expect(texts(card).join('\n')).toContain('KWD\u00a01.125 order placed');
    const decision = decideWonBack(
      ctx(atRisk({ monthlyValue: 18 }), { currency: 'KWD', locale: 'en-GB' }),
      RULES,
      '1.125',
    );
    expect(decision).toMatchObject({ ok: true, audit: { value: 1.125 } });
  });

  it('a Kuwaiti rep may type the amount on an Arabic keyboard, in Arabic-Indic digits: the card lets it through and the bot and the tab read it', () => {
    const money = { currency: 'KWD', locale: 'en-GB' };
    const box = ofType(orderPlaced(money.currency, money.locale, 1.125), 'Input.Text').find(
      (n) => n.id === 'value_0',
    );
    for (const typed of ['١٫١٢٥', 'KWD ١٫١٢٥', '1.125']) {
      expect(new RegExp(String(box?.regex)).test(typed), typed).toBe(true);
      expect(readWonBackValue(typed, 18, RULES, money), typed).toEqual({ ok: true, value: 1.125 });
    }
    expect(readWonBackValue('١٬٢٥٠٫٥٠٠', 200, RULES, money)).toEqual({ ok: true, value: 1250.5 });
    // The tab reads the box in the rep's Teams locale (ar-KW), with the dinar's sign as it writes it.
    expect(typedAmount(withoutCurrencySign('١٫١٢٥ د.ك.', 'KWD', 'ar-KW', 'en-GB'), 'ar-KW')).toBe(1.125);
  });

  it('a yen amount is whole: typed with full-width digits it reads, with a decimal it is refused, saying why', () => {
    const money = { currency: 'JPY', locale: 'ja-JP' };
    for (const typed of ['１，２００', '￥1,200', '¥1,200', '1200'])
      expect(readWonBackValue(typed, 1000, RULES, money), typed).toEqual({ ok: true, value: 1200 });
    expect(readWonBackValue('1200.5', 1000, RULES, money)).toEqual({
      ok: false,
      message: 'The value won back must be an amount in JPY, which has no decimals: "1200.5" has more.',
    });
    const card = orderPlaced(money.currency, money.locale, 1200);
    expect(texts(card).join('\n')).toContain('￥1,200 order placed');
    expect(texts(card).join('\n')).not.toContain('1,200.00');
  });

  it('a monthly value left as it came is recorded to the smallest unit, not with its long fraction', () => {
    const decision = decideWonBack(
      ctx(atRisk({ monthlyValue: 1234.5678 }), { currency: 'KWD', locale: 'en-GB' }),
      RULES,
      '',
    );
    expect(decision).toMatchObject({ ok: true, audit: { value: 1234.568 } });
  });

  it('a customer worth more than ten million a month, common in yen or rupiah, is saved as the box came', () => {
    // ￥12,345,678.60 a month is about 80,000 US dollars: the row states ￥12,345,679/month and the box
    // holds it, which the ten-million ceiling refused ("at most ￥10,000,000"), the row's own figure.
    for (const [currency, locale, row] of [
      ['JPY', 'ja-JP', '￥12,345,679/month'],
      ['IDR', 'id-ID', 'Rp\u00a012.345.679/month'],
    ]) {
      const week = representativeWeek();
      week.customers[0] = { ...week.customers[0], monthlyValue: 12_345_678.6 };
      const card = buildWeeklyCard({ ...week, currency, locale });
      expect(texts(card)).toContain(row);
      const decision = decideWonBack(
        ctx(atRisk({ monthlyValue: 12_345_678.6 }), { currency, locale }),
        RULES,
        boxValue(card, 'value_0'),
      );
      expect(decision, currency).toMatchObject({ ok: true, audit: { value: 12_345_679 } });
    }
  });

  it("in a locale that writes its own digits (bn-BD ১২৫০, mr-IN १२५०), the box's own example and those digits are taken", () => {
    // The row states the value in them ("১,২৩৪৳/month"), and the box's example is written in them: the
    // card refused its own example ("Enter the value won back as a number, e.g. ১,২৫০.৫০").
    for (const [currency, locale, example, typed] of [
      ['BDT', 'bn-BD', '১,২৫০.৫০', '১২৫০'],
      ['INR', 'mr-IN', '१,२५०.५०', '१२५०'],
    ]) {
      const money = { currency, locale };
      const card = orderPlaced(currency, locale, 22.2);
      const box = ofType(card, 'Input.Text').find((n) => n.id === 'value_0');
      expect(box?.placeholder).toBe(`e.g. ${example}`);
      for (const [text, value] of [
        [example, 1250.5],
        [typed, 1250],
      ] as const) {
        expect(new RegExp(String(box?.regex)).test(text), text).toBe(true);
        expect(readWonBackValue(text, 200, RULES, money), text).toEqual({ ok: true, value });
        expect(typedAmount(withoutCurrencySign(text, currency, locale), locale), text).toBe(value);
      }
    }
  });
});
