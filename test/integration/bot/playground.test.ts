import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotRuntime } from '../../../bot';
import type { FunctionsHost } from '../../../tools/local/functionsHost';
import type { Playground } from '../../../tools/local/playground';
import { startBotOnPlayground } from '../../helpers/botOnPlayground';
import {
  type EventStream,
  isCreate,
  isUpdateOf,
  type PlaygroundClient,
  type PlaygroundConfig,
} from '../../helpers/playground';
import { eventually, HELP_TEXT, MemoryLog, RecordingActions, RecordingStore } from './recordingPorts';

// The bot behind the local Functions host, driven by the real Agents Playground acting as Teams.

const rep = { id: 'user-ana', name: 'Ana Ruiz', email: 'Ana.Ruiz@demo.example', aadObjectId: 'aad-ana-ruiz' };
const TENANT = 'tenant-demo';

describe('bot through the Agents Playground', () => {
  const store = new RecordingStore();
  const actions = new RecordingActions();
  const log = new MemoryLog();
  let host: FunctionsHost;
  let playground: Playground;
  let client: PlaygroundClient;
  let stream: EventStream;
  let config: PlaygroundConfig;

  beforeAll(async () => {
    const runtime = createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
      store,
      actions,
      log,
      // Ana is the admin here, so her `summary here` moves the channel.
      admins: { adminUserIds: [rep.aadObjectId] },
    });
    ({ host, playground, client, config, stream } = await startBotOnPlayground(runtime, rep, TENANT));
  });

  afterAll(async () => {
    await stream?.close();
    await playground?.stop();
    await host?.close();
  });

  it('uses the configured user, so their email can be mapped to a demo rep', () => {
    expect(config.currentUser).toMatchObject({
      id: rep.id,
      name: rep.name,
      aadObjectId: rep.aadObjectId,
      email: rep.email,
    });
    expect(config.tenantId).toBe(TENANT);
  });

  it('saves the rep with name and lower-cased email from the roster when the app is installed', async () => {
    await client.install(config.personalChat.id);
    const saved = await eventually(() => store.reps.get(rep.aadObjectId), 10_000, 'saveRep');
    expect(saved).toMatchObject({
      userId: rep.aadObjectId,
      channelAccountId: rep.id,
      name: rep.name,
      email: 'ana.ruiz@demo.example',
      tenantId: TENANT,
      serviceUrl: `http://localhost:${playground.port}/_connector`,
      source: 'roster',
    });
    expect(saved.reference.conversation).toMatchObject({
      id: config.personalChat.id,
      conversationType: 'personal',
    });
    expect(saved.reference.bot.id).toBe(config.bot.id);
  });

  it('answers help with the help text in the personal chat', async () => {
    const since = stream.mark();
    await client.sendText(config.personalChat.id, 'help');
    const event = await stream.waitFor(isCreate(config.personalChat.id), 10_000, since);
    expect(event.message?.text).toBe(HELP_TEXT);
  });

  it('answers an unknown command with help, naming what it did not understand', async () => {
    const since = stream.mark();
    await client.sendText(config.personalChat.id, 'Please   DELETE everything');
    const event = await stream.waitFor(isCreate(config.personalChat.id), 10_000, since);
    expect(event.message?.text).toBe(`I did not get "please delete everything". ${HELP_TEXT}`);
    expect(actions.commands.at(-1)).toMatchObject({
      command: 'help',
      unrecognised: 'please delete everything',
    });
  });

  it('routes a card tap to submit with the actor and replyToId, and replaces the card in place', async () => {
    let since = stream.mark();
    await client.sendText(config.personalChat.id, 'list');
    const cardEvent = await stream.waitFor(
      (e) => isCreate(config.personalChat.id)(e) && e.message?.attachments.length === 1,
      10_000,
      since,
    );
    const cardId = cardEvent.message?.messageId ?? '';
    expect(cardId).not.toBe('');

    since = stream.mark();
    await client.submit(config.personalChat.id, cardId, { action: 'reached_out', customerId: 'C-1' });
    const update = await stream.waitFor(isUpdateOf(cardId), 10_000, since);
    expect(actions.submits.at(-1)).toEqual({
      actor: { userId: rep.aadObjectId, name: rep.name, tenantId: TENANT },
      value: { action: 'reached_out', customerId: 'C-1' },
      replyToId: cardId,
      conversationId: config.personalChat.id,
      conversationKind: 'personal',
      say: expect.any(Function),
      // The Playground gives every activity a new id, as Teams does.
      delivery: {
        conversationId: config.personalChat.id,
        activityId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    const card = update.message?.attachments[0]?.content as { body: { text: string }[] };
    expect(card.body[0].text).toBe(`reached_out by ${rep.name}`);
  });

  it('stores the General channel as the summary channel when installed in the team', async () => {
    const team = config.teams[0];
    await client.install(team.id);
    const channel = await eventually(
      () => store.summaryChannels.find((c) => c.setBy === 'install'),
      10_000,
      'setSummaryChannel',
    );
    expect(channel).toMatchObject({
      teamId: team.id,
      channelId: team.id,
      teamName: team.name,
      tenantId: TENANT,
    });
    expect(channel.reference.conversation).toMatchObject({
      id: team.id,
      conversationType: 'channel',
      isGroup: true,
    });
  });

  it('moves the summary to the channel where someone types "summary here" (bot mentioned)', async () => {
    const team = config.teams[0];
    const other = team.channels.find((c) => c.id !== team.id);
    if (!other) throw new Error('the Playground team has no second channel');
    const since = stream.mark();
    await client.sendText(other.id, 'summary here', { mentionBot: config.bot });
    const channel = await eventually(
      () => store.summaryChannels.find((c) => c.channelId === other.id),
      10_000,
      'summary here',
    );
    expect(channel).toMatchObject({ teamId: team.id, setBy: rep.aadObjectId });
    // Stored for a new post in the channel, not for the thread the command was typed in.
    expect(channel.reference.conversation.id).toBe(other.id);
    const reply = await stream.waitFor((e) => e.action === 'createMessage', 10_000, since);
    expect(reply.message?.text).toContain('monthly summary will be posted in this channel');
  });

  it('removes the rep when the app is uninstalled from the personal chat', async () => {
    await client.sendCustomActivity(config.personalChat.id, 'uninstall');
    await eventually(() => (store.removed.includes(rep.aadObjectId) ? true : undefined), 10_000, 'removeRep');
    expect(store.reps.has(rep.aadObjectId)).toBe(false);
  });
});
