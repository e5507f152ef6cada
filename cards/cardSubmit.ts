import { z } from 'zod';
import { MAX_CUSTOMER_ID_CHARS } from '../rules/book';
import { MAX_SHOWN_CHARS } from './cardModels';

/** Input ids on one card are unique per row (`value_3`); `fields` tells the bot which input ids carry this row's values. */
const inputIdSchema = z.string().regex(/^(value|reason|note)_\d{1,3}$/);

// The audit trail keeps customer ids up to this length; a run key is `weekly-2026-W48` or alike.
const customerId = z.string().min(1).max(MAX_CUSTOMER_ID_CHARS);
const runKey = z.string().min(1).max(100);

/**
 * The `data` of every weekly-card button as the bot receives it in `activity.value` (Teams merges the
 * card's inputs into the same object, hence the indirection through `fields`). Unknown keys are dropped.
 */
export const cardSubmitSchema = z.union([
  z.object({
    action: z.literal('reached_out'),
    customerId,
    runKey,
    v: z.literal(1),
  }),
  z.object({
    action: z.literal('snoozed'),
    customerId,
    runKey,
    v: z.literal(1),
  }),
  z.object({
    action: z.literal('undo'),
    customerId,
    runKey,
    v: z.literal(1),
    // What the row showed (outcomeKey); missing on cards sent before it was carried. One that cannot
    // be what a card showed is dropped: the Undo is then decided on the card's stored data, as before.
    shown: z.string().max(MAX_SHOWN_CHARS).optional().catch(undefined),
  }),
  z.object({
    action: z.literal('won_back'),
    customerId,
    runKey,
    v: z.literal(1),
    fields: z.object({ value: inputIdSchema }),
  }),
  z.object({
    action: z.literal('lost'),
    customerId,
    runKey,
    v: z.literal(1),
    fields: z.object({ reason: inputIdSchema, note: inputIdSchema }),
  }),
  // One tap with the reason on the button ("Lost: went quiet" on the digest); the bot checks it
  // against the rules file's reasons like any other.
  z.object({
    action: z.literal('lost'),
    customerId,
    runKey,
    v: z.literal(1),
    preset: z.object({ reason: z.string().min(1).max(100) }),
  }),
]);
export type CardSubmit = z.infer<typeof cardSubmitSchema>;

/**
 * The row inputs a submit carried, read by the ids its `fields` names: missing inputs are `undefined`;
 * a value that is neither text nor a finite number (a list, an object, true, null) is `null`, so it
 * is refused rather than read as "no value typed".
 */
export interface SubmittedInputs {
  value?: string | null;
  reason?: string;
  note?: string | null;
}

/** A card tap, validated, with the row's inputs picked out. */
export interface ParsedSubmit {
  submit: CardSubmit;
  inputs: SubmittedInputs;
}

/** Parses `activity.value` of a card submit and picks this row's inputs out of the merged object. Throws a ZodError when malformed. */
export function readCardSubmit(value: unknown): ParsedSubmit {
  return withInputs(cardSubmitSchema.parse(value), value as Record<string, unknown>);
}

/** As readCardSubmit, but null when the value is not a card submit (what a forged or stale tap gets). */
export function parseCardSubmit(value: unknown): ParsedSubmit | null {
  const checked = cardSubmitSchema.safeParse(value);
  return checked.success ? withInputs(checked.data, value as Record<string, unknown>) : null;
}

function withInputs(submit: CardSubmit, raw: Record<string, unknown>): ParsedSubmit {
  const pick = (id: string): string | null | undefined => {
    // Own properties only: a forged `__proto__` or inherited key must not be read as an input.
    if (!Object.hasOwn(raw, id)) return undefined;
    const v = raw[id];
    if (typeof v === 'string') return v;
    return typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
  };
  const text = (id: string): string | undefined => pick(id) ?? undefined;
  const inputs: SubmittedInputs = {};
  if (submit.action === 'won_back') inputs.value = pick(submit.fields.value);
  if (submit.action === 'lost') {
    if ('preset' in submit) inputs.reason = submit.preset.reason;
    else {
      inputs.reason = text(submit.fields.reason);
      // A note that is not text is refused, not dropped: the loss would be recorded without it.
      inputs.note = pick(submit.fields.note);
    }
  }
  return { submit, inputs };
}
