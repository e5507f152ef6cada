import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotAdapter } from '../../../bot/adapter';
import type { CardSender } from '../../../bot/ports';
import { ProactiveSender } from '../../../bot/proactiveSender';
import { runMonthlySummary } from '../../../jobs';
import type { Storage } from '../../../storage';
import { findFreePort, type Playground, startPlayground } from '../../../tools/local/playground';
import {
  type EventStream,
  isCreate,
  PlaygroundClient,
  type PlaygroundConfig,
} from '../../helpers/playground';
import { LOSS_REASONS } from '../../unit/monthly/auditRows';
import { november } from '../../unit/monthly/novemberFixture';
import { openTestStorage } from '../storage/support';

// The run posts the card to a team channel of the real Agents Playground (acting as Teams' connector)
// through the product's proactive sender, from rows and a channel stored on Azurite.

const TZ = 'America/Chicago';

describe('monthly summary delivered to the Playground team channel', () => {
  let bot: Server;
  let playground: Playground;
  let client: PlaygroundClient;
  let stream: EventStream;
  let config: PlaygroundConfig;
  let storage: Storage;

  beforeAll(async () => {
    // The Playground probes a bot endpoint; proactive sends do not go through it, so a stub answers.
    bot = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
    const botPort = (bot.address() as AddressInfo).port;
    playground = await startPlayground({
      botEndpoint: `http://127.0.0.1:${botPort}/api/messages`,
      port: await findFreePort(),
    });
    client = new PlaygroundClient(playground.url);
    config = await client.getConfig();
    stream = await client.openEventStream();
    storage = await openTestStorage('summaryplay', { timeZone: TZ });
    const { rows, priorRows, laterRows } = november();
    for (const row of [...priorRows, ...rows, ...laterRows]) await storage.audit.record(row);
  });

  afterAll(async () => {
    await stream?.close();
    await playground?.stop();
    await new Promise<void>((resolve) => (bot ? bot.close(() => resolve()) : resolve()));
  });

  it('posts the card once to the stored General channel', async () => {
    const team = config.teams[0];
    const serviceUrl = `http://localhost:${playground.port}/_connector`;
    // What the bot stores when it is installed in the team (see bot/churnBot.ts): the General channel.
    await storage.conversations.setSummaryChannel({
      teamId: team.id,
      channelId: team.id,
      tenantId: config.tenantId,
      serviceUrl,
      reference: {
        channelId: 'msteams',
        serviceUrl,
        conversation: { id: team.id, conversationType: 'channel', isGroup: true, tenantId: config.tenantId },
        bot: { id: config.bot.id, name: config.bot.name },
      },
    });
    const proactive = new ProactiveSender({
      adapter: createBotAdapter({ appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' }),
      appId: '',
    });
    const sender: CardSender = (reference, card, text) => proactive.sendCard(reference, card, text);
    const deps = {
      storage,
      sender,
      config: { timeZone: TZ, lossReasons: LOSS_REASONS, schedule: { timeZone: TZ, hour: 9, minute: 0 } },
    };

    const since = stream.mark();
    const report = await runMonthlySummary({ ...deps, now: new Date('2026-12-01T15:03:00Z') });
    expect(report).toMatchObject({ status: 'delivered', month: '2026-11' });
    const event = await stream.waitFor(
      (e) => isCreate(team.id)(e) && e.message?.attachments.length === 1,
      10_000,
      since,
    );
    const card = event.message?.attachments[0]?.content as { body: { text?: string }[] };
    expect(card.body[1].text).toBe(
      'The team won back $3,400 of monthly revenue in November from 2 at-risk customers. 4 lost.',
    );
    expect(JSON.stringify(card)).toContain('"type":"Chart.Donut"');

    // A second tick the same day posts nothing.
    const mark = stream.mark();
    expect(await runMonthlySummary({ ...deps, now: new Date('2026-12-01T15:18:00Z') })).toMatchObject({
      status: 'already_done',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.events.slice(mark).filter(isCreate(team.id))).toEqual([]);
  });
});
