/**
 * The book: every customer with their orders and tickets, held column-wise in typed arrays so a
 * million customers and twenty million orders fit a 2 GB Functions instance. The feed loader
 * (`feed/`) builds it; the rules only read it.
 *
 * Days are whole days since 1970-01-01 (UTC calendar date of the timestamp).
 */
/**
 * Longest customer id the product takes: ids go into table keys (1 KiB, escaped) and audit rows,
 * so the feed reports a longer one as a bad row instead of a week's run failing on it later.
 */
export const MAX_CUSTOMER_ID_CHARS = 400;

export interface Customer {
  /** At most MAX_CUSTOMER_ID_CHARS characters. */
  id: string;
  name: string;
  /** The rep's email/UPN, lower-cased. */
  owner: string;
  /** Monthly value from the feed; null when the feed leaves it empty (then derived from orders). */
  monthlyValue: number | null;
}

/**
 * Hands back one copy of each text however many rows carry it (a rep's address, a reason): the
 * weekly run holds every customer, and every stored state, while it plans, and at a million
 * customers a copy per row of each rep's address costs about 40 MB of a 2 GB instance. A text built
 * of pieces (a template literal, which V8 keeps as a tree of them) is kept as one flat copy.
 */
export function sharedStrings(): (text: string) => string {
  const seen = new Map<string, string>();
  return (text) => {
    const shared = seen.get(text);
    if (shared !== undefined) return shared;
    const flat = JSON.parse(JSON.stringify(text)) as string;
    seen.set(flat, flat);
    return flat;
  };
}

/**
 * Ticket sentiment codes stored in `ticketSentiment`: sour is below 0. `none` is a ticket the
 * customer did not rate (most of a help desk's), neither sour nor pleasant, told apart from a
 * neutral rating where a ticket is shown.
 */
export const SENTIMENT = { negative: -1, neutral: 0, positive: 1, none: 2 } as const;

export interface Book {
  customers: Customer[];
  /** Orders of customer i are at indices [orderStart[i], orderStart[i + 1]), sorted by day. Length customers + 1. */
  orderStart: Int32Array;
  orderDay: Int32Array;
  orderAmount: Float64Array;
  /** Tickets of customer i are at [ticketStart[i], ticketStart[i + 1]), sorted by day. Length customers + 1. */
  ticketStart: Int32Array;
  ticketDay: Int32Array;
  /** -1 negative, 0 neutral, 1 positive, 2 no rating (see SENTIMENT). */
  ticketSentiment: Int8Array;
  /** 1 open, 0 closed. */
  ticketOpen: Uint8Array;
  /**
   * Customers (by index) none of whose order lines in the feed was read: how many lines of theirs
   * were skipped or left out by their status, and the commonest reason (`currency: not GBP, ...`);
   * where some were bad rows, those alone, the ones to fix. A rep reads why, where "No orders yet"
   * would say they never ordered.
   */
  unreadOrders?: ReadonlyMap<number, UnreadOrders>;
  /**
   * Customers (by index) with no order left because every order of theirs was refunded in full
   * (an order so refunded is no longer one): the orders' days and the days of their refunds. A rep
   * reads that they ordered and got their money back, where "No orders yet" would say they never
   * ordered.
   */
  refundedOrders?: ReadonlyMap<number, RefundedOrders>;
}

/** A customer's orders refunded in full (Book.refundedOrders), oldest first. */
export interface RefundedOrders {
  orderDays: readonly number[];
  /** The day of each order's (last) refund: its own day where the export dates no refund (a refunded column). */
  refundDays: readonly number[];
}

/** A customer's order lines the feed holds and did not read (Book.unreadOrders). */
export interface UnreadOrders {
  lines: number;
  why: string;
  /**
   * Every line was left out by its order's status (cancelled, voided, refunded, never placed): an
   * export right as it stands, where a bad row is one to fix.
   */
  undone: boolean;
  /** The orders those left-out lines are of (a Shopify order writes a line per item): what a rep counts. */
  leftOutOrders: number;
}

// Day numbers are the calendar module's; the book and its readers use them everywhere.
export { dayOf, isoOfDay } from './calendar';
