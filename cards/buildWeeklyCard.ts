import { nobodyListed, SEGMENT_LABEL, SEGMENTS } from '../rules/segments';
import { customerPageLink } from '../tabs/api/deepLink';
import {
  type CardJson,
  type CustomerOutcome,
  type ListChange,
  MAX_NAME_CHARS,
  MAX_PLAY_CHARS,
  MAX_REASON_CHARS,
  MAX_REASONS_SHOWN,
  outcomeKey,
  type ValueKind,
  type WeeklyCardCustomer,
  type WeeklyCardData,
} from './cardModels';
import { cardBytes } from './cardSize';
import { cardTemplate } from './cardTemplate';
import {
  bandDisplay,
  chancePercent,
  countOf,
  endOfSentence,
  formatCount,
  formatExactMoney,
  formatMoney,
  formatPercent,
  formatShortDate,
  markdownSafe,
  plainText,
  truncate,
  weekOfRunKey,
  wonBackBox,
} from './format';
import { rowMeasurer } from './rowBytes';
import weeklyTemplate from './templates/weeklyCard.json';
import { type ParsedWeeklyCardData, parseWeeklyCardData } from './weeklyCardData';

/** Formats an amount in the card's currency and locale. */
export type Money = (amount: number) => string;

const template = cardTemplate(weeklyTemplate);

/**
 * The outcome line (the digest card shares it). It carries what people typed (a Lost note, a Teams
 * display name), so the template shows it in a TextRun, which Teams never reads as markdown, after
 * control characters are removed.
 */
export function outcomeText(
  outcome: CustomerOutcome,
  money: Money,
  reasonTitle: (value: string) => string,
  locale: string,
  undoLeftTo?: string,
): string {
  const line = actionText(outcome, money, reasonTitle, locale);
  // The reader cannot undo it: who can is said in place of the Undo button.
  return undoLeftTo
    ? `${line} · ${truncate(plainText(undoLeftTo), MAX_NAME_CHARS)} or an admin can undo`
    : line;
}

function actionText(
  outcome: CustomerOutcome,
  money: Money,
  reasonTitle: (value: string) => string,
  locale: string,
): string {
  const when = formatShortDate(outcome.at, locale);
  // A Teams display name has no published bound: cut like a customer's name, so a tap never grows the card.
  const by = truncate(plainText(outcome.by), MAX_NAME_CHARS);
  switch (outcome.kind) {
    case 'reached_out':
      return `Reached out by ${by}, ${when}`;
    case 'won_back':
      return outcome.valueKind === 'second_order'
        ? `Won back another ${money(outcome.value)} order by ${by}, ${when}`
        : `Won back ${money(outcome.value)}/month by ${by}, ${when}`;
    case 'lost': {
      const typed = outcome.note ? plainText(outcome.note) : '';
      const note = typed ? ` (${truncate(typed, MAX_REASON_CHARS)})` : '';
      return `Lost: ${reasonTitle(outcome.reason)}${note}. Marked by ${by}, ${when}`;
    }
    case 'snoozed':
      return `Snoozed until ${formatShortDate(outcome.until, locale)} by ${by}, ${when}`;
  }
}

/**
 * The colour of an outcome's line. Never Warning or Good (here or in the templates): Teams' light
 * theme draws them yellow and light green on white, too faint to read.
 */
export const OUTCOME_COLOR: Record<CustomerOutcome['kind'], string> = {
  reached_out: 'Accent',
  won_back: 'Default',
  lost: 'Attention',
  snoozed: 'Default',
};

const SEGMENT_TEXT: Record<NonNullable<WeeklyCardCustomer['segment']>, { label: string; color: string }> = {
  slipping: { label: 'Slipping', color: 'Attention' },
  not_back: { label: 'Not back yet', color: 'Default' },
  lapsed: { label: 'Lapsed: win back', color: 'Accent' },
};

/** `6 slipping · 2 not back yet · 31 lapsed` (kinds with nobody left out). */
export function countsText(counts: NonNullable<WeeklyCardData['counts']>, locale: string): string {
  const parts = SEGMENTS.filter((s) => counts[s] > 0).map(
    (s) => `${formatCount(counts[s], locale)} ${SEGMENT_LABEL[s]}`,
  );
  return parts.length > 0 ? parts.join(' · ') : 'nobody on your list';
}

