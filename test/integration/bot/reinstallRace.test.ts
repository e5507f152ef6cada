import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createBotRuntime } from '../../../bot';
import { openStorage, type Storage } from '../../../storage';
import type { PolicyConfig } from '../../../storage/tableClients';
import type { FunctionsHost } from '../../../tools/local/functionsHost';
import { startBotHost } from '../../helpers/botOnPlayground';
import { post } from '../taps/actionHarness';
import { openWeeklyWorld, personalActivity, type WeeklyWorld } from '../weekly/weeklyWorld';
import { MemoryLog, RecordingActions } from './recordingPorts';

// A rep who removes the app and adds it back while two Functions instances handle the two events,
// through the real bot over HTTP (CloudAdapter), the fake Teams connector and Azurite. Which event
// stands is decided by when Teams sent it, not by which instance happened to write last.

const DANA = { id: '29:dana', name: 'Dana Reyes', aadObjectId: 'aad-dana', email: 'dana@x.com' };
const INSTALLED = '2026-11-20T09:00:00.000Z';
const REMOVED = '2026-11-25T17:30:00.000Z';
const BACK = '2026-11-25T17:30:40.000Z';

/**
 * Holds this instance's first write of a rep's row (the `rep` partition: an insert, a replace or a
 * delete) until `release`: the instance has read the row and decided, and another one writes first.
 */
function holdFirstRepWrite() {
  let reached: () => void = () => {};
  let release: () => void = () => {};
  const atHold = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let armed = true;
  const policy: PolicyConfig = {
    position: 'perCall',
    policy: {
      name: 'holdFirstRepWrite',
      sendRequest: async (request, next) => {
        const url = decodeURIComponent(request.url);
        const body = typeof request.body === 'string' ? request.body : '';
        const repRow = url.includes("PartitionKey='rep'") || body.includes('"PartitionKey":"rep"');
        if (armed && request.method !== 'GET' && repRow) {
          armed = false;
          reached();
          await released;
        }
        return next(request);
      },
    },
  };
  return { policy, atHold, release };
}

