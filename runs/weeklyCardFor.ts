import type { WeeklyCardData } from '../cards/cardModels';
import { formatMoney, weekOfRunKey } from '../cards/format';
import { lossReasonChoices } from '../cards/weeklyCardData';
import { type OutlookInput, outlookText } from '../rules/model/plainWords';
import type { Rules } from '../rules/rulesSchema';
import type { RepWeek } from './weeklyLists';

export interface CardLocale {
  /** ISO 4217; default USD. */
  currency?: string;
  /** BCP 47; default en-US. */
  locale?: string;
}

/** The weekly card's data for one rep: each shown customer's name, band, score, value, reasons and play, plus "+N more". */
export function weeklyCardDataFor(
  week: RepWeek,
  rules: Pick<Rules, 'lossReasons'>,
  runKey: string,
  options: CardLocale = {},
): WeeklyCardData {
  const { overflow } = week;
  return {
    runKey,
    customers: week.shown.map((c) => ({
      customerId: c.customerId,
      name: c.name.trim() || c.customerId,
      band: c.band,
      score: c.score,
      monthlyValue: c.monthlyValue,
      reasons: c.reasons,
      play: c.play.text,
      outcome: null,
      ...outlookField(c),
    })),
    ...(overflow.length > 0
      ? {
          overflow: {
            count: overflow.length,
            monthlyValue: overflow.reduce((sum, c) => sum + c.monthlyValue, 0),
          },
        }
      : {}),
    lossReasons: lossReasonChoices(rules.lossReasons),
    ...(options.currency ? { currency: options.currency } : {}),
    ...(options.locale ? { locale: options.locale } : {}),
  };
}

/** The notification preview Teams shows for the card, e.g. `Week 48: 6 customers slipping, $4,200/month`. */
export function weeklyNotificationText(data: WeeklyCardData): string {
  const count = data.customers.length + (data.overflow?.count ?? 0);
  const value =
    data.customers.reduce((sum, c) => sum + c.monthlyValue, 0) + (data.overflow?.monthlyValue ?? 0);
  const money = formatMoney(value, data.currency ?? 'USD', data.locale ?? 'en-US');
  const who = `${count} ${count === 1 ? 'customer' : 'customers'}`;
  return `Week ${weekOfRunKey(data.runKey)}: ${who} slipping, ${money}/month`;
}

/** Teams refuses bot messages over about 100 KB (413); the run keeps each card under 80 KB. */
export const MAX_CARD_BYTES = 80 * 1024;

/** The card's size on the wire, as UTF-8 JSON. */
export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** The card's outlook line ("3 in 4 chance of no order in the next 90 days; expected by Tue 24 Nov"), when there is one. */
function outlookField(c: OutlookInput): { outlook?: string } {
  const outlook = outlookText(c);
  return outlook ? { outlook } : {};
}
