import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotRuntime } from '../../../bot';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import type { Storage } from '../../../storage';
import type { FunctionsHost } from '../../../tools/local/functionsHost';
import { startBotHost } from '../../helpers/botOnPlayground';
import { actionStores, handlerDeps, openActionStorage, post, startConnector } from '../taps/actionHarness';
import { MemoryLog } from './recordingPorts';

// The app removed from the team whose General channel gets the monthly summary, through the real
// bot over HTTP, with the summary channel on Azurite.

const SALES = { id: '19:sales@thread.tacv2', name: 'Sales' };
const SIDE = { id: '19:side@thread.tacv2', name: 'Side Project' };

describe('the app removed from the summary channel’s team', () => {
  let storage: Storage;
  let host: FunctionsHost;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  const told: string[] = [];
  beforeAll(async () => {
    const opened = await openActionStorage('teamgone');
    storage = opened.storage;
    connector = await startConnector();
    const stores = actionStores(storage, opened.cards);
    const runtime = createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: 'tenant-1' },
      store: storage.conversations,
      actions: createActionHandler(handlerDeps(stores)),
      log: new MemoryLog(),
      admins: {
        adminUserIds: ['aad-ada'],
        notifyAdmins: async (text) => {
          told.push(text);
          return 'posted';
        },
      },
    });
    host = await startBotHost(runtime);
  });
  afterAll(async () => {
    await host.close();
    await connector.close();
  });

  const installation = (team: { id: string; name: string }, action: 'add' | 'remove') => ({
    type: 'installationUpdate',
    action,
    id: `${action}-${team.id}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:eve', name: 'Eve', aadObjectId: 'aad-eve' },
    recipient: { id: '28:bot', name: 'Churn Predictor' },
    conversation: { id: team.id, conversationType: 'channel', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' }, team, channel: { id: team.id } },
  });
  const summaryChannel = async () => (await storage.conversations.getSummaryChannel())?.channelId ?? null;

  it('removing it from another team keeps the summary where it is', async () => {
    expect(await post(host.url, installation(SALES, 'add'))).toBe(200);
    expect(await post(host.url, installation(SIDE, 'add'))).toBe(200);
    expect(await post(host.url, installation(SIDE, 'remove'))).toBe(200);
    expect(await summaryChannel()).toBe(SALES.id);
  });

  it('removing it from that team forgets the channel (the bot can post there no more) and tells the admins; the next team’s install takes the summary', async () => {
    expect(await post(host.url, installation(SALES, 'remove'))).toBe(200);
    expect(await summaryChannel()).toBeNull();
    expect(told.at(-1)).toBe(
      'The app was removed from Sales, where the monthly summary was posted: it has no channel now. Add the app to a team, or type "summary here" in a channel.',
    );
    expect(await post(host.url, installation(SIDE, 'add'))).toBe(200);
    expect(await summaryChannel()).toBe(SIDE.id);
  });
});
