import { z } from 'zod';

/**
 * Renames the columns of a real export to the feed's own names: for each file, feed column ->
 * the export's header. Only the columns that differ need listing.
 * Example: `{ "orders": { "ordered_at": "InvoiceDate", "amount": "Total" } }`.
 *
 * A column may also name a list of headers, of which each row's first filled one is read: Etsy
 * writes `Adjusted Order Total` only on an order refunded in part, and `Order Total` on every
 * order, so `"amount": ["Adjusted Order Total", "Order Total"]` reads what each order came to.
 */
const header = z.string().min(1, 'must not be empty: a header of your file');
const mappedHeaders = z
  .union(
    [header, z.array(header).min(1, 'an empty list: name the headers to read, the first filled first')],
    {
      error:
        'must be a header of your file ("Order Total"), or a list of headers of which the first filled on each row is read (["Adjusted Order Total", "Order Total"])',
    },
  )
  .superRefine((mapped, ctx) => {
    if (typeof mapped === 'string') return;
    const seen = new Set<string>();
    for (const name of mapped) {
      const key = name.trim().toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `lists the header "${name}" twice` });
      seen.add(key);
    }
  });

/** What a column is mapped to: a header, or headers of which the first filled is read. */
export type MappedHeaders = z.infer<typeof mappedHeaders>;

/** The headers a mapping names, in the order they are tried. */
export const headersOf = (mapped: string | readonly string[]): readonly string[] =>
  typeof mapped === 'string' ? [mapped] : mapped;

const renames = (cols: readonly [string, ...string[]]) =>
  z.strictObject(Object.fromEntries(cols.map((c) => [c, mappedHeaders.optional()]))).partial();

/**
 * `email` (optional): the customer's email addresses, one or several separated by `,` or `;`,
 * where the customers are keyed otherwise (account numbers) and a help desk keys its tickets by
 * the requester's address: a ticket whose customer_id is no customer's id finds its customer by them.
 */
export const CUSTOMER_COLUMNS = ['customer_id', 'name', 'owner', 'monthly_value', 'email'] as const;
export type CustomerColumn = (typeof CUSTOMER_COLUMNS)[number];
export const ORDER_COLUMNS = ['order_id', 'customer_id', 'ordered_at', 'amount'] as const;
/**
 * Optional: an order's status, where the export lists voided, cancelled or draft orders too; a
 * line's quantity and unit price, where a line-item export has no amount (the amount is their product);
 * the amount refunded off an order that keeps its total (a partial refund) and the date it was
 * refunded, and whether a payment was captured (a card payment authorised and never taken), where
 * a shop or payments export has them; the currency of a line's amount, where an export mixes them;
 * the document's type, where an export writes a credit note's amounts positive.
 */
export const ORDER_OPTIONAL_COLUMNS = [
  'status',
  'quantity',
  'unit_price',
  'refunded',
  'refunded_at',
  'captured',
  'currency',
  'type',
] as const;
/**
 * Read only from an orders file with no customers file beside it, whose customers are the orders'
 * own: each customer's name (Shopify's `Billing Name`); unmapped and absent, they are named by their id.
 */
export const ORDER_CUSTOMER_COLUMNS = ['customer_name'] as const;
/** The columns an orders mapping may rename. */
export const ORDER_MAPPED_COLUMNS = [
  ...ORDER_COLUMNS,
  ...ORDER_OPTIONAL_COLUMNS,
  ...ORDER_CUSTOMER_COLUMNS,
] as const;
export const TICKET_COLUMNS = ['ticket_id', 'customer_id', 'opened_at', 'status'] as const;
/**
 * Optional: a ticket's sentiment, where the help desk has one (a satisfaction score); most exports
 * have none, and a ticket without one is neither sour nor pleasant.
 */
export const TICKET_OPTIONAL_COLUMNS = ['sentiment'] as const;
/** The columns a tickets mapping may rename, in the order of the feed's own header. */
export const TICKET_MAPPED_COLUMNS = [
  'ticket_id',
  'customer_id',
  'opened_at',
  'sentiment',
  'status',
] as const;
/**
 * Where a help desk names the customer's company rather than keying the ticket by the customer's
 * id or address (Zendesk's `Organization`, Freshdesk's `Company Name`, HubSpot's `Associated
 * Company`): the name, matched to the customers' names (feed/companyNames.ts). Read in place of
 * `customer_id`, which the file then need not have.
 */
export const TICKET_CUSTOMER_COLUMNS = ['customer_name'] as const;

export const columnMappingSchema = z
  .strictObject({
    customers: renames(CUSTOMER_COLUMNS),
    orders: renames(ORDER_MAPPED_COLUMNS),
    tickets: renames([...TICKET_MAPPED_COLUMNS, ...TICKET_CUSTOMER_COLUMNS]),
  })
  .partial();

export type ColumnMapping = z.infer<typeof columnMappingSchema>;
