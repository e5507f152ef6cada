/**
 * What a timer tick decides from the clock: this period's send time has come (run under `runKey`),
 * or not yet. Whether the period already ran is the run ledger's answer, read by the run itself.
 */
export type RunDecision =
  | { due: true; runKey: string; localDate: string; scheduledAt: Date }
  | { due: false; reason: 'before_send_time'; runKey: string; scheduledAt: Date };
