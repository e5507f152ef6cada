import type { Band, ValueKind } from '../rules/customerState';
import type { NumberWords } from '../rules/model/plainWords';

// Dates are the calendar's (rules/calendar.ts): the plan table's days are worded there too.
export { formatShortDate } from '../rules/calendar';
// A row's chance and "worse by N points" round alike (rules/noOrderChance.ts).
export { chancePercent } from '../rules/noOrderChance';

/** Whole-unit money in the card's currency and locale, e.g. `$8,400`. */
export function formatMoney(amount: number, currency: string, locale: string): string {
  return numberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * Intl.NumberFormat for the locale and options, made once: making one takes about 20 µs, which a
 * list of 50,000 rows paid several times a row.
 */
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * How many digits `currency` writes after its decimal mark, Intl's (ISO 4217) figure: 2 for USD
 * and EUR, 3 for KWD (1,000 fils to the dinar), 0 for JPY. Not the locale's: a yen has no cents
 * whoever reads it.
 */
export function minorDigits(currency: string): number {
  return numberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** `amount` to `currency`'s smallest unit: KWD 1.1254 is 1.125, JPY 1200.4 is 1200, USD 12.345 is 12.35. */
export function roundToMinor(amount: number, currency: string): number {
  const units = 10 ** minorDigits(currency);
  return Math.round(amount * units) / units;
}

/**
 * An amount someone typed or one order's, or a sum of them, to the currency's smallest unit:
 * `$12.50` (not `$13`), `KWD 1.125` (not `1.13`), `$500` when whole (a sum's float noise,
 * 0.1 + 0.2, is no cent), and never `¥1,200.00`.
 */
export function formatExactMoney(amount: number, currency: string, locale: string): string {
  const exact = roundToMinor(amount, currency);
  const digits = Number.isInteger(exact) ? 0 : minorDigits(currency);
  return numberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(exact);
}

/**
 * One order's amount as the export writes it, in the currency's own minor units: `£329.00` beside
 * `£328.64` in a list of orders (formatExactMoney's `£329` reads as a figure rounded off), `￥329`.
 */
export function formatOrderAmount(amount: number, currency: string, locale: string): string {
  return numberFormat(locale, { style: 'currency', currency }).format(amount);
}

/**
 * A value won back in words: `$1,500 a month`, or for a one-visit customer `another $800 order`,
 * one order's worth and not monthly revenue (the card's outcome line says it alike). "Another", not
 * "a second": a one-visit customer may have placed several orders in that visit.
 */
export function wonBackValueWords(value: number, valueKind: ValueKind, money: (n: number) => string): string {
  return valueKind === 'second_order' ? `another ${money(value)} order` : `${money(value)} a month`;
}

/** How `locale` writes numbers, from Intl: a decimal comma (de-DE, fr-FR), lakh groups (en-IN). */
export interface NumberStyle {
  decimalComma: boolean;
  lakh: boolean;
}
const numberStyles = new Map<string, NumberStyle>();

/** How `locale` writes numbers: the bot reads a typed value by it, and the Won back box is written by it. */
export function numberStyle(locale: string): NumberStyle {
  let style = numberStyles.get(locale);
  if (style === undefined) {
    const format = new Intl.NumberFormat(locale);
    style = {
      decimalComma: format.formatToParts(1.5).find((p) => p.type === 'decimal')?.value === ',',
      lakh: format.format(1234567) === '12,34,567',
    };
    numberStyles.set(locale, style);
  }
  return style;
}

/**
 * What the Won back box starts with: the figure its row states, so a save left as it came records
 * what the rep read, and the outcome line, the summary and the tab say it alike. A value the row
 * states in whole units (formatMoney: a monthly value derived from orders, £109.87, reads "£110/month")
 * is prefilled whole, not as the £109.87 the reply then stated; an `exact` one (formatExactMoney: an
 * order placed, 22.20) to the currency's smallest unit (KWD 1.125). Never 0 for a value under one
 * unit: the box would be refused.
 */
export function wonBackPrefill(value: number, currency: string, exact = false): number {
  const whole = Math.round(value);
  return exact || whole === 0 ? roundToMinor(value, currency) : whole;
}

/**
 * The signs an amount in `currency` may carry as typed: the ones each of `locales` writes it with
 * (`£`; en-GB writes dollars `US$`, and `$` narrow) and its code (`GBP`), longest first.
 */
function currencySigns(currency: string, locales: readonly string[]): string[] {
  const sign = (locale: string, currencyDisplay: 'symbol' | 'narrowSymbol') =>
    numberFormat(locale, { style: 'currency', currency, currencyDisplay })
      .formatToParts(1)
      .find((p) => p.type === 'currency')?.value ?? '';
  const written = [
    ...locales.flatMap((l) => [sign(l, 'symbol'), sign(l, 'narrowSymbol')]),
    currency.toUpperCase(),
  ];
  // Each also as a half-width keyboard types it: ja-JP writes the yen `￥`, a rep may type `¥`.
  const signs = new Set([...written, ...written.map(plainAmountText)]);
  return [...signs].filter((s) => s !== '').sort((a, b) => b.length - a.length);
}

// The marks that order right-to-left text, which Intl puts around an Arabic amount (`‏١٫١٢٥ د.ك.‏`).
const BIDI_MARK_CHARS = '\u061c\u200e\u200f';
const BIDI_MARKS = new RegExp(`[${BIDI_MARK_CHARS}]`, 'g');

let digitValues: Map<string, string> | undefined;

/**
 * Each digit of every decimal numbering system Intl writes, as 0-9: Arabic-Indic (ar-EG `١٢٥٠`),
 * Persian (fa `۱۲۵۰`), Bengali (bn-BD `১২৫০`), Devanagari (mr-IN `१२५०`), Myanmar... The card writes
 * a locale's amounts in its digits, and a phone's keyboard in that language types them.
 */
function digitValuesOf(): Map<string, string> {
  if (digitValues) return digitValues;
  const values = new Map<string, string>();
  for (const system of Intl.supportedValuesOf('numberingSystem')) {
    const format = numberFormat('en', { numberingSystem: system, useGrouping: false });
    const digits = Array.from({ length: 10 }, (_, d) => format.format(d));
    // Positional decimal digits only (ten is "1" then "0"): not Roman numerals or Chinese words.
    const decimal =
      digits.every((d) => Array.from(d).length === 1) && format.format(10) === digits[1] + digits[0];
    if (decimal) for (const [d, digit] of digits.entries()) values.set(digit, String(d));
  }
  digitValues = values;
  return values;
}

/**
 * A typed amount in the digits and marks the Won back box is read in: full-width ones from a
 * Japanese or Chinese keyboard (`１，２００`) as half-width, any numbering system's digits as 0-9
 * (Arabic-Indic, Bengali, Devanagari...) and the Arabic decimal and group marks (`١٬٢٥٠٫٥٠٠`, as an
 * Arabic keyboard types them) as `.` and `,`, with no right-to-left marks.
 */
export function plainAmountText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(BIDI_MARKS, '')
    .replace(/\p{Nd}/gu, (d) => digitValuesOf().get(d) ?? d)
    .replace(/\u066b/g, '.')
    .replace(/\u066c/g, ',');
}

/**
 * The amount a rep typed without the card's currency sign before or after it: a row states
 * `£1,073/month` and the rep types `£1,100` (or `1.100 €`, `1,100 GBP`). Another currency's sign
 * stays, and the amount is then no number. `shownIn`, the locale the value was shown in where the
 * rep types in another (the tab: the page in LOCALE, the box in their Teams locale): its signs too.
 */
export function withoutCurrencySign(
  text: string,
  currency: string,
  locale: string,
  shownIn = locale,
): string {
  let rest = plainAmountText(text).trim();
  const signs = currencySigns(currency, [locale, shownIn]).map(plainAmountText);
  const before = signs.find((s) => rest.startsWith(s));
  if (before) rest = rest.slice(before.length).trim();
  const after = signs.find((s) => rest.endsWith(s));
  if (after) rest = rest.slice(0, rest.length - after.length).trim();
  return rest;
}

// The digits of a typed amount the card's check takes, as plainAmountText reads them: full-width
// (`１，２００`) and Arabic-Indic (`١٬٢٥٠٫٥`); the locale's own are added to it (ownDigits).
const DIGIT = '\\d\uff10-\uff19\u0660-\u0669\u06f0-\u06f9';
// Space around the amount and its sign, and the right-to-left marks of an Arabic amount copied from its row.
const SPACE = `[\\s${BIDI_MARK_CHARS}]*`;
// The digits and separators of a typed amount (`1,250.50`, `1.250,50`, `1'250.50`, `1 250,50`).
const typedAmountPattern = (digit: string) =>
  `[${digit}][${digit}.,'\u2019 \u00a0\u202f\uff0c\uff0e\u066b\u066c]*`;

/**
 * The range of the digits `locale` writes numbers in where they are not 0-9 (bn-BD `০-৯`, mr-IN
 * `०-९`), for the card's check: one locale's, not all of plainAmountText's, which would add some
 * 700 characters to every Won back box of a card.
 */
function ownDigits(locale: string): string {
  const format = numberFormat(locale, { useGrouping: false });
  const [zero, nine] = [format.format(0), format.format(9)];
  return zero === '0' || zero.length !== 1 || nine.length !== 1 ? '' : `${zero}-${nine}`;
}

/**
 * The card's Won back box, a text box: a number box (Input.Number) reads `1.200` as 1.2 and refuses
 * `1.234,50` in the client, before the bot can read it as the rep's locale writes numbers. The
 * prefill has no thousands separator and only a decimal mark where it has cents (`1200`, de-DE
 * `22,20`, en-US `22.20`), so the bot reads it back in the card's locale as the same value; the
 * example is written in the card's locale. The box's check takes the card's currency sign before or
 * after the amount, as the row writes the value (withoutCurrencySign).
 */
export function wonBackBox(
  monthlyValue: number,
  money: { currency: string; locale: string },
  exact = false,
): { valuePrefill: string; valuePlaceholder: string; valueExample: string; valueRegex: string } {
  const prefill = wonBackPrefill(monthlyValue, money.currency, exact);
  const digits = Number.isInteger(prefill) ? String(prefill) : prefill.toFixed(minorDigits(money.currency));
  const sign = `(?:${currencySigns(money.currency, [money.locale]).map(escapeRegExp).join('|')})?`;
  const example = wonBackExample(money.locale, money.currency);
  return {
    // A row valued at 0 (no order in the value's window) starts empty: a "0" the bot refuses on Save
    // would be a box that cannot be saved as it comes. The placeholder says what to type instead.
    valuePrefill: prefill <= 0 ? '' : digitsReadIn(digits, money.locale),
    valuePlaceholder: `e.g. ${example}`,
    valueExample: example,
    valueRegex: `^${SPACE}${sign}${SPACE}${typedAmountPattern(DIGIT + ownDigits(money.locale))}${SPACE}${sign}${SPACE}$`,
  };
}

/**
 * Plain digits with a decimal point (`1200`, `1.125`) written so `locale` reads them back as the same
 * amount: with a decimal comma where it writes one (de-DE, fr-TN `1,125`), where `1.125` is 1,125.
 */
export function digitsReadIn(digits: string, locale: string): string {
  return numberStyle(locale).decimalComma ? digits.replace('.', ',') : digits;
}

/**
 * The amount the Won back box's placeholder and error give as an example, as `locale` writes it and
 * with `currency`'s decimals: `1,250.50`, de-DE `1.250,50`, KWD `1,250.500`, JPY `1,250`.
 */
export function wonBackExample(locale: string, currency: string): string {
  const digits = minorDigits(currency);
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    digits === 0 ? 1250 : 1250.5,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// C0 and C1 controls (Cc), and the invisible zero-width and bidi characters that can disguise text.
const CONTROL_CHARACTERS = /[\p{Cc}\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

/** User-typed text made safe to show: control characters become spaces, runs of spaces one. */
export function plainText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * Lines for a terminal (the CLI's table and summary) with feed and people's text in them: the same
 * characters as plainText become spaces, so a name cannot send the terminal an escape sequence (set
 * its clipboard, clear the screen); line breaks and the table's spacing are kept.
 */
export function terminalText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (ch) => (ch === '\n' ? ch : ' '));
}

// What Teams' card markdown reads as syntax anywhere in a line: emphasis (* and _), links ([ ]) and
// the escape itself. Only these are escaped: Teams on iOS and Android shows a backslash before any
// other character as typed, so "Smith-Jones (UK)" must reach the card as it is.
const MARKDOWN_CHARACTERS = /[\\*_[\]]/g;
// At the start of a line, a list: "- ", "+ " or "1. ".
const LIST_START = /^([-+])(?=\s)|^(\d+)\./;

/**
 * Text from the feed or from people (a customer's or rep's name) made safe for a markdown-capable
 * TextBlock or Fact: control characters removed, cut to `max`, then what Teams' markdown reads as
 * syntax escaped, so `[pay here](https://evil.example)` or `**URGENT**` shows as typed and is never a
 * link or bold, and a leading `- ` or `1.` never starts a list.
 */
export function markdownSafe(text: string, max: number): string {
  return truncate(plainText(text), max)
    .replace(MARKDOWN_CHARACTERS, (ch) => `\\${ch}`)
    .replace(LIST_START, (_match, bullet: string | undefined, digits: string | undefined) =>
      bullet ? `\\${bullet}` : `${digits}\\.`,
    );
}

// A bot chat reply is a whole message, not a card's name column: the cap only bounds a pathological
// value, and is longer than any real name or note.
const CHAT_TEXT_MAX = 200;

// Teams also reads HTML tags in a bot's chat text (a card's TextBlock shows them as typed), and `>`
// starts a quote there: both written as entities, which the chat shows as the characters.
const HTML_CHARACTERS = /[<>]/g;
const HTML_ENTITY: Record<string, string> = { '<': '&lt;', '>': '&gt;' };

/**
 * Text from the feed or from people (a customer's name, a rep's display name, a note) in a bot chat
 * reply, which Teams renders as markdown and HTML: escaped as on the cards, and `<` `>` as entities,
 * so a name cannot put a link, emphasis or a quote in another rep's chat.
 */
export function chatSafe(text: string): string {
  return markdownSafe(text, CHAT_TEXT_MAX).replace(HTML_CHARACTERS, (ch) => HTML_ENTITY[ch]);
}

/** `text` as the end of a sentence: a full stop added, unless it ends with one (a German date: `13. Nov.`). */
export function endOfSentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

/** `text` cut to `max` characters with an ellipsis, so one long field cannot blow the card's size. */
export function truncate(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}

/** A whole number in the locale: `4,372` in en-US, `4.372` in de-DE. */
export function formatCount(n: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** A count of days that may be a half (a median of an even number): `13.5` in en-US, `13,5` in de-DE. */
export function formatDays(days: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 1 }).format(days);
}

/** A whole percent (`percent` in percent) in the locale: `63%` in en-US, `63 %` in de-DE. */
export function formatPercent(percent: number, locale: string): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}

