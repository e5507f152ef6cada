import { type RepNames, repNamesOf } from '../../cards/repNames';
import { addressKey, repAddresses } from '../../rules/addresses';
import type { Book } from '../../rules/book';
import type { CustomerState } from '../../rules/customerState';
import type { ConversationStore, Rep } from '../../storage/conversationStore';

/**
 * Every installed rep read once (one paged query) instead of two point reads per rep, keyed by
 * email. An email two stored reps claim (a reinstall under another account) is left to the store's
 * email index, which knows which of them is current. Who removed the app is read from the store,
 * for the few reps the run finds without it. `names`: how the cards and the admins' notice name each
 * rep (their Teams display name), from the same read.
 */
export async function repDirectory(
  store: Pick<ConversationStore, 'listReps' | 'getRepByEmail' | 'getRemoved'>,
): Promise<Pick<ConversationStore, 'getRepByEmail' | 'getRemoved'> & { names: RepNames }> {
  const byEmail = new Map<string, Rep | 'ambiguous'>();
  const reps = await store.listReps();
  for (const rep of reps)
    for (const address of repAddresses(rep)) byEmail.set(address, byEmail.has(address) ? 'ambiguous' : rep);
  return {
    getRepByEmail: async (email) => {
      const found = byEmail.get(addressKey(email));
      if (found === 'ambiguous') return store.getRepByEmail(email);
      return found ?? null;
    },
    getRemoved: (email) => store.getRemoved(email),
    names: repNamesOf(reps),
  };
}

/** Each of `owners` that names an installed rep otherwise than by the rep's own address (the email their install stored), mapped to that address. */
async function renamedOwners(
  owners: Iterable<string>,
  directory: Pick<ConversationStore, 'getRepByEmail'>,
): Promise<Map<string, string>> {
  const renamed = new Map<string, string>();
  for (const owner of new Set(owners)) {
    const rep = await directory.getRepByEmail(owner);
    if (rep && rep.email !== '' && rep.email !== owner) renamed.set(owner, rep.email);
  }
  return renamed;
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
  return withOwnersRenamed(book, await feedOwnerRenames(book, directory));
}

/** The renames withRepOwners makes in `book` (renamedOwners of its customers' owners). */
export function feedOwnerRenames(
  book: Book,
  directory: Pick<ConversationStore, 'getRepByEmail'>,
): Promise<Map<string, string>> {
  return renamedOwners(
    book.customers.map((c) => c.owner),
    directory,
  );
}

/** The book with its owners renamed as `renamed` says (the same book when it says nothing). */
export function withOwnersRenamed(book: Book, renamed: ReadonlyMap<string, string>): Book {
  if (renamed.size === 0) return book;
  return {
    ...book,
    customers: book.customers.map((c) => {
      const owner = renamed.get(c.owner);
      return owner === undefined ? c : { ...c, owner };
    }),
  };
}

/**
 * Reads a stored row's owner as withRepOwners reads the feed's. A row stored while the feed named a
 * rep by a sign-in name their install did not know yet (installed later, or before the install kept
 * it) still has that name: compared as written with the feed's owner, now the rep's email, the rep's
 * own customers read as moved to them from themselves.
 */
export async function storedOwnerOf(
  states: ReadonlyMap<string, CustomerState>,
  directory: Pick<ConversationStore, 'getRepByEmail'>,
): Promise<(owner: string) => string> {
  const renamed = await storedOwnerRenames(states, directory);
  return (owner) => renamed.get(owner) ?? owner;
}

/**
 * The renames storedOwnerOf reads the stored rows' owners by (renamedOwners of their owners, and of
 * the owners their saves were recorded under).
 */
export function storedOwnerRenames(
  states: ReadonlyMap<string, CustomerState>,
  directory: Pick<ConversationStore, 'getRepByEmail'>,
): Promise<Map<string, string>> {
  const owners = new Set<string>();
  for (const s of states.values()) {
    owners.add(s.owner);
    if (s.wonBackOwner !== null) owners.add(s.wonBackOwner);
  }
  return renamedOwners(owners, directory);
}
