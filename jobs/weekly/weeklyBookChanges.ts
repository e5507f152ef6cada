import { addressKey } from '../../rules/addresses';
import type { Book } from '../../rules/book';
import type { CustomerState } from '../../rules/customerState';
import { movedFrom } from '../../rules/listChanges';

/** How the feed's book changed against the stored rows, for the run's report. */
export interface BookChanges {
  /**
   * Stored customers this feed does not hold (deleted, merged, an id that changed): their rows and
   * history are kept, and they are picked up again if they come back, but no card lists them.
   */
  notInFeed: { count: number; examples: string[] };
  /** Customers whose owner the feed changed since the last run stored them. */
  moved: { customerId: string; from: string; to: string }[];
}

/** Ids shown in the report text for customers gone from the feed; the count says the rest. */
export const GONE_EXAMPLES = 5;

/**
 * Compares the book with the stored rows: who is gone, and who moved to another rep (as the cards
 * say it, rules/listChanges.ts; `storedOwner` as there).
 */
export function bookChanges(
  book: Book,
  stored: ReadonlyMap<string, CustomerState>,
  storedOwner?: (owner: string) => string,
): BookChanges {
  const inFeed = new Set<string>();
  const moved: BookChanges['moved'] = [];
  for (const c of book.customers) {
    inFeed.add(c.id);
    const from = movedFrom(stored.get(c.id)?.owner, c.owner, storedOwner);
    if (from !== null) moved.push({ customerId: c.id, from, to: addressKey(c.owner) });
  }
  let count = 0;
  const examples: string[] = [];
  for (const id of stored.keys()) {
    if (inFeed.has(id)) continue;
    count++;
    if (examples.length < GONE_EXAMPLES) examples.push(id);
  }
  return { notInFeed: { count, examples }, moved };
}
