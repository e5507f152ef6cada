/** What a timer tick decides: run now under `runKey`, or not (and why). */
export type RunDecision =
  | { due: true; runKey: string; localDate: string; scheduledAt: Date }
  | { due: false; reason: 'before_send_time' | 'already_ran'; runKey: string; scheduledAt: Date };

/**
 * Run keys sort in time order (zero-padded), so a ledger holding a later key than this period's
 * (a clock stepped back, a rerun of an old tick) also counts as "already ran".
 */
export function alreadyRan(runKey: string, lastRunKey: string | null): boolean {
  if (lastRunKey === null) return false;
  const prefix = runKey.slice(0, runKey.indexOf('-') + 1);
  return lastRunKey.startsWith(prefix) && lastRunKey >= runKey;
}
