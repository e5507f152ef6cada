import type { CustomerState } from '../rules/customerState';
import type { StateStore } from './stateStore';

/**
 * How far before its last ask a kept reader asks again. The service stamps each write with a
 * partition server's clock and dates its answers with a front end's, and may take up to 30 seconds
 * on one request: a minute covers the two clocks and a write stamped before an ask that became
 * visible after it. Rows written in that minute are read again (a few, except just after the weekly
 * run has written every changed row).
 */
export const STATE_REREAD_MARGIN_MS = 60_000;

/**
 * Every customer's state, kept between reads: the first read reads them all, each later one only the
 * rows written since (by their Timestamp), so a tap, a weekly run or another instance's write shows at
 * the next read, while an unchanged book costs one query whose answer is empty. Rows are never deleted
 * from the state partition, so what is kept plus what changed is all of it. The map handed out is
 * never changed afterwards (a read that finds changes makes a new one): callers may hold it.
 */
export function keptStates(
  store: Pick<StateStore, 'readChangedSince'>,
  options: { rereadMs?: number } = {},
): () => Promise<ReadonlyMap<string, CustomerState>> {
  const { rereadMs = STATE_REREAD_MARGIN_MS } = options;
  let kept: { states: Map<string, CustomerState>; writtenAt: Map<string, string> } | null = null;
  /** The service's time of the last ask that answered (null: not known, everything is asked for). */
  let askedAt: Date | null = null;
  /** The first whole read, shared by the requests that arrive while it runs. */
  let whole: Promise<void> | null = null;

  const merge = (read: Awaited<ReturnType<StateStore['readChangedSince']>>): void => {
    // Every read asks from before the last ask that answered: what is kept is whole up to the latest ask.
    if (read.askedAt && (askedAt === null || read.askedAt > askedAt)) askedAt = read.askedAt;
    const base = kept ?? { states: new Map(), writtenAt: new Map() };
    // Two reads running at once may answer in either order: a row's older write never replaces its newer one.
    const fresh = read.rows.filter((r) => r.writtenAt > (base.writtenAt.get(r.state.customerId) ?? ''));
    if (kept && fresh.length === 0) return;
    const states = new Map(base.states);
    const writtenAt = new Map(base.writtenAt);
    for (const { state, writtenAt: at } of fresh) {
      states.set(state.customerId, state);
      writtenAt.set(state.customerId, at);
    }
    kept = { states, writtenAt };
  };

  return async () => {
    if (!kept) {
      if (!whole) {
        whole = store
          .readChangedSince(null)
          .then(merge)
          .finally(() => {
            whole = null;
          });
        await whole;
        return (kept ?? { states: new Map() }).states;
      }
      // A whole read another request began: a write that finished after it began and before this
      // request came must show too, so the rows written since are asked for as well.
      await whole;
    }
    const since = askedAt === null ? null : new Date(askedAt.getTime() - rereadMs);
    merge(await store.readChangedSince(since));
    return (kept ?? { states: new Map() }).states;
  };
}
