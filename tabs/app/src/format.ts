import { useMemo } from 'react';
import { formatExactMoney, formatMoney } from '../../../cards/format';
import { formatDateNear, formatDayMonth, formatShortMonth } from '../../../rules/calendar';

/**
 * Number and date formatting in the locale the tab API states (the cards' LOCALE, not the Teams
 * client's): the page is read beside the card, and its words from the API (reasons, amounts, the
 * Undo's day) are in LOCALE, so "Tue 24 Nov" on the card is "Tue 24 Nov" here, not "11/24/2026".
 */
export interface Formats {
  money(n: number): string;
  /**
   * A value won back, as the cards and the summary state it (formatExactMoney): to the currency's
   * smallest unit when a rep typed one, `£1,250.50`, `KWD 1.125`, else whole, `£110`, `¥1,200`.
   */
  wonBack(n: number): string;
  /** A count of things (customers, orders), with the locale's thousands separator. */
  count(n: number): string;
  percent(x: number): string;
  /** A chart axis' number: up to two decimals, as an empty month's axis ticks 0.2, 0.4… */
  tick(n: number): string;
  /** A day as the cards word it (`Tue 24 Nov`, `Di., 24. Nov.`), with the year when it is not the page's. */
  date(iso: string): string;
  month(key: string): string;
  /** A day without the weekday or the year, worded as `date` words it (a chart's weeks). */
  day(iso: string): string;
}

/** `currency` and `locale` as the API states them on every answer; `today`, the answer's day (`asOf`). */
export function formats(locale: string, currency: string, today = ''): Formats {
  const safe = (() => {
    try {
      return Intl.getCanonicalLocales(locale)[0] ?? 'en-US';
    } catch {
      return 'en-US';
    }
  })();
  const count = new Intl.NumberFormat(safe, { maximumFractionDigits: 0 });
  const tick = new Intl.NumberFormat(safe, { maximumFractionDigits: 2 });
  const pct = new Intl.NumberFormat(safe, { style: 'percent', maximumFractionDigits: 0 });
  return {
    money: (n) => formatMoney(n, currency, safe),
    wonBack: (n) => formatExactMoney(n, currency, safe),
    count: (n) => count.format(n),
    percent: (x) => pct.format(x),
    tick: (n) => tick.format(n),
    // One wording of a day for the product (rules/calendar.ts): the card's.
    date: (iso) => formatDateNear(iso.slice(0, 10), today || iso.slice(0, 10), safe),
    month: (key) => formatShortMonth(key.slice(0, 7), safe),
    // A week on the chart, worded as the page's days are: `7 Sep`, not en-US Intl's `Sep 7`.
    day: (iso) => formatDayMonth(iso, safe),
  };
}

/**
 * A page's Formats, in the locale and currency its answer from the API states (the cards' LOCALE);
 * in the Teams client's locale only until it answers.
 */
export function usePageFormats(
  answer: { locale: string; currency: string; asOf: string } | null,
  clientLocale: string,
): Formats {
  const shownIn = answer?.locale ?? clientLocale;
  const currency = answer?.currency ?? 'USD';
  const asOf = answer?.asOf ?? '';
  return useMemo(() => formats(shownIn, currency, asOf), [shownIn, currency, asOf]);
}
