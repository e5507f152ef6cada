import { type Book, isoOfDay } from '../rules/book';

/**
 * What the feed says about one customer, so a user can check the import against their own system:
 * orders (line items merged into one order) on or before the as-of day, the first and last order
 * dates, and the spend (sum of those orders' amounts).
 */
export interface CustomerFacts {
  orders: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  spend: number;
}

/** The facts of customer `index` as of `asOfDay` (orders after it are not counted). */
export function customerFacts(book: Book, index: number, asOfDay: number): CustomerFacts {
  let orders = 0;
  let spend = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (let k = book.orderStart[index]; k < book.orderStart[index + 1]; k++) {
    const day = book.orderDay[k];
    if (day > asOfDay) continue;
    orders++;
    spend += book.orderAmount[k];
    first = first === null ? day : Math.min(first, day);
    last = last === null ? day : Math.max(last, day);
  }
  return {
    orders,
    firstOrderAt: first === null ? null : isoOfDay(first),
    lastOrderAt: last === null ? null : isoOfDay(last),
    spend: Math.round(spend * 100) / 100,
  };
}
