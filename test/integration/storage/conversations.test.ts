import { describe, expect, it } from 'vitest';
import type { RepInput } from '../../../storage';
import { openTestStorage } from './support';

function rep(overrides: Partial<RepInput> = {}): RepInput {
  return {
    userId: '29:aad-object-id/1',
    name: 'Dana Rep',
    email: 'Dana.Rep@Contoso.com',
    tenantId: 'tenant-1',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    reference: {
      conversation: { id: 'a:1:personal-chat' },
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
      user: { id: '29:aad-object-id/1' },
    },
    ...overrides,
  };
}

describe('conversation references on Azurite', () => {
  it('finds a rep by user id and by email, case-insensitively', async () => {
    const storage = await openTestStorage('convEmail');
    const saved = await storage.conversations.saveRep(rep());
    expect(saved?.email).toBe('dana.rep@contoso.com');
    expect(await storage.conversations.getRep('29:aad-object-id/1')).toEqual(saved);
    expect(await storage.conversations.getRepByEmail('DANA.REP@contoso.com')).toEqual(saved);
    expect(await storage.conversations.getRepByEmail(' dana.rep@contoso.com ')).toEqual(saved);
    expect(await storage.conversations.getRepByEmail('someone@contoso.com')).toBeNull();
  });

  it("moves the email index when a rep's address changes", async () => {
    const storage = await openTestStorage('convMove');
    await storage.conversations.saveRep(rep());
    await storage.conversations.saveRep(rep({ email: 'dana@fabrikam.com' }));
    expect(await storage.conversations.getRepByEmail('dana.rep@contoso.com')).toBeNull();
    expect((await storage.conversations.getRepByEmail('dana@fabrikam.com'))?.userId).toBe(
      '29:aad-object-id/1',
    );
  });

  it('lists reps and removes one together with its email row; removing twice is fine', async () => {
    const storage = await openTestStorage('convRemove');
    await storage.conversations.saveRep(rep());
    await storage.conversations.saveRep(rep({ userId: 'u2', email: 'second@contoso.com', name: 'Second' }));
    expect((await storage.conversations.listReps()).map((r) => r.userId).sort()).toEqual([
      '29:aad-object-id/1',
      'u2',
    ]);
    await storage.conversations.removeRep('29:aad-object-id/1', '2026-11-25T17:30:00.000Z');
    await storage.conversations.removeRep('29:aad-object-id/1', '2026-11-25T17:30:05.000Z');
    expect(await storage.conversations.getRep('29:aad-object-id/1')).toBeNull();
    expect(await storage.conversations.getRepByEmail('dana.rep@contoso.com')).toBeNull();
    expect((await storage.conversations.listReps()).map((r) => r.userId)).toEqual(['u2']);
    expect((await storage.conversations.getRepByEmail('second@contoso.com'))?.name).toBe('Second');
  });

  it('an install Teams sent before the rep removed the app, delivered after it, takes no address from another rep', async () => {
    const storage = await openTestStorage('convStaleInstall');
    const ana = rep({ userId: 'ua', email: 'ana@contoso.com', installedAt: '2026-11-20T09:00:00.000Z' });
    await storage.conversations.saveRep(ana);
    await storage.conversations.removeRep('ua', '2026-11-25T17:30:00.000Z');
    // Ben signs in as the address Ana's install stored as her email: she removed the app, so it is his.
    const ben = { userId: 'ub', name: 'Ben', email: 'ben@contoso.com', upn: 'ana@contoso.com' };
    await storage.conversations.saveRep(rep({ ...ben, installedAt: '2026-11-25T18:00:00.000Z' }));
    // Teams delivers an install of Ana's from before her removal: she stays removed, Ben keeps his address.
    expect(
      await storage.conversations.saveRep({ ...ana, installedAt: '2026-11-25T17:29:00.000Z' }),
    ).toBeNull();
    expect((await storage.conversations.getRepByEmail('ana@contoso.com'))?.name).toBe('Ben');
  });

  it('keeps who uninstalled, and when, under their address until they install again; their zone comes back with them', async () => {
    const storage = await openTestStorage('convRemoved');
    await storage.conversations.saveRep(rep());
    await storage.conversations.learnTimeZone('29:aad-object-id/1', 'America/Denver');
    await storage.conversations.removeRep('29:aad-object-id/1', '2026-11-25T17:30:00.000Z');
    expect(await storage.conversations.getRepByEmail('dana.rep@contoso.com')).toBeNull();
    expect(await storage.conversations.getRemoved('DANA.REP@contoso.com')).toEqual({
      userId: '29:aad-object-id/1',
      name: 'Dana Rep',
      removedAt: '2026-11-25T17:30:00.000Z',
      timeZone: 'America/Denver',
    });
    // The removed rep is no rep: not listed, not found.
    expect(await storage.conversations.listReps()).toEqual([]);

    const back = await storage.conversations.saveRep(rep());
    expect(back?.timeZone).toBe('America/Denver');
    expect(await storage.conversations.getRemoved('dana.rep@contoso.com')).toBeNull();
  });

  it('refreshes the serviceUrl in the row and inside the reference, and writes nothing when unchanged', async () => {
    const storage = await openTestStorage('convUrl');
    await storage.conversations.saveRep(rep());
    expect(
      await storage.conversations.refreshServiceUrl(
        '29:aad-object-id/1',
        'https://smba.trafficmanager.net/emea/',
      ),
    ).toBe(true);
    const after = await storage.conversations.getRep('29:aad-object-id/1');
    expect(after?.serviceUrl).toBe('https://smba.trafficmanager.net/emea/');
    expect(after?.reference.serviceUrl).toBe('https://smba.trafficmanager.net/emea/');
    expect(after?.reference.conversation).toEqual({ id: 'a:1:personal-chat' });
    storage.resetRequestCount();
    expect(
      await storage.conversations.refreshServiceUrl(
        '29:aad-object-id/1',
        'https://smba.trafficmanager.net/emea/',
      ),
    ).toBe(false);
    expect(storage.requests().requests).toBe(1); // the read only
    expect(await storage.conversations.refreshServiceUrl('unknown', 'https://x.example/')).toBe(false);
  });

  it("keeps the rep's zone: written when new or changed, nothing when the same, kept by a reinstall, a bad name refused", async () => {
    const storage = await openTestStorage('convZone');
    const userId = '29:aad-object-id/1';
    await storage.conversations.saveRep(rep());
    expect((await storage.conversations.getRep(userId))?.timeZone).toBeUndefined();
    expect(await storage.conversations.learnTimeZone(userId, 'America/Los_Angeles')).toBe('written');
    storage.resetRequestCount();
    expect(await storage.conversations.learnTimeZone(userId, 'America/Los_Angeles')).toBe('unchanged');
    expect(storage.requests().requests).toBe(1); // the read only
    expect(await storage.conversations.learnTimeZone(userId, 'America/Denver')).toBe('written');
    // An install carries no zone: the one the rep's client sent stays.
    await storage.conversations.saveRep(rep({ name: 'Dana R.' }));
    expect(await storage.conversations.getRep(userId)).toMatchObject({
      name: 'Dana R.',
      timeZone: 'America/Denver',
    });
    await expect(storage.conversations.learnTimeZone(userId, 'Mars/Olympus_Mons')).rejects.toThrow(
      'unknown IANA zone "Mars/Olympus_Mons"',
    );
    expect((await storage.conversations.getRep(userId))?.timeZone).toBe('America/Denver');
    expect(await storage.conversations.learnTimeZone('unknown', 'Europe/London')).toBe('no_rep');
  });

  it('keeps a rename in Teams, and a name longer than a row holds cut rather than refused', async () => {
    const storage = await openTestStorage('convName');
    const userId = '29:aad-object-id/1';
    await storage.conversations.saveRep(rep());
    expect(await storage.conversations.learnName(userId, 'Dana Rep')).toBe('unchanged');
    expect(await storage.conversations.learnName(userId, '  ')).toBe('unchanged');
    expect(await storage.conversations.learnName(userId, 'Dana Rep-Ortiz')).toBe('written');
    expect((await storage.conversations.getRepByEmail('dana.rep@contoso.com'))?.name).toBe('Dana Rep-Ortiz');
    expect(await storage.conversations.learnName(userId, 'D'.repeat(5000))).toBe('written');
    expect((await storage.conversations.getRep(userId))?.name).toBe('D'.repeat(1000));
    expect(await storage.conversations.learnName('unknown', 'Someone')).toBe('no_rep');
  });

  it('stores the summary channel', async () => {
    const storage = await openTestStorage('convChannel');
    expect(await storage.conversations.getSummaryChannel()).toBeNull();
    const channel = {
      teamId: '19:team@thread.tacv2',
      channelId: '19:general@thread.tacv2',
      tenantId: 'tenant-1',
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
      reference: { conversation: { id: '19:general@thread.tacv2', isGroup: true } },
    };
    await storage.conversations.setSummaryChannel(channel);
    expect(await storage.conversations.getSummaryChannel()).toEqual(channel);
    await storage.conversations.setSummaryChannel({ ...channel, channelId: '19:sales@thread.tacv2' });
    expect((await storage.conversations.getSummaryChannel())?.channelId).toBe('19:sales@thread.tacv2');
  });

  it('an install sets the summary channel only when none is stored', async () => {
    const storage = await openTestStorage('convChannelOnce');
    const channel = {
      teamId: '19:team@thread.tacv2',
      channelId: '19:team@thread.tacv2',
      tenantId: 'tenant-1',
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
      reference: { conversation: { id: '19:team@thread.tacv2', isGroup: true } },
      setBy: 'install',
    };
    expect(await storage.conversations.setSummaryChannelIfNone(channel)).toBe(true);
    const other = { ...channel, teamId: '19:other@thread.tacv2', channelId: '19:other@thread.tacv2' };
    expect(await storage.conversations.setSummaryChannelIfNone(other)).toBe(false);
    expect(await storage.conversations.getSummaryChannel()).toEqual(channel);
  });

  it('keeps what the bot knows of an install: no email as "", the channel account, the source, who set the channel', async () => {
    const storage = await openTestStorage('convInstall');
    const saved = await storage.conversations.saveRep(
      rep({ email: null, channelAccountId: '29:ana', source: 'activity' }),
    );
    expect(saved).toMatchObject({ email: '', channelAccountId: '29:ana', source: 'activity' });
    expect(await storage.conversations.getRep('29:aad-object-id/1')).toEqual(saved);
    const channel = {
      teamId: 'team',
      teamName: 'Sales',
      channelId: 'team',
      tenantId: 't',
      serviceUrl: 'http://localhost/_connector',
      reference: { conversation: { id: 'team' } },
      setBy: 'install',
    };
    await storage.conversations.setSummaryChannel(channel);
    expect(await storage.conversations.getSummaryChannel()).toEqual(channel);
  });

  it('rejects a rep without a usable serviceUrl', async () => {
    const storage = await openTestStorage('convBad');
    await expect(storage.conversations.saveRep(rep({ serviceUrl: 'not a url' }))).rejects.toThrow(
      /Invalid rep/,
    );
    expect(await storage.conversations.listReps()).toEqual([]);
  });
});
