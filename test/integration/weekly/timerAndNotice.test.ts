import { InvocationContext, type Timer } from '@azure/functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWeeklyRunHandler } from '../../../functions/weeklyRun';
import { adminNotifier } from '../../../jobs/weekly/weeklyNotice';
import { weeklyReportText } from '../../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { findAll } from '../../unit/cards/cardWalk';
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

  const ADMIN = 'admin@example.com';
  const adminId = `aad-${ADMIN}`;
  const notifierFor = (recipients: { adminChannelId?: string } = {}) =>
    adminNotifier(
      (reference, card, summary) => world.sender.sendCard(reference, card, summary),
      world.storage.conversations,
      { adminUserIds: [adminId], ...recipients },
      world.log,
    );
  const noticeLines = (activity: Record<string, unknown>): string[] => {
    const card = (activity.attachments as { content: unknown }[])[0].content;
    return findAll(card, (n) => n.type === 'TextRun').map((n) => String(n.text));
  };

  it('posts the notice to each admin 1:1 through the sender, one line per rep, never to the team channel', async () => {
    await setSummaryChannel(world, world.fake.serviceUrl);
    const notify = notifierFor();
    expect(await notify('title')).toBe('no_recipient');
    await installReps(world, [ADMIN]);
    const text =
      'Weekly run weekly-2026-W48 (2026-11-23): 1 card delivered by this run\nNot reached:\n- ben@example.com: the app is not installed for them\n- chloe@example.com: blocked or removed the app (MessageWritesBlocked)';
    expect(await notify(text)).toBe('posted');
    expect(world.fake.sentTo(CHANNEL)).toHaveLength(0);
    const [posted] = world.fake.sentTo(conversationOf(ADMIN));
    expect(noticeLines(posted.activity)).toEqual(text.split('\n'));
  });

  it('posts to the admin channel instead when one is configured (in the team the app is in)', async () => {
    const adminChannel = '19:admins@thread.tacv2';
    expect(await notifierFor({ adminChannelId: adminChannel })('title')).toBe('no_recipient');
    await setSummaryChannel(world, world.fake.serviceUrl);
    expect(await notifierFor({ adminChannelId: adminChannel })('title\n- a line')).toBe('posted');
    expect(world.fake.sentTo(adminChannel)).toHaveLength(1);
    expect(world.fake.sentTo(CHANNEL)).toHaveLength(0);
  });

  it('an admin channel Teams no longer has, or in a team the app was removed from: each admin who has the app gets it 1:1', async () => {
    const adminChannel = '19:admins@thread.tacv2';
    await installReps(world, [ADMIN]);
    await setSummaryChannel(world, world.fake.serviceUrl);
    // The channel deleted: Teams answers 404 ConversationNotFound.
    world.fake.injectForConversation(adminChannel, { status: 404 });
    expect(await notifierFor({ adminChannelId: adminChannel })('title\n- a line')).toBe('posted');
    expect(world.fake.sentTo(adminChannel)).toHaveLength(0);
    expect(world.fake.sentTo(conversationOf(ADMIN))).toHaveLength(1);
    // The app removed from the team: no channel of it is known any more.
    await world.storage.conversations.clearSummaryChannelOf(CHANNEL);
    expect(await world.storage.conversations.getSummaryChannel()).toBeNull();
    expect(await notifierFor({ adminChannelId: adminChannel })('title\n- another')).toBe('posted');
    expect(world.fake.sentTo(conversationOf(ADMIN))).toHaveLength(2);
    expect(world.fake.sentTo(CHANNEL)).toHaveLength(0);
  });

  it('says failed, and logs it, when Teams refuses the post or cannot be reached', async () => {
    await installReps(world, [ADMIN]);
    world.fake.injectForConversation(conversationOf(ADMIN), { status: 403, code: 'MessageWritesBlocked' });
    expect(await notifierFor()('again')).toBe('failed');
    expect(world.log.lines.some((l) => l.message.includes("could not post the admins' notice"))).toBe(true);
  });

  it('a forced run of the same week does not post the notice again', async () => {
    await installReps(world, [ADMIN, 'ann@example.com']);
    const book = slippingBook(['ann@example.com', 'bob@example.com'], { slipping: 1 });
    const deps = depsFor(world, book, { notifyAdmins: notifierFor() });
    const first = await runWeekly(deps, { now: SEND_TIME });
    expect(first).toMatchObject({ status: 'completed', adminNotice: 'posted' });
    const forced = await runWeekly(deps, { now: SEND_TIME, force: true });
    expect(forced).toMatchObject({ status: 'completed', adminNotice: 'already_sent' });
    expect(world.fake.sentTo(conversationOf(ADMIN))).toHaveLength(1);
    // The forced run sent nothing and says so: its counts and its text agree.
    if (forced.status !== 'completed') throw new Error('forced run did not complete');
    expect(forced.sends.attempts).toBe(0);
    expect(weeklyReportText(forced, { timeZone: 'UTC', today: forced.localDate }).split('\n')[0]).toContain(
      '0 cards delivered by this run, 1 earlier this week',
    );
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
