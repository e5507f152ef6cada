import { daysBetween, formatDateNear } from '../rules/calendar';
import { type Money, OUTCOME_COLOR, outcomeText, valueText, wonBackLabel } from './buildWeeklyCard';
import { type CardJson, MAX_NAME_CHARS, MAX_REASON_CHARS, outcomeKey } from './cardModels';
import { cardTemplate } from './cardTemplate';
import { type ParsedDigestCardData, parseDigestCardData } from './digestCardData';
import { type DigestCardData, digestRowValue, type FollowUpReason, isOrderRow } from './digestCardModels';
import {
  countOf,
  formatCount,
  formatExactMoney,
  formatMoney,
  formatShortDate,
  markdownSafe,
  truncate,
  wonBackBox,
} from './format';
import digestTemplate from './templates/digestCard.json';

const template = cardTemplate(digestTemplate);

/**
 * The row's sentence, e.g. `Ordered $450 on Thu 26 Nov, 3 days after you reached out: record the
 * save?`; once acted on (`asks` false) the question is left out. A date in another year than the
 * digest's `today` carries its year: early in January, December's contact is last year's.
 * `contactBy`: the rep who reached out, when it was not this one (a customer moved to them since),
 * named instead of "you". `lossStands`: a customer who ordered after being marked lost still is (the
 * row shows the loss and its Undo): the save is recorded once the loss is undone.
 */
export function followUpText(
  reason: FollowUpReason,
  money: Money,
  today: string,
  locale: string,
  asks = true,
  contactBy?: string,
  lossStands = false,
): string {
  const date = (isoDate: string) => formatDateNear(isoDate, today, locale);
  const plural = (n: number, one: string) => countOf(n, one, `${one}s`, locale);
  const who = contactBy ?? 'you';
  switch (reason.kind) {
    case 'no_order':
      return `${contactBy ? `${contactBy} reached out` : 'Reached out'} ${plural(reason.days, 'day')} ago (${date(reason.contactOn)}), no order since.`;
    case 'ordered': {
      const after = daysBetween(reason.contactOn, reason.orderOn);
      const ordered = `Ordered ${money(reason.amount)} on ${date(reason.orderOn)}, ${plural(after, 'day')} after ${who} reached out`;
      return asks ? `${ordered}: record the save?` : `${ordered}.`;
    }
    case 'lost_ordered': {
      const after = daysBetween(reason.lostOn, reason.orderOn);
      const ordered = `Ordered ${money(reason.amount)} on ${date(reason.orderOn)}, ${plural(after, 'day')} after being marked lost`;
      if (lossStands) return `${ordered}: Undo the loss to record the save?`;
      return asks ? `${ordered}: record the save?` : `${ordered}.`;
    }
    case 'silent': {
      const silent = `No order in the ${plural(reason.days, 'day')} since ${who} reached out (${date(reason.contactOn)})`;
      return asks ? `${silent}: mark lost, went quiet?` : `${silent}.`;
    }
    case 'save_slipping': {
      // Only a customer's own rhythm is theirs to be "usually" on; too few orders, the book's gap.
      const gap = Math.round(reason.cadenceDays);
      const rhythm =
        reason.ownRhythm === false
          ? `the book's usual gap is ${plural(gap, 'day')}`
          : `usually every ${formatCount(gap, locale)}`;
      // No order since the save (recorded on a promise): nothing to slip "again" from.
      if (reason.daysSinceOrder > daysBetween(reason.wonBackOn, today))
        return `Won back on ${date(reason.wonBackOn)}, but no order since: now ${plural(reason.daysSinceOrder, 'day')} without one (${rhythm}).`;
      return `Won back on ${date(reason.wonBackOn)}, now ${plural(reason.daysSinceOrder, 'day')} without an order (${rhythm}): slipping again.`;
    }
  }
}

/** The day of a `daily-YYYY-MM-DD` run key. */
function dayOfRunKey(runKey: string): string {
  return runKey.slice('daily-'.length);
}

