import { InvocationContext, type Timer } from '@azure/functions';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBotAdapter } from '../../../bot/adapter';
import { summaryChannelNotifier } from '../../../bot/channelNotifier';
import { createWeeklyRunHandler } from '../../../functions/weeklyRun';
import {
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
} from './weeklyWorld';

const CHANNEL = '19:general@thread.tacv2';

function contextWithLog(lines: string[]): InvocationContext {
  return new InvocationContext({
    functionName: 'weeklyRun',
    logHandler: (level, ...args) =>
      lines.push(`${level}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`),
  });
}

describe('the weekly timer function and the admins’ notice', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('timer');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('the timer handler runs the week once, warns on a late tick and logs who was not reached', async () => {
    await installReps(world, ['ann@example.com']);
    const book = slippingBook(['ann@example.com', 'bob@example.com'], { slipping: 1 });
    const handler = createWeeklyRunHandler(
      async (log) => depsFor(world, book, { log }),
      () => SEND_TIME,
    );
    const lines: string[] = [];
    const timer: Timer = {
      isPastDue: true,
      schedule: { adjustForDST: false },
      scheduleStatus: undefined as never,
    };
    const report = await handler(timer, contextWithLog(lines));
    expect(report).toMatchObject({ status: 'completed', counts: { delivered: 1, no_conversation: 1 } });
    expect(lines[0]).toMatch(/^warning: weekly run tick is late/);
    expect(
      lines.some((l) => l.startsWith('warning: Weekly run weekly-2026-W48') && l.includes('bob@example.com')),
    ).toBe(true);
    const again = await handler({ ...timer, isPastDue: false }, contextWithLog([]));
    expect(again).toEqual({ status: 'not_due', runKey: 'weekly-2026-W48', reason: 'already_ran' });
    expect(world.fake.sentTo(conversationOf('ann@example.com'))).toHaveLength(1);
  });

  it('reports a refused post as failed through the production adapter, whose onTurnError would swallow it', async () => {
    const errors: string[] = [];
    const botLog = { info: () => {}, warn: () => {}, error: (m: string) => errors.push(m) };
    const adapter = createBotAdapter(
      { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
      botLog,
    );
    const notify = summaryChannelNotifier(adapter, '', world.storage.conversations, world.log);
    await setSummaryChannel(world, world.fake.serviceUrl);
    world.fake.injectForConversation(CHANNEL, { status: 403, code: 'MessageWritesBlocked' });
    expect(await notify('Not reached: bob')).toBe('failed');
    expect(world.fake.sentTo(CHANNEL)).toHaveLength(0);
  });

  it('reports an unreachable connector (a network error) as failed instead of crashing the finished run', async () => {
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
    const notify = summaryChannelNotifier(adapter, '', world.storage.conversations, world.log);
    const closed = 'http://127.0.0.1:9/';
    await setSummaryChannel(world, closed);
    expect(await notify('Not reached: bob')).toBe('failed');
  });

  it('posts the not-reached list as text to the summary channel through the real adapter', async () => {
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
    const notify = summaryChannelNotifier(adapter, '', world.storage.conversations, world.log);
    expect(await notify('nobody to tell')).toBe('no_channel');

    await setSummaryChannel(world, world.fake.serviceUrl);
    expect(await notify('Not reached:\n- bob@example.com: the app is not installed for them')).toBe('posted');
    const [posted] = world.fake.sentTo(CHANNEL);
    expect(posted.activity.text).toContain('bob@example.com: the app is not installed');

    world.fake.injectForConversation(CHANNEL, { status: 403, code: 'MessageWritesBlocked' });
    expect(await notify('again')).toBe('failed');
    expect(world.log.lines.some((l) => l.message.includes('could not post the weekly report'))).toBe(true);
  });
});

/** Stores the team channel the admins' notice goes to, reached at `serviceUrl`. */
async function setSummaryChannel(world: WeeklyWorld, serviceUrl: string): Promise<void> {
  await world.storage.conversations.setSummaryChannel({
    channelId: CHANNEL,
    tenantId: 'tenant-1',
    serviceUrl,
    reference: {
      serviceUrl,
      channelId: 'msteams',
      conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true },
      bot: { id: '28:churn-bot', name: 'Churn Predictor' },
    },
  });
}