/** How a card's words write numbers in its locale (the reasons, made in rules/, take it). */
export function numberWords(locale: string): NumberWords {
  const decimal = numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    count: (n) => formatCount(n, locale),
    decimal: (n) => decimal.format(n),
    percent: (n) => formatPercent(n, locale),
  };
}

/** A count in the locale with its noun, singular for one: `1 customer`, `1,204 customers`. */
export function countOf(n: number, one: string, many: string, locale: string): string {
  return `${formatCount(n, locale)} ${n === 1 ? one : many}`;
}

const BAND_LABEL: Record<Band, string> = { at_risk: 'At risk', watch: 'Watch', steady: 'Steady' };
// Never Warning or Good: Teams' light theme draws them yellow and light green on white, too faint to read.
const BAND_COLOR: Record<Band, 'Attention' | 'Default'> = {
  at_risk: 'Attention',
  watch: 'Default',
  steady: 'Default',
};

/** The band as shown on a card, with its Adaptive Card text colour. */
export function bandDisplay(band: Band): { label: string; color: string } {
  return { label: BAND_LABEL[band], color: BAND_COLOR[band] };
}

/** Week number of a weekly run key (`weekly-2026-W48` -> 48). */
export function weekOfRunKey(runKey: string): number {
  const m = /^weekly-\d{4}-W(\d{2})$/.exec(runKey);
  if (!m) throw new Error(`Not a weekly run key: "${runKey}"`);
  return Number(m[1]);
}
