import { type Book, dayOf, isoOfDay } from '../../rules';
import { feedSilence, firstOrderDayOf, isStale, staleFeedText } from '../../rules/feedFreshness';

/**
 * What is off when the as-of day is before the feed's first order, or after its last by longer
 * than the book has ever gone without an order (the feed not kept up to date, or a date typed
 * wrong: the weekly run stops there, see rules/feedFreshness.ts); else null.
 */
export function asOfProblem(book: Book, asOf: string, feedStaleDays?: number): string | null {
  const early = beforeFirstOrder(book, asOf);
  if (early) return `${early}: nobody has ordered yet, so nobody is listed.`;
  if (book.orderDay.length === 0) return null;
  const day = dayOf(asOf);
  const silence = feedSilence(book, day, feedStaleDays);
  // A book too small to be judged stale still gets a word when the date is months past it (a typo?).
  const farPast = silence !== null && silence.silentDays > FAR_PAST_DAYS;
  return silence && (isStale(silence) || farPast) ? `--as-of ${asOf}: ${staleFeedText(silence, asOf)}` : null;
}

/** "--as-of D is before the feed's first order (F)" when it is; else null (also for a feed with no order). */
export function beforeFirstOrder(book: Book, asOf: string): string | null {
  const first = firstOrderDayOf(book);
  return first !== null && dayOf(asOf) < first
    ? `--as-of ${asOf} is before the feed's first order (${isoOfDay(first)})`
    : null;
}

/** Days after the feed's newest order past which any --as-of is questioned. */
export const FAR_PAST_DAYS = 60;
