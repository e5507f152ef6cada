import { describe, expect, it } from 'vitest';
import { repDirectory, storedOwnerRenames } from '../../../jobs/weekly/weeklyRepDirectory';
import { initialState } from '../../../rules/customerState';
import type { Rep } from '../../../storage/conversationStore';

function rep(userId: string, email: string, upn = ''): Rep {
  return {
    userId,
    name: userId,
    email,
    upn,
    tenantId: 't',
    serviceUrl: 'https://smba.example/',
    reference: {},
  };
}

describe('repDirectory', () => {
  it('answers from one listing, case-insensitively, and asks the email index only for an ambiguous address', async () => {
    const asked: string[] = [];
    const store = {
      listReps: async () => [rep('u1', 'ann@x.com'), rep('u2', 'dup@x.com'), rep('u3', 'dup@x.com')],
      getRepByEmail: async (email: string) => {
        asked.push(email);
        return rep('u3', 'dup@x.com');
      },
      getRemoved: async () => null,
    };
    const directory = await repDirectory(store);
    expect((await directory.getRepByEmail(' Ann@X.com'))?.userId).toBe('u1');
    expect(await directory.getRepByEmail('nobody@x.com')).toBeNull();
    expect((await directory.getRepByEmail('dup@x.com'))?.userId).toBe('u3');
    expect(asked).toEqual(['dup@x.com']);
  });

  it('finds a rep by their sign-in name too, when the feed names them by it rather than by their email', async () => {
    const store = {
      listReps: async () => [rep('u1', 'ana.ruiz@contoso.com', 'aruiz@contoso.onmicrosoft.com')],
      getRepByEmail: async () => null,
      getRemoved: async () => null,
    };
    const directory = await repDirectory(store);
    expect((await directory.getRepByEmail('ARuiz@contoso.onmicrosoft.com'))?.userId).toBe('u1');
    expect((await directory.getRepByEmail('ana.ruiz@contoso.com'))?.userId).toBe('u1');
  });

  it("reads a save recorded under a sign-in name as that rep's, though the row now names her by email", async () => {
    const store = {
      listReps: async () => [rep('u1', 'ana.ruiz@contoso.com', 'aruiz@contoso.onmicrosoft.com')],
      getRepByEmail: async () => null,
      getRemoved: async () => null,
    };
    const state = {
      ...initialState({ customerId: 'c', name: 'C', owner: 'ana.ruiz@contoso.com', monthlyValue: 100 }),
      wonBackAt: '2026-11-10',
      wonBackOwner: 'aruiz@contoso.onmicrosoft.com',
    };
    const renamed = await storedOwnerRenames(new Map([['c', state]]), await repDirectory(store));
    expect(renamed.get('aruiz@contoso.onmicrosoft.com')).toBe('ana.ruiz@contoso.com');
  });
});