describe('a rep who removes the app and adds it back, handled by two instances', () => {
  let world: WeeklyWorld;
  let hosts: FunctionsHost[] = [];

  beforeEach(async () => {
    world = await openWeeklyWorld('reinstall');
    world.fake.addMember(DANA);
    hosts = [];
  });
  afterEach(async () => {
    for (const host of hosts) await host.close();
    await world.stop();
  });

  /** One more Functions instance on the same tables; its storage client takes `policies`. */
  async function instance(policies: PolicyConfig[] = []): Promise<{ url: string; storage: Storage }> {
    const storage = await openStorage(
      {
        connectionString: inject('azuriteConnectionString'),
        tablePrefix: world.storage.tables.state.slice(0, -5),
      },
      { skipCreate: true, policies, retry: { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 50 } },
    );
    const runtime = createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: 'tenant-1' },
      store: storage.conversations,
      actions: new RecordingActions(),
      log: new MemoryLog(),
    });
    const host = await startBotHost(runtime);
    hosts.push(host);
    return { url: host.url, storage };
  }
  const installation = (action: 'add' | 'remove', timestamp: string) =>
    personalActivity(world, DANA, 'installationUpdate', { action, timestamp });
  const conversations = () => world.storage.conversations;

  it('the reinstall written between the uninstall’s read and its write: Dana stays installed, found by her email', async () => {
    const other = await instance();
    expect(await post(other.url, installation('add', INSTALLED))).toBe(200);
    const hold = holdFirstRepWrite();
    const first = await instance([hold.policy]);

    const uninstall = post(first.url, installation('remove', REMOVED));
    await hold.atHold;
    expect(await post(other.url, installation('add', BACK))).toBe(200);
    hold.release();
    expect(await uninstall).toBe(200);

    expect((await conversations().getRep(DANA.aadObjectId))?.name).toBe('Dana Reyes');
    expect((await conversations().getRepByEmail(DANA.email))?.userId).toBe(DANA.aadObjectId);
    expect(await conversations().getRemoved(DANA.email)).toBeNull();
  });

  it('an uninstall Teams sent before the reinstall but delivered after it changes nothing', async () => {
    const one = await instance();
    expect(await post(one.url, installation('add', INSTALLED))).toBe(200);
    expect(await post(one.url, installation('add', BACK))).toBe(200);
    expect(await post(one.url, installation('remove', REMOVED))).toBe(200);

    expect((await conversations().getRepByEmail(DANA.email))?.userId).toBe(DANA.aadObjectId);
    expect(await conversations().getRemoved(DANA.email)).toBeNull();
  });

  it('an install Teams sent before the uninstall, written after it: Dana stays removed, and the admins can still be told when', async () => {
    const other = await instance();
    expect(await post(other.url, installation('add', INSTALLED))).toBe(200);
    const hold = holdFirstRepWrite();
    const late = await instance([hold.policy]);

    // Teams announced the install again (a redelivery) just before she removed the app.
    const install = post(late.url, installation('add', '2026-11-25T17:29:00.000Z'));
    await hold.atHold;
    expect(await post(other.url, installation('remove', REMOVED))).toBe(200);
    hold.release();
    expect(await install).toBe(200);

    expect(await conversations().getRep(DANA.aadObjectId)).toBeNull();
    expect(await conversations().getRepByEmail(DANA.email)).toBeNull();
    expect(await conversations().listReps()).toEqual([]);
    expect((await conversations().getRemoved(DANA.email))?.removedAt).toBe(REMOVED);
  });

  it('removed, added back, removed again, with the add delivered last: Dana stays removed, since the second removal', async () => {
    const one = await instance();
    const AGAIN = '2026-11-25T17:45:00.000Z';
    expect(await post(one.url, installation('add', INSTALLED))).toBe(200);
    expect(await post(one.url, installation('remove', REMOVED))).toBe(200);
    expect(await post(one.url, installation('remove', AGAIN))).toBe(200);
    // Teams delivers the add back between the two removals only now.
    expect(await post(one.url, installation('add', BACK))).toBe(200);

    expect(await conversations().getRep(DANA.aadObjectId)).toBeNull();
    expect(await conversations().getRepByEmail(DANA.email)).toBeNull();
    expect((await conversations().getRemoved(DANA.email))?.removedAt).toBe(AGAIN);
  });

  /** Dana as Teams names her now: in the roster (the install reads it) and on what she sends. */
  const named = (name: string) => {
    world.fake.addMember({ ...DANA, name });
    return { ...DANA, name };
  };
  const say = (name: string, text: string) =>
    personalActivity(world, named(name), 'message', { text, timestamp: new Date().toISOString() });
  const reinstalled = (name: string, action: 'add' | 'remove', timestamp: string) =>
    personalActivity(world, named(name), 'installationUpdate', { action, timestamp });

  it('renamed while the app was removed, then back: the name she goes by now reaches her row (one instance)', async () => {
    const one = await instance();
    expect(await post(one.url, reinstalled('Dana Reyes', 'add', INSTALLED))).toBe(200);
    expect(await post(one.url, say('Dana Reyes', 'help'))).toBe(200);
    expect(await post(one.url, reinstalled('Dana Reyes', 'remove', REMOVED))).toBe(200);
    expect(await post(one.url, reinstalled('Dana Ode', 'add', BACK))).toBe(200);
    expect((await conversations().getRep(DANA.aadObjectId))?.name).toBe('Dana Ode');

    expect(await post(one.url, say('Dana Reyes', 'help'))).toBe(200);
    expect((await conversations().getRep(DANA.aadObjectId))?.name).toBe('Dana Reyes');
  });

  it('an instance that saw her old name before she reinstalled under another one does not keep the old one from her row', async () => {
    const [a, b] = [await instance(), await instance()];
    expect(await post(a.url, reinstalled('Dana Reyes', 'add', INSTALLED))).toBe(200);
    expect(await post(b.url, say('Dana Reyes', 'help'))).toBe(200);
    expect(await post(a.url, reinstalled('Dana Reyes', 'remove', REMOVED))).toBe(200);
    expect(await post(a.url, reinstalled('Dana Ode', 'add', BACK))).toBe(200);

    expect(await post(b.url, say('Dana Reyes', 'help'))).toBe(200);
    expect((await conversations().getRep(DANA.aadObjectId))?.name).toBe('Dana Reyes');
  });

  it('back in her first zone, writing through an instance that saw that zone before another stored a new one: her row has the zone she is in', async () => {
    const [a, b] = [await instance(), await instance()];
    expect(await post(a.url, installation('add', INSTALLED))).toBe(200);
    const from = (zone: string) =>
      personalActivity(world, DANA, 'message', { text: 'help', localTimezone: zone });
    expect(await post(b.url, from('America/Denver'))).toBe(200);
    expect(await post(a.url, from('America/Chicago'))).toBe(200);
    expect(await post(b.url, from('America/Denver'))).toBe(200);
    expect((await conversations().getRep(DANA.aadObjectId))?.timeZone).toBe('America/Denver');
  });

  it('reached again at the address Teams used before, through an instance that saw it before another stored a new one: her row and her chat have the address Teams uses now', async () => {
    const [a, b] = [await instance(), await instance()];
    expect(await post(a.url, installation('add', INSTALLED))).toBe(200);
    // A reaction: what every activity carries is learnt, and nothing is answered at the address.
    const from = (serviceUrl: string) => personalActivity(world, DANA, 'messageReaction', { serviceUrl });
    const first = world.fake.serviceUrl;
    const moved = 'https://smba.trafficmanager.net/amer/';
    expect(await post(b.url, from(first))).toBe(200);
    expect(await post(a.url, from(moved))).toBe(200);
    expect(await post(b.url, from(first))).toBe(200);
    const rep = await conversations().getRep(DANA.aadObjectId);
    expect([rep?.serviceUrl, rep?.reference.serviceUrl]).toEqual([first, first]);
  });
});
