import { z } from 'zod';

/** Input ids on one card are unique per row (`value_3`); `fields` tells the bot which input ids carry this row's values. */
const inputIdSchema = z.string().regex(/^(value|reason|note)_\d{1,3}$/);

/**
 * The `data` of every weekly-card button as the bot receives it in `activity.value` (Teams merges the
 * card's inputs into the same object, hence the indirection through `fields`). Unknown keys are dropped.
 */
export const cardSubmitSchema = z.union([
  z.object({
    action: z.literal('reached_out'),
    customerId: z.string().min(1),
    runKey: z.string().min(1),
    v: z.literal(1),
  }),
  z.object({
    action: z.literal('snoozed'),
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
  // One tap with the reason on the button ("Lost: went quiet" on the digest); the bot checks it
  // against the rules file's reasons like any other.
  z.object({
    action: z.literal('lost'),
    customerId: z.string().min(1),
    runKey: z.string().min(1),
    v: z.literal(1),
    preset: z.object({ reason: z.string().min(1).max(100) }),
  }),
]);
export type CardSubmit = z.infer<typeof cardSubmitSchema>;

/** The row inputs a submit carried, read by the ids its `fields` names; missing or non-string inputs are `undefined`. */
export interface SubmittedInputs {
  value?: string;
  reason?: string;
  note?: string;
}

/** Parses `activity.value` of a weekly-card submit and picks this row's inputs out of the merged object. Throws a ZodError when malformed. */
export function readCardSubmit(value: unknown): { submit: CardSubmit; inputs: SubmittedInputs } {
  const submit = cardSubmitSchema.parse(value);
  const raw = value as Record<string, unknown>;
  const pick = (id: string): string | undefined => {
    // Own properties only: a forged `__proto__` or inherited key must not be read as an input.
    if (!Object.hasOwn(raw, id)) return undefined;
    const v = raw[id];
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  };
  const inputs: SubmittedInputs = {};
  if (submit.action === 'won_back') inputs.value = pick(submit.fields.value);
  if (submit.action === 'lost') {
    if ('preset' in submit) inputs.reason = submit.preset.reason;
    else {
      inputs.reason = pick(submit.fields.reason);
      inputs.note = pick(submit.fields.note);
    }
  }
  return { submit, inputs };
}