/**
 * What changed since last week, in words (its numbers in `locale`): `New on your list`, `Worse: ...`,
 * `Still on your list (week 3)`, `Back on your list (first flagged Mon 9 Nov)` (`first listed` for a row
 * first on the pages past the card), `Back on your list (won back Mon 12 Oct, no order since)`.
 */
export function changeText(change: ListChange, locale = 'en-US'): string {
  switch (change.kind) {
    case 'new':
      return change.from ? `New on your list (moved from ${change.from})` : 'New on your list';
    case 'worse':
      return `Worse: chance of no order up ${formatCount(Math.round(change.points), locale)} points`;
    case 'still':
      return change.week === null
        ? 'Still on your list'
        : `Still on your list (week ${formatCount(change.week, locale)})`;
    case 'back':
      if (change.wonBack)
        return `Back on your list (won back ${formatShortDate(change.since, locale)}, no order since)`;
      return `Back on your list (first ${change.pastCard ? 'listed' : 'flagged'} ${formatShortDate(change.since, locale)})`;
  }
}

/** The row's value: per month, or for a one-visit customer what another visit is worth. */
export function valueText(c: { monthlyValue: number; valueKind?: ValueKind }, money: Money): string {
  return c.valueKind === 'second_order'
    ? `${money(c.monthlyValue)} if they order again`
    : `${money(c.monthlyValue)}/month`;
}

/** The Won back amount's label: the value it is prefilled with is monthly, or one order's (one-visit customer). */
export function wonBackLabel(valueKind: ValueKind | undefined, currency: string): string {
  return valueKind === 'second_order'
    ? `Value of the order won back (${currency})`
    : `Monthly value won back (${currency})`;
}

/** Kind (or band, on rows saved before the kinds) and the chance of no order, its numbers in `locale`. */
export function statusLine(c: WeeklyCardCustomer, locale = 'en-US'): { text: string; color: string } {
  if (!c.segment) {
    const band = bandDisplay(c.band);
    // Whole points: decimals would suggest a precision the score does not have.
    return { text: `${band.label} · score ${formatCount(Math.round(c.score), locale)}`, color: band.color };
  }
  const kind = SEGMENT_TEXT[c.segment];
  // At most 99%: a forecast from a book's past is never a certainty, and a calibration fitted on a
  // past where every lapsed customer stayed away saturates at 0.9999 ("100%").
  const chance = c.noOrder
    ? ` · ${formatPercent(chancePercent(c.noOrder.probability), locale)} chance of no order in ${formatCount(c.noOrder.horizonDays, locale)} days`
    : '';
  return { text: `${kind.label}${chance}`, color: kind.color };
}

/** The first line: the week (or "now"), the honest counts, and what the card shows of them. */
export function headlineOf(data: ParsedWeeklyCardData, money: Money): { headline: string; subline: string } {
  const moreCount = data.overflow?.count ?? 0;
  if (!data.counts) {
    const shownValue = data.customers.reduce((sum, c) => sum + c.monthlyValue, 0);
    const count = data.customers.length + moreCount;
    const atRisk = shownValue + (data.overflow?.monthlyValue ?? 0);
    const slipping = `${countOf(count, 'customer', 'customers', data.locale)} slipping`;
    return {
      headline: `Week ${weekOfRunKey(data.runKey)} · ${slipping} · ${money(atRisk)}/month at risk`,
      subline: '',
    };
  }
  const when = data.kind === 'list' ? 'Your list now' : `Week ${weekOfRunKey(data.runKey)}`;
  const total = data.counts.slipping + data.counts.not_back + data.counts.lapsed;
  const n = data.customers.length;
  const page =
    data.page && data.page.number > 1 ? `; page ${data.page.number} of ${data.page.pageCount}` : '';
  // Each kind keeps its share of the places, the slipping by chance of no order: the rest of the list
  // may hold more value at risk than a row shown, so the card says only which rows these are.
  const shown = n === 0 || page ? page : n < total ? `; the first ${n} shown` : '';
  const atRisk = data.customers.reduce((sum, c) => sum + (c.valueAtRisk ?? c.monthlyValue), 0);
  const horizon = data.customers.find((c) => c.noOrder)?.noOrder?.horizonDays;
  const subline =
    n === 0
      ? ''
      : `${money(atRisk)} at risk on this card${horizon ? ` (value × chance of no order in ${horizon} days)` : ''}`;
  return { headline: `${when} · ${countsText(data.counts, data.locale)}${shown}`, subline };
}

