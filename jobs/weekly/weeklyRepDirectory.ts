import type { Book } from '../../rules/book';
import { type ConversationStore, type Rep, repAddresses } from '../../storage/conversationStore';

/**
 * Every installed rep read once (one paged query) instead of two point reads per rep, keyed by
 * email. An email two stored reps claim (a reinstall under another account) is left to the store's
 * email index, which knows which of them is current.
 */
export async function repDirectory(
  store: Pick<ConversationStore, 'listReps' | 'getRepByEmail'>,
): Promise<Pick<ConversationStore, 'getRepByEmail'>> {
  const byEmail = new Map<string, Rep | 'ambiguous'>();
  for (const rep of await store.listReps())
    for (const address of repAddresses(rep)) byEmail.set(address, byEmail.has(address) ? 'ambiguous' : rep);
  return {
    getRepByEmail: async (email) => {
      const found = byEmail.get(email.trim().toLowerCase());
      if (found === 'ambiguous') return store.getRepByEmail(email);
      return found ?? null;
    },
  };
}

/**
 * The book with each owner written as the rep's own address (the email their install stored) when
 * the feed names an installed rep by their sign-in name instead. One rep is one owner everywhere: one
 * card a week, one run-ledger row, one owner on the stored rows, whether the export names them by
 * email or sign-in name, mixes the two, or switches between weeks (which would otherwise read as the
 * customer moving to another rep). Owners of no installed rep are left as the feed has them.
 */
export async function withRepOwners(
  book: Book,
  directory: Pick<ConversationStore, 'getRepByEmail'>,
): Promise<Book> {
  const renamed = new Map<string, string>();
  for (const owner of new Set(book.customers.map((c) => c.owner))) {
    const rep = await directory.getRepByEmail(owner);
    if (rep && rep.email !== '' && rep.email !== owner) renamed.set(owner, rep.email);
  }
  if (renamed.size === 0) return book;
  return {
    ...book,
    customers: book.customers.map((c) => {
      const owner = renamed.get(c.owner);
      return owner === undefined ? c : { ...c, owner };
    }),
  };
}
