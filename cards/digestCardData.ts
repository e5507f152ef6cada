import { z } from 'zod';
import { valueKindSchema } from '../rules/customerState';
import { MAX_NAME_CHARS } from './cardModels';
import { type DigestCardData, MAX_DIGEST_ROWS } from './digestCardModels';
import { customerOutcomeSchema, isoDate, money, repCardFields, undoLeftToSchema } from './weeklyCardData';

const days = z.number().int().nonnegative();

const reasonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('no_order'), contactOn: isoDate, days }),
  z.object({ kind: z.literal('ordered'), contactOn: isoDate, orderOn: isoDate, amount: money }),
  z.object({ kind: z.literal('silent'), contactOn: isoDate, days }),
  z.object({ kind: z.literal('lost_ordered'), lostOn: isoDate, orderOn: isoDate, amount: money }),
  z.object({
    kind: z.literal('save_slipping'),
    wonBackOn: isoDate,
    daysSinceOrder: days,
    cadenceDays: z.number().finite().positive(),
    ownRhythm: z.boolean().optional(),
  }),
]);

/** The daily run's key: `daily-YYYY-MM-DD`, the team's local date. */
export const DAILY_RUN_KEY = /^daily-\d{4}-\d{2}-\d{2}$/;

/** Checks a DigestCardData before it is rendered or stored: caps, numbers, dates; fills the defaults. */
export const digestCardDataSchema = z.object({
  kind: z.literal('digest'),
  runKey: z.string().regex(DAILY_RUN_KEY),
  rows: z
    .array(
      z.object({
        customerId: z.string().min(1),
        name: z.string().min(1),
        monthlyValue: money,
        valueKind: valueKindSchema.optional(),
        reason: reasonSchema,
        contactBy: z.string().min(1).max(MAX_NAME_CHARS).optional(),
        flags: z.array(z.string()).default([]),
        outcome: customerOutcomeSchema.nullish(),
        undoLeftTo: undoLeftToSchema,
      }),
    )
    .min(1)
    .max(MAX_DIGEST_ROWS),
  overflow: z.number().int().nonnegative().default(0),
  quietReason: z.string().min(1),
  ...repCardFields,
});

/** DigestCardData with every default filled in. */
export type ParsedDigestCardData = z.output<typeof digestCardDataSchema>;

/** Validates digest data; throws a ZodError naming the bad field. */
export function parseDigestCardData(data: DigestCardData): ParsedDigestCardData {
  return digestCardDataSchema.parse(data);
}
