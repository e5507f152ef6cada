import {
  formatExactMoney,
  minorDigits,
  numberStyle,
  plainAmountText,
  roundToMinor,
  withoutCurrencySign,
  wonBackExample,
} from '../../cards/format';
import type { ValueKind } from '../../rules/customerState';
import { type ActionRules, auditBase, type Decision, type DecisionContext, refuse } from './actionTypes';
import { nothingRecordedOn } from './actionWords';
import { staleReason } from './staleReason';

// Plain decimal only: `Number()` would also take hex (`0x10`), exponents (`1e400` = Infinity) and ''.
// Commas only as thousands separators (`1,250.50`): `1,2,3` is not a number, not 123. A Swiss locale
// (de-CH, it-CH) groups with an apostrophe (`1'250.50`, curly from a phone's smart punctuation): one
// kind of separator throughout.
const DECIMAL = /^(\d{1,12}|\d{1,3}([,'\u2019])\d{3}(\2\d{3}){0,2})(\.\d{1,4})?$/;
// In a decimal-comma locale (de-DE `1.250,50`, fr-FR `1 250,50`): a dot or a space groups thousands.
const COMMA_DECIMAL = /^(\d{1,12}|\d{1,3}([. \u00a0\u202f]\d{3}){1,3})(,\d{1,4})?$/;
// A dot there that cannot be a thousands group (`12.5`, a number the tab API was sent as JSON).
const POINT_DECIMAL = /^\d{1,12}\.\d{1,4}$/;
// In a locale that groups by lakh and crore (en-IN, hi-IN: `12,50,000.50`): by two after the first three.
const LAKH_DECIMAL = /^\d{1,2}(,\d{2}){1,4},\d{3}(\.\d{1,4})?$/;

/**
 * The plain positive decimal a rep typed, read as `locale` writes numbers (the card's, or the tab
 * user's Teams locale); null when it is not one. In a decimal-comma locale `1.200` is twelve
 * hundred, as a German rep means it, not 1.2. Full-width (`１２００`) and Arabic-Indic digits
 * (`١٫١٢٥`) read as 0-9.
 */
export function typedAmount(typed: string, locale: string): number | null {
  const style = numberStyle(locale);
  const text = plainAmountText(typed);
  if (!style.decimalComma) {
    const grouped = DECIMAL.test(text) || (style.lakh && LAKH_DECIMAL.test(text));
    return grouped ? Number(text.replace(/[,'\u2019]/g, '')) : null;
  }
  if (COMMA_DECIMAL.test(text)) return Number(text.replace(/[. \u00a0\u202f]/g, '').replace(',', '.'));
  return POINT_DECIMAL.test(text) ? Number(text) : null;
}

/**
 * The most a customer may be recorded as won back for: per month, or for the order of a one-visit
 * customer. A customer valued at 0 (no order in the value's window) has no value to be ten times
 * of: their Won back box starts empty for the rep to type what they won, which only `maxValue` caps.
 * Never less than the value itself, as the box starts with it (whole, so rounded up): `maxValue` is
 * ten million in any currency, and a customer worth ￥12,345,679 or Rp 12.345.679 a month is real.
 */
export function maxWonBackValue(monthlyValue: number, rules: ActionRules): number {
  if (monthlyValue <= 0) return rules.maxValue;
  return Math.max(Math.ceil(monthlyValue), Math.min(rules.maxValue, monthlyValue * rules.maxValueMultiple));
}

/**
 * Reads the value typed on the card: missing or blank means the customer's monthly value; anything
 * else must be a plain positive decimal no larger than the cap (null, a value of the wrong type, is
 * refused). Returns the number or a message saying why not, its amounts in `money` as the card's,
 * the cap worded as the row showed the value (`kind`): a month's or one order's. The cap counts
 * from `capFrom` (default the monthly value): the larger of it and what the tapped row showed.
 */
export function readWonBackValue(
  input: string | null | undefined,
  monthlyValue: number,
  rules: ActionRules,
  money: { currency: string; locale: string } = { currency: 'USD', locale: 'en-US' },
  kind: ValueKind = 'monthly',
  capFrom: number = monthlyValue,
): { ok: true; value: number } | { ok: false; message: string } {
  if (input === null) {
    return { ok: false, message: 'The value won back must be a number greater than 0, typed in the box.' };
  }
  const text = input?.trim() ?? '';
  if (text === '' && monthlyValue <= 0) {
    // The box starts empty for a customer valued at 0 (wonBackBox): say what to type, not what is wrong.
    return {
      ok: false,
      message: `Type the value won back in the box, e.g. ${wonBackExample(money.locale, money.currency)}: the customer's value is 0 (no order in the value's window), so there is none to record as it stands.`,
    };
  }
  // Typed as the row states it (`£1,100`): the card's currency sign is no part of the number.
  const amount = withoutCurrencySign(text, money.currency, money.locale);
  const typed = text === '' ? null : typedAmount(amount, money.locale);
  if (text !== '' && typed === null) {
    // `-£5`, or `£-5` with the sign come off.
    const why = /^[-\u2212]/.test(amount)
      ? 'a negative value cannot be won back'
      : `"${text.slice(0, 20)}" is not a plain number`;
    return { ok: false, message: `The value won back must be a number greater than 0: ${why}.` };
  }
  const digits = minorDigits(money.currency);
  const units = 10 ** Math.max(digits, rules.valueDecimals ?? 0);
  if (typed !== null && Math.round(typed * units) / units !== typed) {
    // ¥1,200.5 or KWD 1.1254: an amount the currency cannot pay, refused rather than rounded unseen.
    const decimals = digits === 0 ? 'no decimals' : `${digits} decimals at most`;
    return {
      ok: false,
      message: `The value won back must be an amount in ${money.currency}, which has ${decimals}: "${text.slice(0, 20)}" has more.`,
    };
  }
  // Left blank, the customer's value, as its row states it to the smallest unit (a value derived from
  // orders has a long fraction the stored save would otherwise carry).
  const value = typed ?? roundToMinor(monthlyValue, money.currency);
  if (!Number.isFinite(value) || value <= 0) {
    return { ok: false, message: 'The value won back must be a number greater than 0.' };
  }
  const cap = maxWonBackValue(capFrom, rules);
  if (value > cap) {
    // Ten times a value derived from orders has a long fraction: stated to the currency's smallest
    // unit, cut (never rounded up past the cap), so the amount the message names is one that is accepted.
    const units = 10 ** digits;
    const stated = formatExactMoney(Math.floor(cap * units) / units, money.currency, money.locale);
    const per = kind === 'second_order' ? 'for the order' : 'per month';
    return { ok: false, message: `The value won back must be at most ${stated} ${per}.` };
  }
  return { ok: true, value };
}

/**
 * Won back: the band resets to steady (score 0, no reasons), surfacedAt and lastContact are cleared
 * so the next slip starts a fresh cycle, wonBackAt = today (under the owner of the day, wonBackOwner) and
 * the recovered monthly value is kept.
 */
export function decideWonBack(
  ctx: DecisionContext,
  rules: ActionRules,
  valueInput: string | null | undefined,
): Decision {
  const stale = staleReason(ctx.current, rules.lossReasons, ctx.today, ctx.locale, ctx.showText);
  if (stale) return refuse('stale', `${stale} Nothing was changed.`);
  const read = readWonBackValue(
    valueInput,
    ctx.current.monthlyValue,
    rules,
    { currency: ctx.currency, locale: ctx.locale ?? 'en-US' },
    ctx.shownValueKind ?? ctx.current.valueKind,
    Math.max(ctx.current.monthlyValue, ctx.shownValue ?? 0),
  );
  if (!read.ok) return refuse('invalid', `${read.message} ${nothingRecordedOn(ctx.current.name, ctx)}`);
  return {
    ok: true,
    next: {
      ...ctx.current,
      score: 0,
      band: 'steady',
      reasons: [],
      surfacedAt: null,
      lastContact: null,
      wonBackAt: ctx.today,
      // Two saves within a year change the play (no more offers): keep the one before.
      previousWonBackAt: ctx.current.wonBackAt,
      wonBackOwner: ctx.current.owner,
      recoveredValue: read.value,
    },
    audit: {
      ...auditBase(ctx),
      action: 'won_back',
      value: read.value,
      // Recorded as the rep saw it: a tab or `list` row scored today may differ from the stored kind.
      ...(ctx.shownValueKind ? { valueKind: ctx.shownValueKind } : {}),
    },
  };
}
