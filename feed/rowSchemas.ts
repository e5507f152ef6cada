import { z } from 'zod';
import {
  isRejected,
  parseAmount,
  parseCustomerId,
  parseIsoDay,
  parseOwner,
  parseSentiment,
  parseTicketOpen,
  type Rejected,
} from './fieldParsers';

/**
 * zod schemas for one row of each feed file, taking the row's trimmed text fields by feed column
 * name. Each issue's message reads well after the column name (`ordered_at: not a date:
 * "31/12/2025"`) and carries its kind in `params.kind` for the report's counts.
 */
const MAX_QUOTED = 60;

/** A value as it appears in a reason: JSON-quoted, cut short when long. */
export function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 3)}...` : text);
}

function reject(ctx: z.RefinementCtx, kind: string, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, params: { kind } });
  return z.NEVER;
}

/** A required field: empty is "missing", else `parse` decides. */
function required<T>(parse: (text: string) => T | Rejected) {
  return z.string().transform((text, ctx): T => {
    if (text === '') return reject(ctx, 'missing', 'missing');
    const value = parse(text);
    return isRejected(value) ? reject(ctx, value.problem, `${value.problem}: ${quote(text)}`) : value;
  });
}

/** An optional field: empty (or a column the file lacks) is null. */
function optional<T>(parse: (text: string) => T | Rejected) {
  return z.string().transform((text, ctx): T | null => {
    if (text === '') return null;
    const value = parse(text);
    return isRejected(value) ? reject(ctx, value.problem, `${value.problem}: ${quote(text)}`) : value;
  });
}

const text = (t: string) => t;

export const customerRowSchema = z.object({
  customer_id: required(parseCustomerId),
  name: required(text),
  owner: required(parseOwner),
  monthly_value: optional(parseAmount),
});

export const orderRowSchema = z.object({
  order_id: required(text),
  customer_id: required(parseCustomerId),
  ordered_at: required(parseIsoDay),
  /** 0 is kept (a free replacement or sample is still an order); negative amounts are bad rows. */
  amount: required(parseAmount),
});

export const ticketRowSchema = z.object({
  ticket_id: required(text),
  customer_id: required(parseCustomerId),
  opened_at: required(parseIsoDay),
  sentiment: required(parseSentiment),
  status: required(parseTicketOpen),
});

export type CustomerRow = z.output<typeof customerRowSchema>;
export type OrderRow = z.output<typeof orderRowSchema>;
export type TicketRow = z.output<typeof ticketRowSchema>;

export type RowCheck<T> = { ok: true; row: T } | { ok: false; kind: string; reason: string };

/** Validates one row: the parsed row, or the kind and reason of the problem (all issues, joined). */
export function checkRow<T>(
  schema: z.ZodType<T, Record<string, string>>,
  fields: Record<string, string>,
): RowCheck<T> {
  const result = schema.safeParse(fields);
  if (result.success) return { ok: true, row: result.data };
  const issues = result.error.issues;
  const describe = (issue: z.core.$ZodIssue) => `${issue.path.join('.')}: ${issue.message}`;
  const first = issues[0];
  const kind = first.code === 'custom' && first.params?.kind ? String(first.params.kind) : first.code;
  return { ok: false, kind: `${first.path.join('.')}: ${kind}`, reason: issues.map(describe).join('; ') };
}
