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
