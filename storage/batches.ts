/** The service's limits for one entity group transaction. */
export const MAX_ACTIONS_PER_TRANSACTION = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** Room for the multipart envelope around each entity. */
const PER_ACTION_OVERHEAD_BYTES = 1024;

/** Splits items into groups of at most 100 whose estimated payload stays under 4 MiB (less a margin). */
export function chunkForTransactions<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const budget = MAX_TRANSACTION_BYTES * 0.9;
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item) + PER_ACTION_OVERHEAD_BYTES;
    if (current.length === MAX_ACTIONS_PER_TRANSACTION || (current.length > 0 && bytes + size > budget)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Awaits both, then throws the first failure: unlike Promise.all, neither is left running behind the other's error. */
export async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/** Runs tasks with at most `limit` in flight; rejects with the first failure after in-flight ones settle. */
export async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && !failed) {
      const i = next++;
      try {
        results[i] = await tasks[i]();
      } catch (err) {
        failed = true; // stop handing out work; the error is reported below
        throw err;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  const rejection = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejection) throw rejection.reason;
  return results;
}
