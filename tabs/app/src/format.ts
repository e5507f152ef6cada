/** Number and date formatting in the user's Teams locale. */
export interface Formats {
  money(n: number): string;
  /**
   * A value won back, as the cards and the summary state it (cards/format.ts formatExactMoney): to
   * the cent when a rep typed cents, `£1,250.50`, else whole, `£110`.
   */
  wonBack(n: number): string;
  /** A count of things (customers, orders), with the locale's thousands separator. */
  count(n: number): string;
  percent(x: number): string;
  date(iso: string): string;
  month(key: string): string;
  /** A day without the year (chart labels). */
  day(iso: string): string;
}

/** `currency` is the book's (the API states it on every answer); `locale` the user's. */
export function formats(locale: string, currency: string): Formats {
  const safe = (() => {
    try {
      return Intl.getCanonicalLocales(locale)[0] ?? 'en-US';
    } catch {
      return 'en-US';
    }
  })();
  const money = new Intl.NumberFormat(safe, { style: 'currency', currency, maximumFractionDigits: 0 });
  const cents = new Intl.NumberFormat(safe, { style: 'currency', currency, minimumFractionDigits: 2 });
  const count = new Intl.NumberFormat(safe, { maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(safe, { style: 'percent', maximumFractionDigits: 0 });
  const date = new Intl.DateTimeFormat(safe, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const month = new Intl.DateTimeFormat(safe, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const day = new Intl.DateTimeFormat(safe, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return {
    money: (n) => money.format(n),
    wonBack: (n) => {
      const rounded = Math.round(n * 100) / 100;
      return Number.isInteger(rounded) ? money.format(rounded) : cents.format(rounded);
    },
    count: (n) => count.format(n),
    percent: (x) => pct.format(x),
    date: (iso) => date.format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)),
    month: (key) => month.format(new Date(`${key}-01T00:00:00Z`)),
    day: (iso) => day.format(new Date(`${iso}T00:00:00Z`)),
  };
}
