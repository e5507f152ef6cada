import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMonthlySummary } from '../../../jobs';
import { adminNotifier } from '../../../jobs/weekly/weeklyNotice';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { texts } from '../../unit/cards/cardWalk';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  setSummaryChannel,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';

// The first month of a new deployment, through the real weekly run and ProactiveSender on Azurite
// and the fake Teams connector: the reps have not installed the app yet, and it may not be in the
// sales team yet either. What the 1st brings must be true, and someone must hear of what is missing.

const CHANNEL = '19:sales@thread.tacv2';
const BOSS = 'boss@x.com';
/** 1 December 2026, 09:00 in Chicago: November's summary is due. */
const FIRST_OF_DECEMBER = new Date('2026-12-01T15:00:00.000Z');

describe('the first month of a new deployment', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('firstmonth');
  });
  afterEach(async () => {
    await world.stop();
  });

  /** One tick of the monthly timer at `now`, the admin (who installed the app) told through the real notifier. */
  const tick = (now: Date) =>
    runMonthlySummary({
      storage: world.storage,
      sender: (reference, card, text) => world.sender.sendCard(reference, card, text),
      now,
      config: {
        schedule: { timeZone: TIME_ZONE, hour: 9, minute: 0 },
        timeZone: TIME_ZONE,
        lossReasons: defaultRules().lossReasons,
      },
      notifyAdmins: adminNotifier(
        (reference, card, text) => world.sender.sendCard(reference, card, text),
        world.storage.conversations,
        { adminUserIds: [`aad-${BOSS}`] },
        world.log,
      ),
    });
  const quarterHour = 15 * 60_000;
  const noticesToBoss = () => world.fake.sentTo(conversationOf(BOSS)).map((a) => String(a.activity.summary));

  it('without a team channel on the 1st, the admins are told once, and the summary goes out once it is set', async () => {
    await installReps(world, [BOSS]);
    expect(await tick(FIRST_OF_DECEMBER)).toMatchObject({ status: 'no_channel', adminNotice: 'posted' });
    expect(await tick(new Date(FIRST_OF_DECEMBER.getTime() + quarterHour))).toMatchObject({
      status: 'no_channel',
      adminNotice: 'told_earlier',
    });
    expect(noticesToBoss()).toEqual([
      'The monthly summary of November 2026 has not been posted: the app is in no team yet, so there is no channel to post it in.',
    ]);
    expect(world.fake.sentTo(CHANNEL)).toEqual([]);

    // The admin adds the app to the sales team in the afternoon: the next tick posts it, once.
    await setSummaryChannel(world);
    const later = new Date(FIRST_OF_DECEMBER.getTime() + 20 * quarterHour);
    expect(await tick(later)).toMatchObject({ status: 'delivered', month: '2026-11' });
    expect(await tick(new Date(later.getTime() + quarterHour))).toMatchObject({ status: 'already_done' });
    expect(world.fake.sentTo(CHANNEL)).toHaveLength(1);
    expect(noticesToBoss()).toHaveLength(1);
  });

  it('when no weekly card reached a rep, says the customers were flagged on cards no rep received, not that none were flagged', async () => {
    const reps = ['ana@x.com', 'ben@x.com'];
    const book = slippingBook(reps, { slipping: 3, steady: 1 });
    // By hand: 3 slipping customers per rep, under the cap of the default rules: 6 flagged; no rep
    // has the app, so no card goes out and nobody can tap.
    const week = completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    expect(week.gates.surfaced).toBe(6);
    await setSummaryChannel(world);

    const report = await runMonthlySummary({
      storage: world.storage,
      sender: (reference, card, text) => world.sender.sendCard(reference, card, text),
      now: FIRST_OF_DECEMBER,
      config: {
        schedule: { timeZone: TIME_ZONE, hour: 9, minute: 0 },
        timeZone: TIME_ZONE,
        lossReasons: defaultRules().lossReasons,
      },
    });
    expect(report).toMatchObject({ status: 'delivered', month: '2026-11' });
    const [post] = world.fake.sentTo(CHANNEL);
    const card = (post.activity.attachments as { content: Record<string, unknown> }[])[0].content;
    const headline =
      'Nothing was recorded in November: 6 at-risk customers were flagged, but no card reached their reps (no chat with the app), so no button could be tapped.';
    expect(texts(card)[1]).toBe(headline);
    expect(post.activity.summary).toBe(headline);
    expect(JSON.stringify(card)).not.toContain('no customer was flagged');
  });
});
