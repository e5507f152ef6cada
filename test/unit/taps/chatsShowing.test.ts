import { describe, expect, it } from 'vitest';
import { chatsShowing } from '../../../bot/taps/cardRefresh';
import type { Rep } from '../../../storage/conversationStore';
import { listedWeek } from '../../helpers/listedWeek';

const rep = (userId: string, email: string): Rep => ({
  userId,
  name: userId,
  email,
  upn: '',
  tenantId: 'tenant-1',
  serviceUrl: 'https://smba.example/',
  reference: { conversation: { id: `a:${userId}` } },
});
const ANA = rep('aad-ana', 'ana@demo.example');
const BEN = rep('aad-ben', 'ben@demo.example');
const MANAGER = rep('aad-mia', 'mia@demo.example');

/** Monday's run (ISO week 48 of 2026) listed the customer on Ana's card. */
const onAnasCard = listedWeek('weekly-2026-W48', '2026-11-23', ANA.email);
const WEDNESDAY = { now: new Date('2026-11-25T15:00:00Z'), timeZone: 'America/Chicago' };

describe('chatsShowing, for a customer the feed moved from Ana to Ben after the run', () => {
  it("names the manager's, Ben's and Ana's chats, once each", async () => {
    const byEmail = new Map([ANA, BEN].map((r) => [r.email, r]));
    const chats = await chatsShowing(
      {
        conversations: {
          getRep: async (userId) => (userId === MANAGER.userId ? MANAGER : null),
          getRepByEmail: async (email) => byEmail.get(email) ?? null,
        },
        listings: { read: async () => [onAnasCard] },
      },
      { userId: MANAGER.userId },
      { customerId: 'rowan', owner: BEN.email },
      WEDNESDAY,
    );
    expect(chats.map((c) => c.repUserId)).toEqual([MANAGER.userId, BEN.userId, ANA.userId]);
  });

  it("looks Ana up as soon as her week is read, not after Ben's lookup (the answer waits on both)", async () => {
    const events: string[] = [];
    const chats = await chatsShowing(
      {
        conversations: {
          getRep: async () => null,
          getRepByEmail: async (email) => {
            if (email === ANA.email) {
              events.push('Ana looked up');
              return ANA;
            }
            // The owner's lookup is the slow one here (an index row, then the rep's row).
            await new Promise((resolve) => setTimeout(resolve, 30));
            events.push('Ben found');
            return BEN;
          },
        },
        listings: { read: async () => [onAnasCard] },
      },
      { userId: BEN.userId },
      { customerId: 'rowan', owner: BEN.email },
      WEDNESDAY,
    );
    expect(events).toEqual(['Ana looked up', 'Ben found']);
    expect(chats.map((c) => c.repUserId)).toEqual([BEN.userId, ANA.userId]);
  });
});