/** Plain strings for the template: all formatting happens here, the template only places them. */
function viewModel(data: ParsedDigestCardData) {
  const money: Money = (amount) => formatMoney(amount, data.currency, data.locale);
  // One order's amount and a value won back (what the box held) are shown to the cent: the box holds
  // the figure its row states (wonBackPrefill), so a save left as it came reads as the row did.
  const exactMoney: Money = (amount) => formatExactMoney(amount, data.currency, data.locale);
  const reasonTitle = (value: string) => data.lossReasons.find((r) => r.value === value)?.title ?? value;
  const count = data.rows.length;
  return {
    runKey: data.runKey,
    headline: `Follow-ups for ${formatShortDate(dayOfRunKey(data.runKey), data.locale)} · ${countOf(count + data.overflow, 'customer', 'customers', data.locale)}`,
    snoozeTitle: 'Snooze a week',
    hasMore: data.overflow > 0,
    moreText: `+${formatCount(data.overflow, data.locale)} more due today: the most urgent are above, the rest come in your next digest`,
    quietReason: data.quietReason,
    noteMaxLength: data.noteMaxLength,
    lossReasons: data.lossReasons,
    rows: data.rows.map((r, index) => {
      const kind = r.reason.kind;
      // A one-visit customer who has ordered since the call: the next order is no longer an "if",
      // and what it came to is stated, box and row alike, to the cent.
      const placed = isOrderRow(r.reason) && r.valueKind === 'second_order';
      return {
        customerId: r.customerId,
        // Shown in a markdown TextBlock: the feed's name is escaped.
        name: markdownSafe(r.name, MAX_NAME_CHARS),
        valueText: placed ? `${exactMoney(digestRowValue(r))} order placed` : valueText(r, money),
        reasonText: followUpText(
          r.reason,
          exactMoney,
          dayOfRunKey(data.runKey),
          data.locale,
          !r.outcome,
          // Another rep's display name, theirs to set, in the same markdown TextBlock: escaped too
          // (and never "you" for a name of nothing but control characters).
          r.contactBy === undefined ? undefined : markdownSafe(r.contactBy, MAX_NAME_CHARS) || 'another rep',
          // Asked to undo it only when this rep may.
          kind === 'lost_ordered' && r.outcome?.kind === 'lost' && !r.undoLeftTo,
        ),
        flags: r.flags.map((f) => ({ text: truncate(f, MAX_REASON_CHARS) })),
        hasOutcome: Boolean(r.outcome),
        outcomeText: r.outcome
          ? outcomeText(r.outcome, exactMoney, reasonTitle, data.locale, r.undoLeftTo)
          : '',
        canUndo: Boolean(r.outcome) && !r.undoLeftTo,
        outcomeColor: r.outcome ? OUTCOME_COLOR[r.outcome.kind] : 'Default',
        undoShown: r.outcome ? outcomeKey(r.outcome) : '',
        // An order after the call (or the loss): the save comes first, prefilled. Silence: Lost in one tap.
        wonBackFirst: isOrderRow(r.reason),
        wonBackLater: kind === 'no_order',
        lostQuiet: kind === 'silent',
        lostPicker: kind === 'no_order' || kind === 'save_slipping',
        // Again only after a call: a save slipping or a customer marked lost was not reached out to.
        reachedOutTitle:
          kind === 'no_order' || kind === 'ordered' || kind === 'silent'
            ? 'Reached out again'
            : 'Reached out',
        // A one-visit customer's save is their next order itself: once it is in the feed, what it
        // came to is the value won back, not the first order's worth.
        ...wonBackBox(digestRowValue(r), { currency: data.currency, locale: data.locale }, placed),
        valueLabel: wonBackLabel(r.valueKind, data.currency),
        valueInputId: `value_${index}`,
        reasonInputId: `reason_${index}`,
        noteInputId: `note_${index}`,
      };
    }),
  };
}

/** The daily follow-up digest (Adaptive Card 1.5) for one rep, ready to send as an attachment's `content`. */
export function buildDigestCard(data: DigestCardData): CardJson {
  return template.expand({ $root: viewModel(parseDigestCardData(data)) }) as CardJson;
}
