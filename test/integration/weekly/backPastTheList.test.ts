import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  repEmails,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
} from './weeklyWorld';

// A roll-out: most of the sales org has not installed the app on Monday, so many reps miss the run
// that the run's row lists only the first of them. Each rep who installs later in the week gets the
// week's card on the next quarter-hour tick, once, whether the row lists them or not (Azurite).

const ANA = 'ana@x.com';
/** Reps without the app on Monday: far more than the run row's list of reps not reached holds. */
const NO_APP = repEmails(300);
const RUN_KEY = 'weekly-2026-W48';
const MINUTE = 60_000;
/** Tuesday 24 November 2026, 10:00 in Chicago. */
const TUESDAY = new Date('2026-11-24T16:00:00Z');
const book = () => slippingBook([ANA, ...NO_APP], { slipping: 1 });

describe('reps who install the app after a run that missed more reps than its row lists', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('backpast');
    // Ana installed minutes before the run: it reached her, and no tick after it sends her anything.
    await installReps(world, [ANA], {
      installedAt: new Date(SEND_TIME.getTime() - 5 * MINUTE).toISOString(),
    });
  });
  afterEach(async () => {
    await world.stop();
  });

  const run = (now: Date) => runWeekly(depsFor(world, book()), { now });
  const later = (minutes: number) => new Date(TUESDAY.getTime() + minutes * MINUTE);
  const cardsTo = (rep: string) =>
    world.fake.sentTo(conversationOf(rep)).filter((a) => a.activity.summary !== undefined);
  /** The reps the run's row names as not reached. */
  const listedOnRow = async (): Promise<string[]> => {
    const row = await world.storage.runs.getRun(RUN_KEY);
    const report = JSON.parse(row?.report ?? '{}') as {
      notReached: { rep: string }[];
      notReachedCount: number;
    };
    expect(report.notReachedCount).toBe(NO_APP.length);
    return report.notReached.map((n) => n.rep);
  };

  it('a rep past the list gets his card on the next tick, once; a listed rep too; a rep with no customers costs one tick', async () => {
    const monday = completed(await run(SEND_TIME));
    expect(monday.counts.no_conversation).toBe(NO_APP.length);
    const listed = await listedOnRow();
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThan(NO_APP.length);
    const pastTheList = NO_APP.filter((rep) => !listed.includes(rep));
    const late = pastTheList.at(-1) ?? '';
    const onTheList = listed[0] ?? '';

    // Tuesday he installs the app: the next tick sends him the week's card, and no tick after it again.
    await installReps(world, [late], { installedAt: TUESDAY.toISOString() });
    const tick = completed(await run(later(15)));
    expect(tick.outcomes.find((o) => o.rep === late)?.status).toBe('delivered');
    expect(cardsTo(late)).toHaveLength(1);
    expect(await run(later(30))).toMatchObject({ status: 'not_due', reason: 'already_ran' });
    expect(cardsTo(late)).toHaveLength(1);

    // A rep the row lists still gets his card when he installs, once.
    await installReps(world, [onTheList], { installedAt: later(40).toISOString() });
    completed(await run(later(45)));
    expect(cardsTo(onTheList)).toHaveLength(1);
    expect(await run(later(60))).toMatchObject({ status: 'not_due', reason: 'already_ran' });
    expect(cardsTo(onTheList)).toHaveLength(1);
    expect(cardsTo(late)).toHaveLength(1);
    expect(cardsTo(ANA)).toHaveLength(1);

    // Someone who owns no customer installs: the tick after looks once, and the ticks after it run nothing.
    await installReps(world, ['new@x.com'], { installedAt: later(70).toISOString() });
    completed(await run(later(75)));
    expect(await run(later(90))).toMatchObject({ status: 'not_due', reason: 'already_ran' });
    expect(cardsTo('new@x.com')).toHaveLength(0);
    expect(cardsTo(late)).toHaveLength(1);
  });

  it('a rep past the list who installs before his own send time: the run goes on once, then waits for his time', async () => {
    completed(await run(SEND_TIME));
    const listed = await listedOnRow();
    const late = NO_APP.filter((rep) => !listed.includes(rep)).at(-1) ?? '';
    // Monday 08:30 in Chicago he installs in Los Angeles, where 08:03 is 10:03 in Chicago.
    const monday = (minutes: number) => new Date(SEND_TIME.getTime() + minutes * MINUTE);
    await installReps(world, [late], {
      installedAt: monday(27).toISOString(),
      timeZone: 'America/Los_Angeles',
    });
    const first = completed(await run(monday(42)));
    expect(first.outcomes.find((o) => o.rep === late)?.status).toBe('waiting');
    // The ticks until his time have nobody to send to: they run nothing (each would be a whole run).
    for (const minutes of [72, 87, 102])
      expect(await run(monday(minutes))).toMatchObject({ status: 'not_due', reason: 'already_ran' });
    expect(cardsTo(late)).toHaveLength(0);
    const atHisTime = completed(await run(monday(120 + 2)));
    expect(atHisTime.outcomes.find((o) => o.rep === late)?.status).toBe('delivered');
    expect(await run(monday(132))).toMatchObject({ status: 'not_due', reason: 'already_ran' });
    expect(cardsTo(late)).toHaveLength(1);
  });

  it('a rep who installed just before the run and got his card: no tick after it runs again', async () => {
    completed(await run(SEND_TIME));
    expect(await run(new Date(SEND_TIME.getTime() + 15 * MINUTE))).toMatchObject({
      status: 'not_due',
      reason: 'already_ran',
    });
    expect(cardsTo(ANA)).toHaveLength(1);
  });
});
