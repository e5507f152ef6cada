import { z } from 'zod';
import { bandSchema, segmentSchema, valueKindSchema } from '../rules/customerState';
import {
  DEFAULT_NOTE_MAX_LENGTH,
  type LossReasonChoice,
  MAX_CARD_CUSTOMERS,
  type WeeklyCardData,
} from './cardModels';

/** A calendar date on a card's data, `YYYY-MM-DD`. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** An amount on a card's data. */
export const money = z.number().finite().nonnegative();

const outcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reached_out'), by: z.string().min(1), at: isoDate }),
  z.object({
    kind: z.literal('won_back'),
    by: z.string().min(1),
    at: isoDate,
    value: money,
    valueKind: valueKindSchema.optional(),
  }),
  z.object({
    kind: z.literal('lost'),
    by: z.string().min(1),
    at: isoDate,
    reason: z.string().min(1),
    note: z.string().nullish(),
  }),
  z.object({ kind: z.literal('snoozed'), by: z.string().min(1), at: isoDate, until: isoDate }),
]);

/** What a rep did about a row, as a card shows it (the weekly card and the digest alike). */
export const customerOutcomeSchema = outcomeSchema;

/** Who may undo a row's outcome when the card's reader may not (a Teams display name, cut when shown). */
export const undoLeftToSchema = z.string().min(1).max(1_000).optional();

/** The fields every rep card (weekly, digest) has: the Lost picker's choices and how money and text show. */
export const repCardFields = {
  lossReasons: z.array(z.object({ value: z.string().min(1), title: z.string().min(1) })).min(1),
  currency: z.string().length(3).default('USD'),
  locale: z.string().min(2).default('en-US'),
  noteMaxLength: z.number().int().positive().max(2000).default(DEFAULT_NOTE_MAX_LENGTH),
};

/** Checks a WeeklyCardData before it is rendered: caps, numbers, dates; fills the defaults. */
export const weeklyCardDataSchema = z.object({
  runKey: z.string().regex(/^weekly-\d{4}-W\d{2}$/),
  customers: z
    .array(
      z.object({
        customerId: z.string().min(1),
        name: z.string().min(1),
        band: bandSchema,
        score: z.number().finite(),
        monthlyValue: money,
        reasons: z.array(z.string()),
        /** The chance of no order and the date the next order was expected, in words; absent when unknown. */
        outlook: z.string().optional(),
        play: z.string(),
        flags: z.array(z.string()).default([]),
        outcome: outcomeSchema.nullish(),
        undoLeftTo: undoLeftToSchema,
        segment: segmentSchema.optional(),
        valueKind: valueKindSchema.optional(),
        noOrder: z
          .object({ probability: z.number().min(0).max(1), horizonDays: z.number().int().positive() })
          .optional(),
        valueAtRisk: money.optional(),
        change: z
          .discriminatedUnion('kind', [
            z.object({ kind: z.literal('new'), from: z.string().max(400).optional() }),
            z.object({ kind: z.literal('worse'), points: z.number().finite() }),
            z.object({ kind: z.literal('still'), week: z.number().int().positive().nullable() }),
            z.object({
              kind: z.literal('back'),
              since: isoDate,
              pastCard: z.literal(true).optional(),
              wonBack: z.literal(true).optional(),
            }),
          ])
          .nullish(),
      }),
    )
    .max(MAX_CARD_CUSTOMERS),
  overflow: z.object({ count: z.number().int().nonnegative(), monthlyValue: money }).optional(),
  lossReasons: z.array(z.object({ value: z.string().min(1), title: z.string().min(1) })).min(1),
  counts: z
    .object({
      slipping: z.number().int().nonnegative(),
      not_back: z.number().int().nonnegative(),
      lapsed: z.number().int().nonnegative(),
    })
    .optional(),
  page: z
    .object({
      number: z.number().int().positive(),
      pageCount: z.number().int().positive(),
      nextStart: z.number().int().positive().optional(),
      nextCount: z.number().int().positive().optional(),
    })
    .optional(),
  backOnTrack: z
    .array(z.object({ name: z.string().min(1), orderedOn: isoDate }))
    .max(50)
    .optional(),
  feedUnchanged: z.object({ lastCardsOn: isoDate, newestOrder: isoDate }).optional(),
  kind: z.enum(['weekly', 'list']).optional(),
  currency: z.string().length(3).default('USD'),
  locale: z.string().min(2).default('en-US'),
  noteMaxLength: z.number().int().positive().max(2000).default(DEFAULT_NOTE_MAX_LENGTH),
  tabAppId: z.string().min(1).max(100).optional(),
});

/** WeeklyCardData with every default filled in. */
export type ParsedWeeklyCardData = z.output<typeof weeklyCardDataSchema>;

/** Validates card data; throws a ZodError naming the bad field. */
export function parseWeeklyCardData(data: WeeklyCardData): ParsedWeeklyCardData {
  return weeklyCardDataSchema.parse(data);
}

/** The Lost picker's choices from the rules file's loss reasons: the code goes back, the label shows. */
export function lossReasonChoices(reasons: readonly { code: string; label: string }[]): LossReasonChoice[] {
  return reasons.map((r) => ({ value: r.code, title: r.label }));
}
