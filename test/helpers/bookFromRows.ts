import { type Book, type Customer, dayOf, SENTIMENT } from '../../rules/book';

/** A customer as a test writes it; name and owner default from the id. */
export interface CustomerRow {
  id: string;
  name?: string;
  owner?: string;
  monthlyValue?: number | null;
}

/** An order as a test writes it: the date is `YYYY-MM-DD`. */
export interface OrderRow {
  customerId: string;
  date: string;
  amount: number;
}

/** A ticket as a test writes it: the date is `YYYY-MM-DD`. */
export interface TicketRow {
  customerId: string;
  date: string;
  sentiment?: keyof typeof SENTIMENT;
  open?: boolean;
}

export interface BookRows {
  customers: CustomerRow[];
  orders?: OrderRow[];
  tickets?: TicketRow[];
}

/** Builds a Book from plain rows (tests and throwaway scripts); throws on an unknown customer id. */
export function bookFromRows(rows: BookRows): Book {
  const customers: Customer[] = rows.customers.map((c) => ({
    id: c.id,
    name: c.name ?? `Customer ${c.id}`,
    owner: (c.owner ?? 'rep@example.com').toLowerCase(),
    monthlyValue: c.monthlyValue ?? null,
  }));
  const index = new Map(customers.map((c, i) => [c.id, i]));
  const indexOf = (id: string): number => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`Unknown customer "${id}"`);
    return i;
  };

  const orders = (rows.orders ?? [])
    .map((o) => ({ i: indexOf(o.customerId), day: dayOf(o.date), amount: o.amount }))
    .sort((a, b) => a.i - b.i || a.day - b.day);
  const tickets = (rows.tickets ?? [])
    .map((t) => ({
      i: indexOf(t.customerId),
      day: dayOf(t.date),
      sentiment: SENTIMENT[t.sentiment ?? 'neutral'],
      open: t.open ? 1 : 0,
    }))
    .sort((a, b) => a.i - b.i || a.day - b.day);

  return {
    customers,
    orderStart: startsOf(
      orders.map((o) => o.i),
      customers.length,
    ),
    orderDay: Int32Array.from(orders, (o) => o.day),
    orderAmount: Float64Array.from(orders, (o) => o.amount),
    ticketStart: startsOf(
      tickets.map((t) => t.i),
      customers.length,
    ),
    ticketDay: Int32Array.from(tickets, (t) => t.day),
    ticketSentiment: Int8Array.from(tickets, (t) => t.sentiment),
    ticketOpen: Uint8Array.from(tickets, (t) => t.open),
  };
}

/** Start offsets (length n + 1) of each customer's run in an array sorted by customer index. */
function startsOf(owners: number[], n: number): Int32Array {
  const start = new Int32Array(n + 1);
  for (const i of owners) start[i + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  return start;
}

/** The book as the feed exported it on `day`: every customer, the orders placed on or before it. */
export function bookExportedOn(rows: { customers: CustomerRow[]; orders: OrderRow[] }, day: string): Book {
  return bookFromRows({ customers: rows.customers, orders: rows.orders.filter((o) => o.date <= day) });
}
