import { z } from 'zod';

// A rep's Teams sign-in: an email or a UPN (as the feed's owner column holds it).
const SIGN_IN = /^[^\s@]+@[^\s@]+$/;
/** Longest owner, as the feed checks it: a Table Storage key holds it, and an email is at most 254. */
export const MAX_OWNER_CHARS = 256;

/** A rep's Teams sign-in as the rules file gives it (an owner name's rep, the default rep). */
export const signInSchema = z
  .string()
  .trim()
  .max(MAX_OWNER_CHARS, `at most ${MAX_OWNER_CHARS} characters`)
  .regex(SIGN_IN, 'must be the rep\'s Teams sign-in (an email or UPN, "ana.ruiz@contoso.com")');

/** How an owner name is compared: spaces at the ends and the case do not matter ("ana ruiz " is "Ana Ruiz"). */
export function ownerNameKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Names the export writes in its owner column (a CRM's or accounting package's "Sales Rep": `Ana
 * Ruiz`, `AR`) -> the rep's Teams sign-in. Few exports hold the sign-in itself, and rewriting the
 * column by hand every week is how a book gets handed to the wrong rep.
 * Example: `{ "owners": { "Ana Ruiz": "ana.ruiz@contoso.com", "BO": "ben.okafor@contoso.com" } }`.
 */
export const ownerNamesSchema = z
  .record(
    z
      .string()
      .trim()
      .min(1, 'a name must not be empty')
      .max(MAX_OWNER_CHARS, `at most ${MAX_OWNER_CHARS} characters`),
    signInSchema,
  )
  .superRefine((names, ctx) => {
    const seen = new Map<string, string>();
    for (const name of Object.keys(names)) {
      const key = ownerNameKey(name);
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `the same name as "${first}" (names are compared without case)`,
        });
      else seen.set(key, name);
    }
  });

export type OwnerNames = z.infer<typeof ownerNamesSchema>;
