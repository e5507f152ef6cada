import { z } from 'zod';
import { segmentSchema } from './customerState';

/**
 * A customer's weeks on the lists, as each weekly run recorded them: one entry per run, the newest
 * last, at most MAX_LISTED_WEEKS. The state row keeps only where the current run of weeks began
 * (listedAt, surfacedAt); this keeps each week the card had them, for the customer page's story.
 */
export const listedWeekSchema = z
  .object({
    /** The weekly run's key (`weekly-2026-W45`): one entry a week however often the week is rerun. */
    run: z.string().regex(/^weekly-\d{4}-W\d{2}$/),
    /** The run's day on the team's calendar, `YYYY-MM-DD` (its first attempt's). */
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** Whose list: the rep's address as the feed gives it. */
    owner: z.string(),
    /** The kind of name the list called them that week. */
    kind: segmentSchema,
    /** The chance of no order the card stated that week, a whole percent (1-99). */
    chance: z.number().int().min(0).max(100),
    /** Their place on the rep's list (1-based); null for one the holdout drew. */
    rank: z.number().int().positive().nullable(),
    /**
     * 1: on the card's first page; 2: on the list past it, behind "Show the next" (which page is worked
     * out when that is tapped; weeks recorded before said 3 and on too); null when held out.
     */
    page: z.number().int().positive().nullable(),
    /** Drawn by the holdout: kept off the lists that week to measure what the cards change. */
    heldOut: z.boolean(),
  })
  .strict();
export type ListedWeek = z.infer<typeof listedWeekSchema>;

/**
 * The most weeks kept per customer: a year of Mondays. Older weeks drop off the front, so a customer
 * listed every week for years holds a bounded row (about 150 bytes a week).
 */
export const MAX_LISTED_WEEKS = 52;

/**
 * `weeks` with `week` added at the end, or null when that run's week is already there (a rerun of the
 * week, or a resumed attempt): recorded weeks are never rewritten. Oldest dropped past `max`.
 */
export function withListedWeek(
  weeks: readonly ListedWeek[],
  week: ListedWeek,
  max = MAX_LISTED_WEEKS,
): ListedWeek[] | null {
  if (weeks.some((w) => w.run === week.run)) return null;
  const next = [...weeks, week].sort(byDay);
  return next.slice(Math.max(0, next.length - max));
}

/** Orders weeks by their run's day, oldest first. */
export function byDay(a: ListedWeek, b: ListedWeek): number {
  return a.day < b.day ? -1 : a.day > b.day ? 1 : 0;
}

/** A stored list of weeks that is not JSON, or not the schema: a bad row, not a storage failure. */
export class UnreadableListedWeeks extends Error {
  override readonly name = 'UnreadableListedWeeks';
}

/** Parses a stored list of weeks; throws UnreadableListedWeeks naming what is wrong. */
export function parseListedWeeks(json: string): ListedWeek[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UnreadableListedWeeks('listed weeks are not JSON');
  }
  const parsed = z.array(listedWeekSchema).safeParse(value);
  if (!parsed.success)
    throw new UnreadableListedWeeks(`listed weeks are not the schema: ${firstIssue(parsed.error)}`);
  return parsed.data;
}

/** The longest account of the first issue: the message goes into log lines, and a row can hold a year of issues. */
const ISSUE_CHARS = 120;

/** The first issue and where, on one line, and how many more: not every issue of a long row. */
function firstIssue(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  const at =
    first.path.length > 0
      ? ` at ${first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`
      : '';
  const words = `${first.message}${at}`.replace(/\s+/g, ' ');
  const cut = words.length > ISSUE_CHARS ? `${words.slice(0, ISSUE_CHARS - 1)}…` : words;
  return rest.length > 0 ? `${cut} (and ${rest.length} more)` : cut;
}

/**
 * Whose card a run listed the customer on: the owner that run recorded, or null when it did not list
 * them (no week of that run, or drawn by the holdout and so kept off every card).
 */
export function listedOnCardOf(weeks: readonly ListedWeek[], run: string): string | null {
  const week = weeks.find((w) => w.run === run);
  return week && !week.heldOut ? week.owner : null;
}
