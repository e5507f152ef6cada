/** The service's limits for one entity group transaction. */
export const MAX_ACTIONS_PER_TRANSACTION = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** Room for the multipart envelope around each entity. */
const PER_ACTION_OVERHEAD_BYTES = 1024;

/** Splits items into groups of at most 100 whose estimated payload stays under 4 MiB (less a margin). */
export function chunkForTransactions<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  return [...transactionChunks(items, sizeOf)];
}

/**
 * chunkForTransactions one group at a time, reading `items` only as far as the group handed out (and
 * the item that ended it): a writer that makes each row's entity as it goes holds a few groups'
 * entities rather than a whole run's.
 */
export function* transactionChunks<T>(items: Iterable<T>, sizeOf: (item: T) => number): Generator<T[]> {
  const budget = MAX_TRANSACTION_BYTES * 0.9;
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item) + PER_ACTION_OVERHEAD_BYTES;
    if (current.length === MAX_ACTIONS_PER_TRANSACTION || (current.length > 0 && bytes + size > budget)) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) yield current;
}

/** Awaits both, then throws the first failure: unlike Promise.all, neither is left running behind the other's error. */
export async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/**
 * Runs tasks with at most `limit` in flight; rejects with the first failure after in-flight ones
 * settle. Each task is taken from `tasks` only when a slot is free, so a generator of tasks is read
 * as the work goes.
 */
export async function runLimited<T>(tasks: Iterable<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = [];
  const source = tasks[Symbol.iterator]();
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed) {
      const taken = source.next();
      if (taken.done) return;
      const i = next++;
      try {
        results[i] = await taken.value();
      } catch (err) {
        failed = true; // stop handing out work; the error is reported below
        throw err;
      }
    }
  };
  const workers = Array.isArray(tasks) ? Math.min(limit, tasks.length) : limit;
  const settled = await Promise.allSettled(Array.from({ length: workers }, worker));
  const rejection = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejection) throw rejection.reason;
  return results;
}
