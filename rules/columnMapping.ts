import { z } from 'zod';

/**
 * Renames the columns of a real export to the feed's own names: for each file, feed column ->
 * the export's header. Only the columns that differ need listing.
 * Example: `{ "orders": { "ordered_at": "InvoiceDate", "amount": "Total" } }`.
 */
const renames = (cols: readonly [string, ...string[]]) =>
  z.strictObject(Object.fromEntries(cols.map((c) => [c, z.string().min(1).optional()]))).partial();

export const CUSTOMER_COLUMNS = ['customer_id', 'name', 'owner', 'monthly_value'] as const;
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
export const TICKET_COLUMNS = ['ticket_id', 'customer_id', 'opened_at', 'sentiment', 'status'] as const;

export const columnMappingSchema = z
  .strictObject({
    customers: renames(CUSTOMER_COLUMNS),
    orders: renames([...ORDER_COLUMNS, ...ORDER_OPTIONAL_COLUMNS]),
    tickets: renames(TICKET_COLUMNS),
  })
  .partial();

export type ColumnMapping = z.infer<typeof columnMappingSchema>;
