import { z } from 'zod';

/** Input ids on one card are unique per row (`value_3`); `fields` tells the bot which input ids carry this row's values. */
const inputIdSchema = z.string().regex(/^(value|reason|note)_\d{1,3}$/);

/**
 * The `data` of every weekly-card button as the bot receives it in `activity.value` (Teams merges the
 * card's inputs into the same object, hence the indirection through `fields`). Unknown keys are dropped.
 */
export const cardSubmitSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('reached_out'),
    customerId: z.string().min(1),
    runKey: z.string().min(1),
    v: z.literal(1),
  }),
  z.object({
    action: z.literal('undo'),
    customerId: z.string().min(1),
    runKey: z.string().min(1),
    v: z.literal(1),
  }),
  z.object({
    action: z.literal('won_back'),
    customerId: z.string().min(1),
    runKey: z.string().min(1),
    v: z.literal(1),
    fields: z.object({ value: inputIdSchema }),
  }),
  z.object({
    action: z.literal('lost'),
    customerId: z.string().min(1),
    runKey: z.string().min(1),
    v: z.literal(1),
    fields: z.object({ reason: inputIdSchema, note: inputIdSchema }),
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
  note?: string;
}

/** Parses `activity.value` of a weekly-card submit and picks this row's inputs out of the merged object. Throws a ZodError when malformed. */
export function readCardSubmit(value: unknown): { submit: CardSubmit; inputs: SubmittedInputs } {
  const submit = cardSubmitSchema.parse(value);
  const raw = value as Record<string, unknown>;
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
    inputs.reason = text(submit.fields.reason);
    inputs.note = text(submit.fields.note);
  }
  return { submit, inputs };
}
