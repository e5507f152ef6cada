import {
  type CardSubmit,
  cardSubmitSchema,
  readCardSubmit,
  type SubmittedInputs,
} from '../../cards/cardSubmit';

/** Longest customer id accepted from a card (the audit trail keeps ids up to 400 characters). */
export const MAX_CUSTOMER_ID = 400;

/** A card tap, validated, with the row's inputs picked out. */
export interface ParsedSubmit {
  submit: CardSubmit;
  inputs: SubmittedInputs;
}

/**
 * Validates an Action.Submit value with the card's own schema (unknown keys dropped; `__proto__`
 * and inherited keys never read as inputs). Null when it is not a weekly-card submit.
 */
export function parseSubmit(value: unknown): ParsedSubmit | null {
  const checked = cardSubmitSchema.safeParse(value);
  if (!checked.success) return null;
  if (checked.data.customerId.length > MAX_CUSTOMER_ID || checked.data.runKey.length > 100) return null;
  return readCardSubmit(value);
}
