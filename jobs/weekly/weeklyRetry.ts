import { z } from 'zod';
import type { RunRecord } from '../../storage';
import { timeHasCome } from '../schedule/timerSchedule';

/**
 * Extra attempts of a week's run after the first when reps `failed` (5xx after all retries, a
 * Retry-After over the cap, a 413) or Table Storage refused the week's listings for now. The
 * 15-minute timer spaces them: with 3, a rep whose sends kept failing at 08:03 is tried again at
 * 08:18, 08:33 and 08:48, then the week stays finished.
 */
export const DEFAULT_EXTRA_ATTEMPTS = 3;

/** What an earlier attempt of this week's run left on the run row (only the fields the retry needs). */
const previousAttemptSchema = z.object({
  // Rows written before attempts were counted have none: that was the first.
  attempt: z.number().int().min(1).default(1),
  counts: z.object({
    failed: z.number().int().min(0),
    // Rows written before reps waited have neither.
    delivered: z.number().int().min(0).default(0),
    waiting: z.number().int().min(0).default(0),
  }),
  /** The week's listings: a failed write is tried again by the next attempt (rows before have none). */
  listings: z
    .object({
      status: z.enum(['recorded', 'failed']),
      error: z.string().optional(),
      recordedEarlier: z.literal(true).optional(),
    })
    .optional(),
  /** A daily run's: where its window started (what fell due after it was due that day). */
  since: z.string().optional(),
  /** When the next rep waiting for their own send time gets their card (rows before reps waited have none). */
  nextSendAt: z.iso.datetime({ offset: true }).optional(),
  /** What follows the attempt: failed reps tried again, reps waiting for their time, or nothing. */
  retry: z.enum(['next_tick', 'rep_time', 'none']).optional(),
  /** When the first rep Teams asked to wait is sent their card, once the wait is over (rows before have none). */
  afterWaitAt: z.string().optional(),
});
export type PreviousAttempt = z.output<typeof previousAttemptSchema>;

/** Reads the attempt number and failure count from a run row's report; null when there is none or it is unreadable. */
export function previousAttempt(run: RunRecord | null): PreviousAttempt | null {
  if (!run?.report) return null;
  let json: unknown;
  try {
    json = JSON.parse(run.report);
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  const parsed = previousAttemptSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/**
 * True when the week's run has sent every card it will: its row finished with no failed rep to try
 * again, no rep waiting for their own send time and none for the end of a wait Teams asked for (a
 * row whose report cannot be read, or written before it said so, counts as settled, as decideAttempt
 * leaves it finished).
 */
export function runSettled(run: RunRecord | null): boolean {
  if (!run?.finishedAt) return false;
  const previous = previousAttempt(run);
  if (previous?.afterWaitAt !== undefined) return false;
  return previous?.retry === undefined || previous.retry === 'none';
}

/**
 * What a tick does with this week's run row. `atRepTime`: the run goes on for reps whose own send
 * time has come, or who installed the app since it missed them (their cards are of the week's first
 * attempt's date, as the others').
 */
export type AttemptDecision = { run: true; attempt: number; atRepTime?: true } | { run: false };

/**
 * Decides whether a tick (past the send time) runs this week's run, and as which attempt: no row or
 * an unfinished one (a crash) runs as the same attempt; a finished one runs again when reps or the
 * week's listings failed and attempts remain (the next attempt), or else when a waiting rep's own
 * send time has come (the same attempt: waiting is no failure, so it spends none of the failed reps'
 * extra attempts); a forced run always runs, as the next attempt.
 */
export function decideAttempt(
  run: RunRecord | null,
  extraAttempts: number,
  force: boolean,
  now: Date,
): AttemptDecision {
  const previous = previousAttempt(run);
  if (!run?.finishedAt) return { run: true, attempt: previous?.attempt ?? 1 };
  // A finished row whose report cannot be read is left finished: better no retry than a loop.
  const attempt = (previous?.attempt ?? 1) + 1;
  if (force) return { run: true, attempt };
  if (previous && toRetry(previous) > 0 && attempt <= 1 + extraAttempts) return { run: true, attempt };
  if (previous?.nextSendAt && timeHasCome(now, new Date(previous.nextSendAt)))
    return { run: true, attempt: previous.attempt, atRepTime: true };
  return { run: false };
}

/**
 * What a later attempt does again: each rep whose card failed, and the week's listings when their
 * write failed (counted as one) and no earlier attempt recorded them.
 */
export function toRetry(report: { counts: { failed: number }; listings?: ListingsState }): number {
  return report.counts.failed + (listingsMissing(report.listings) ? 1 : 0);
}

/** What a run's report says of the week's listings (weeklyListings.ts ListingsOutcome), as its row keeps it. */
export type ListingsState = Pick<NonNullable<PreviousAttempt['listings']>, 'status' | 'recordedEarlier'>;

/** True when the week's listings were not recorded, by this attempt or any before it. */
export function listingsMissing(listings: ListingsState | undefined): boolean {
  return listings?.status === 'failed' && !listings.recordedEarlier;
}

/** True when an attempt of the week, this one or one before, recorded the week's listings. */
export function listingsRecorded(listings: ListingsState | undefined): boolean {
  return listings?.status === 'recorded' || listings?.recordedEarlier === true;
}

/**
 * True when a later tick will run this week's run again: things are `left` to retry (toRetry: reps or
 * the listings failed) and attempts remain.
 */
export function willRetry(attempt: number, left: number, extraAttempts: number): boolean {
  return left > 0 && attempt < 1 + extraAttempts;
}
