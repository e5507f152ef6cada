import { type Book, dayOf, isoOfDay } from '../../rules';

/** Past this many days after the feed's last order, every customer looks lapsed: say so. */
export const STALE_AS_OF_DAYS = 60;

/**
 * What is off when the as-of day is before the feed's first order or long after its last (the feed
 * not kept up to date, or a date typed wrong); else null.
 */
export function asOfProblem(book: Book, asOf: string): string | null {
  if (book.orderDay.length === 0) return null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const day of book.orderDay) {
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const day = dayOf(asOf);
  if (day < first)
    return `--as-of ${asOf} is before the feed's first order (${isoOfDay(first)}): nobody has ordered yet, so nobody is listed.`;
  if (day - last > STALE_AS_OF_DAYS)
    return `--as-of ${asOf} is ${day - last} days after the feed's last order (${isoOfDay(last)}): every customer looks gone. Is the feed up to date?`;
  return null;
}
