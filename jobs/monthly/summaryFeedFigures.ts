import type { Log } from '../../bot/ports';
import { logFeedReport } from '../../feed/feedReportLog';
import type { FeedResult } from '../../feed/readFeed';
import { type Book, dayOf, isoOfDay } from '../../rules/book';
import { localDate, shiftMonth } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import { orderLookup, savesHolding } from '../../rules/followUps';
import type { Rules } from '../../rules/rulesSchema';
import type { SummaryInput } from './computeMonthlySummary';
import { type ComebackOutcomes, outcomesFromBook } from './holdoutComparison';

/**
 * What a month's summary reads from the order feed, beside the audit trail: the saves that hold
 * (won-back customers still ordering, as of the month's last day or today when that is earlier) and
 * the comeback outcomes the holdout comparison measures both arms by (orders up to today). Every
 * place that shows a month's summary (the channel card, the `summary` command, the team tab, the
 * CLI) takes them from here, so they show the same figures.
 */
export interface SummaryFeedFigures {
  saves: NonNullable<SummaryInput['saves']>;
  outcomes: ComebackOutcomes;
}

/** The month's feed figures from a book read as of `today` (later orders are not counted) and the stored states. */
export function summaryFeedFigures(
  book: Book,
  states: Iterable<CustomerState>,
  rules: Rules,
  month: string,
  today: string,
): SummaryFeedFigures {
  const monthEnd = dayOf(`${shiftMonth(month, 1)}-01`) - 1;
  const asOf = isoOfDay(Math.min(dayOf(today), monthEnd));
  const lookup = orderLookup(book, rules, dayOf(asOf));
  // Lost customers too: a save whose customer stopped ordering and was marked lost is a save that
  // did not hold, and leaving it out made the saves that held look better than they were.
  const wonBack = [...states].filter((s) => s.wonBackAt !== null && s.wonBackAt <= asOf);
  return {
    saves: { asOf, saves: savesHolding(wonBack, lookup, rules) },
    outcomes: outcomesFromBook(book, today),
  };
}

/** A month's feed figures read at `now`: empty when the feed could not be read. */
export type SummaryFeedLoader = (month: string, now: Date) => Promise<Partial<SummaryFeedFigures>>;

/**
 * Reads the feed once, as of the team's today, for a month's summary, and logs its report as the
 * weekly and daily runs do (feed/feedReportLog.ts). A feed that cannot be read gives no figures
 * (`log` warns why): the audit trail is the summary, and the card says what it was not given,
 * rather than the month's card waiting on the feed.
 */
export function summaryFeedLoader(
  readBook: (asOf: string) => Promise<FeedResult>,
  /** The stored states: the table, or the bot's kept reader of it (storage/keptStates.ts). */
  state: { getAll(): Promise<ReadonlyMap<string, CustomerState>> },
  rules: Rules,
  timeZone: string,
  log: Pick<Log, 'info' | 'warn'> = { info: () => {}, warn: () => {} },
): SummaryFeedLoader {
  return async (month, now) => {
    const today = localDate(now, timeZone);
    try {
      const [{ book, report }, states] = await Promise.all([readBook(today), state.getAll()]);
      logFeedReport(report, log, { month });
      return summaryFeedFigures(book, states.values(), rules, month, today);
    } catch (error) {
      log.warn(
        `the ${month} summary goes without the saves that hold and the holdout comparison: ${(error as Error).message}`,
      );
      return {};
    }
  };
}