/**
 * The change with the rep it moved from (their Teams display name, a user's own text, else the feed's
 * owner) escaped for the card's markdown TextBlock; the CLI prints the same words unescaped.
 */
function markdownSafeChange(change: ListChange): ListChange {
  return change.kind === 'new' && change.from !== undefined
    ? { ...change, from: markdownSafe(change.from, MAX_NAME_CHARS) }
    : change;
}

/**
 * The line of a card made from a feed with no order since last week's card: the rows' chances rose
 * with the days alone (no row says "worse"), and the likeliest cause is an export that stopped.
 */
function feedUnchangedText(unchanged: NonNullable<WeeklyCardData['feedUnchanged']>, locale: string): string {
  return `No new orders in the feed since last week's card (${formatShortDate(unchanged.lastCardsOn, locale)}): its newest is from ${endOfSentence(formatShortDate(unchanged.newestOrder, locale))} The chances below rose with the days alone, so no row says "worse". Is the export still running?`;
}

/** Plain strings for the template: all formatting happens here, the template only places them. */
function viewModel(data: ParsedWeeklyCardData) {
  const money: Money = (amount) => formatMoney(amount, data.currency, data.locale);
  // A value won back is what the box held when the rep saved it: the row's figure as it came
  // (wonBackPrefill), or what they typed, shown to the cent when they typed cents.
  const exactMoney: Money = (amount) => formatExactMoney(amount, data.currency, data.locale);
  const reasonTitle = (value: string) => data.lossReasons.find((r) => r.value === value)?.title ?? value;
  const moreCount = data.overflow?.count ?? 0;
  const { headline, subline } = headlineOf(data, money);
  const nextPage = data.page && data.page.number < data.page.pageCount ? data.page.number + 1 : null;
  const back = data.backOnTrack ?? [];
  return {
    runKey: data.runKey,
    headline,
    subline,
    hasSubline: subline !== '',
    isEmpty: data.customers.length === 0,
    emptyText: nobodyListed(data.kind === 'list' ? 'right now' : 'this week'),
    hasMore: moreCount > 0,
    moreText: data.page
      ? `+${formatCount(moreCount, data.locale)} more on your list`
      : `+${formatCount(moreCount, data.locale)} more, type "list" to see them all`,
    hasNextPage: nextPage !== null && moreCount > 0,
    nextPage: nextPage ?? 0,
    // Cards saved before pages were cut by size say nothing of the next page: every page held as many rows.
    nextStart: data.page?.nextStart ?? (data.page?.number ?? 1) * data.customers.length,
    // The next page goes on after this page's last customer, wherever the list as of the tap has them.
    nextAfter: data.customers.at(-1)?.customerId ?? '',
    nextPageTitle: `Show the next ${formatCount(data.page?.nextCount ?? Math.min(moreCount, Math.max(1, data.customers.length)), data.locale)}`,
    hasFeedUnchanged: data.feedUnchanged !== undefined,
    feedUnchangedText: data.feedUnchanged ? feedUnchangedText(data.feedUnchanged, data.locale) : '',
    hasBackOnTrack: back.length > 0,
    backOnTrackText: `Back on track: ${back.map((b) => `${markdownSafe(b.name, MAX_NAME_CHARS)} ordered ${formatShortDate(b.orderedOn, data.locale)}`).join('; ')}`,
    noteMaxLength: data.noteMaxLength,
    lossReasons: data.lossReasons,
    rows: data.customers.map((c, index) => {
      const status = statusLine(c, data.locale);
      return {
        customerId: c.customerId,
        name: truncate(plainText(c.name), MAX_NAME_CHARS),
        // A markdown TextBlock (the link to the customer's page needs it): the feed's name is escaped.
        nameText: data.tabAppId
          ? `[${markdownSafe(c.name, MAX_NAME_CHARS)}](${customerPageLink(data.tabAppId, c.customerId)})`
          : markdownSafe(c.name, MAX_NAME_CHARS),
        valueText: valueText(c, money),
        bandText: status.text,
        bandColor: status.color,
        hasChange: Boolean(c.change),
        changeText: c.change ? changeText(markdownSafeChange(c.change), data.locale) : '',
        hasOutlook: Boolean(c.outlook),
        outlookText: truncate(c.outlook ?? '', MAX_REASON_CHARS),
        reasons: c.reasons.slice(0, MAX_REASONS_SHOWN).map((r) => ({ text: truncate(r, MAX_REASON_CHARS) })),
        playText: `Suggested: ${truncate(c.play, MAX_PLAY_CHARS)}`,
        flags: c.flags.map((f) => ({ text: truncate(f, MAX_REASON_CHARS) })),
        hasOutcome: Boolean(c.outcome),
        outcomeText: c.outcome
          ? outcomeText(c.outcome, exactMoney, reasonTitle, data.locale, c.undoLeftTo)
          : '',
        canUndo: Boolean(c.outcome) && !c.undoLeftTo,
        outcomeColor: c.outcome ? OUTCOME_COLOR[c.outcome.kind] : 'Default',
        undoShown: c.outcome ? outcomeKey(c.outcome) : '',
        ...wonBackBox(c.monthlyValue, { currency: data.currency, locale: data.locale }),
        valueLabel: wonBackLabel(c.valueKind, data.currency),
        // Unique per row: Teams merges inputs into the submit, and one card holds many rows.
        valueInputId: `value_${index}`,
        reasonInputId: `reason_${index}`,
        noteInputId: `note_${index}`,
      };
    }),
  };
}

