import { z } from 'zod';
import { MAX_CUSTOMER_ID_CHARS } from '../rules/book';
import { type CustomerState, customerStateSchema, valueKindSchema } from '../rules/customerState';

/** What can happen to a customer; every one is a counted, attributable row. */
export const AUDIT_ACTIONS = [
  'surfaced',
  'held_out',
  'reached_out',
  'won_back',
  'lost',
  'snoozed',
  'follow_up',
  'undo',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Where a rep's action was taken: the weekly card, a `list` (or next-page) card, the daily digest, the tab. */
export const ACTION_SOURCES = ['weekly', 'list', 'digest', 'tab'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

// Table Storage strings hold up to 64 KiB (32K UTF-16 units); these caps keep a row far below that.
const text = (max: number) => z.string().max(max);
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => v ?? null);

const snapshotSchema = customerStateSchema;

/** Longest audit row id (an action's idempotency key); a longer key is hashed or cut by whoever builds it. */
export const MAX_AUDIT_ID_CHARS = 400;

/** An audit row as callers give it: optional fields may be left out. */
export const newAuditRowSchema = z.object({
  /** The action's idempotency key (e.g. card message + customer + action): the same key is one row. */
  id: z.string().min(1).max(MAX_AUDIT_ID_CHARS),
  action: z.enum(AUDIT_ACTIONS),
  customerId: z.string().min(1).max(MAX_CUSTOMER_ID_CHARS),
  customerName: text(1000),
  owner: text(1000),
  actorId: text(400),
  actorName: text(1000),
  /** When it happened, ISO 8601 with a zone; stored normalised to UTC `toISOString()`. */
  at: z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString()),
  value: z
    .number()
    .refine(Number.isFinite, 'must be finite')
    .nullish()
    .transform((v) => v ?? null),
  reason: optionalText(200),
  note: optionalText(4000),
  /** The customer's state before the action (what undo restores). */
  snapshot: snapshotSchema.nullish().transform((v) => v ?? null),
  /** For `undo`: the id of the row it undoes. */
  undoes: optionalText(MAX_AUDIT_ID_CHARS),
  cardMessageId: optionalText(400),
  /**
   * The Teams activity the tap came in (conversation and activity id, see bot/taps/auditHistory.ts
   * deliveryKey): the same tap delivered again finds its row. Null for rows not from a Teams tap
   * and rows stored before it was kept.
   */
  deliveryId: optionalText(MAX_AUDIT_ID_CHARS),
  /**
   * Won back: what the value is, as the row the rep tapped showed it (today's scoring on a `list` card
   * or the tab can differ from the state the last run stored). Null: the snapshot's kind.
   */
  valueKind: valueKindSchema.nullish().transform((v) => v ?? null),
  /** Where the rep took the action; null for the runs' own rows and rows stored before it was kept. */
  source: z
    .enum(ACTION_SOURCES)
    .nullish()
    .transform((v) => v ?? null),
});

export type NewAuditRow = z.input<typeof newAuditRowSchema>;
export type AuditRow = z.output<typeof newAuditRowSchema>;

/**
 * What a row's value is: monthly, or (a save of a one-visit customer) one order's worth: as the row
 * the rep tapped showed it, else the customer's kind in the snapshot; rows from before the kinds were monthly.
 */
export function valueKindOf(
  row: Pick<AuditRow, 'snapshot'> & { valueKind?: AuditRow['valueKind'] },
): CustomerState['valueKind'] {
  return row.valueKind ?? row.snapshot?.valueKind ?? 'monthly';
}

/** Validates and normalises an audit row before it is stored. */
export function parseAuditRow(input: NewAuditRow): AuditRow {
  const parsed = newAuditRowSchema.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid audit row: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

type Double = { type: 'Double'; value: number };

/** The stored columns of an audit row (keys added by the store); nulls are left out. */
export function auditColumns(row: AuditRow): Record<string, string | Double> {
  const columns: Record<string, string | Double> = {
    id: row.id,
    action: row.action,
    customerId: row.customerId,
    customerName: row.customerName,
    owner: row.owner,
    actorId: row.actorId,
    actorName: row.actorName,
    at: row.at,
  };
  if (row.value !== null) columns.value = { type: 'Double', value: row.value };
  if (row.reason !== null) columns.reason = row.reason;
  if (row.note !== null) columns.note = row.note;
  if (row.snapshot !== null) columns.snapshot = JSON.stringify(row.snapshot);
  if (row.undoes !== null) columns.undoes = row.undoes;
  if (row.cardMessageId !== null) columns.cardMessageId = row.cardMessageId;
  if (row.deliveryId !== null) columns.deliveryId = row.deliveryId;
  if (row.source !== null) columns.source = row.source;
  if (row.valueKind !== null) columns.valueKind = row.valueKind;
  return columns;
}

const storedRow = z.object({
  id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  customerId: z.string(),
  customerName: z.string(),
  owner: z.string(),
  actorId: z.string(),
  actorName: z.string(),
  at: z.string(),
  value: z.number().nullish(),
  reason: z.string().nullish(),
  note: z.string().nullish(),
  snapshot: z.string().nullish(),
  undoes: z.string().nullish(),
  cardMessageId: z.string().nullish(),
  deliveryId: z.string().nullish(),
  source: z.enum(ACTION_SOURCES).nullish(),
  valueKind: valueKindSchema.nullish(),
});

/** Parses a stored audit entity back into an AuditRow; throws naming the row when malformed. */
export function fromAuditEntity(entity: Record<string, unknown>): AuditRow {
  const parsed = storedRow.safeParse(entity);
  if (!parsed.success)
    throw new Error(`Audit row ${String(entity.rowKey)} is malformed: ${z.prettifyError(parsed.error)}`);
  const r = parsed.data;
  let snapshot: CustomerState | null = null;
  if (r.snapshot) {
    const s = snapshotSchema.safeParse(JSON.parse(r.snapshot));
    if (!s.success)
      throw new Error(`Audit row ${r.id} has a malformed snapshot: ${z.prettifyError(s.error)}`);
    snapshot = s.data;
  }
  return {
    ...r,
    value: r.value ?? null,
    reason: r.reason ?? null,
    note: r.note ?? null,
    snapshot,
    undoes: r.undoes ?? null,
    cardMessageId: r.cardMessageId ?? null,
    deliveryId: r.deliveryId ?? null,
    source: r.source ?? null,
    valueKind: r.valueKind ?? null,
  };
}