// The template's row (the Container repeated over the rows) as a card of its own, to measure rows apart.
const rowJson = {
  type: 'AdaptiveCard',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the card template's binding, written as it is there
  body: weeklyTemplate.body.filter((item) => '$data' in item && item.$data === '${rows}'),
};
const rowTemplate = cardTemplate(rowJson);
// What a row takes from the card as a whole (the run key, the loss reasons): rows measure alike only
// within cards that agree on these.
const ROW_ROOT_FIELDS = [...new Set(JSON.stringify(rowJson).match(/\$root\.\w+/g))].map((f) => f.slice(6));
const rowMeasurers = new Map<string, (row: unknown) => number>();

/**
 * Each row's size on the card as Teams counts it (cardBytes of its Container, and the comma before
 * the next), for cutting a long list into pages that fit. The data is parsed and formatted once, and
 * the rows measured by shape (cards/rowBytes.ts): expanding the row for each of them took a second
 * for every 12,000 rows on a rep's list.
 */
export function weeklyRowBytes(data: WeeklyCardData): number[] {
  const view = viewModel(parseWeeklyCardData(data));
  const root = Object.fromEntries(
    ROW_ROOT_FIELDS.map((field) => [field, (view as Record<string, unknown>)[field]]),
  );
  const key = JSON.stringify(root);
  let measure = rowMeasurers.get(key);
  if (measure === undefined) {
    // A long-running bot sees a new run key every week: the old ones are dropped now and then.
    if (rowMeasurers.size >= 64) rowMeasurers.clear();
    measure = rowMeasurer((row) => {
      const card = rowTemplate.expand({ $root: { ...root, rows: [row] } }) as CardJson;
      const [container] = (card.body ?? []) as object[];
      return container ? cardBytes(container) + 2 : 0;
    });
    rowMeasurers.set(key, measure);
  }
  return view.rows.map(measure);
}

/** The weekly Adaptive Card (schema 1.5) for one rep, ready to send as an attachment's `content`. */
export function buildWeeklyCard(data: WeeklyCardData): CardJson {
  const parsed = parseWeeklyCardData(data);
  return template.expand({ $root: viewModel(parsed) }) as CardJson;
}
