import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFeed } from '../../../feed/readFeed';
import { type FollowUpsRunDeps, runFollowUps } from '../../../jobs/followups/followUpsRun';
import { adminNotifier } from '../../../jobs/weekly/weeklyNotice';
import { initialState } from '../../../rules/customerState';
import { findAll } from '../../unit/cards/cardWalk';
import {
  conversationOf,
  installReps,
  openWeeklyWorld,
  type WeeklyWorld,
  weeklyOrders,
} from '../weekly/weeklyWorld';
import { completed, dailyDeps } from './dailyRun';

// A feed folder whose export stopped on 26 October, read by the daily run day after day: the run
// stops before anything is sent, the admins hear of it once for the whole stretch (not once a day),
// the ticks that find it still stopped cost no more than the run's own rows, and the first run after
// the export is fixed sends what fell due meanwhile.

const ANA = 'ana@example.com';
const IDS = ['c1', 'c2', 'c3'];
/** Tuesday 1 December 2026, 09:03 in Chicago: the default send time. */
const DEC_1 = Date.parse('2026-12-01T15:03:00Z');
const DAY = 86_400_000;
const TICK = 15 * 60_000;

describe('the daily run on a feed that stopped coming in', () => {
  let world: WeeklyWorld;
  let feed: string;
  let told: string[];

  beforeEach(async () => {
    world = await openWeeklyWorld('fustale');
    await installReps(world, [ANA]);
    feed = mkdtempSync(join(tmpdir(), 'stale-feed-'));
    writeFileSync(
      join(feed, 'customers.csv'),
      [
        'customer_id,name,owner,monthly_value',
        ...IDS.map((id, i) => `${id},Shop ${id},${ANA},${500 + i}`),
      ].join('\n'),
    );
    // The three shops and nine more (the check judges a book of 10 customers or more) ordered weekly.
    const orders = [...IDS, ...Array.from({ length: 9 }, (_, i) => `k${i}`)].flatMap((id) =>
      weeklyOrders(id, '2026-01-05', '2026-10-26'),
    );
    appendFileSync(
      join(feed, 'customers.csv'),
      `\n${Array.from({ length: 9 }, (_, i) => `k${i},Keep ${i},${ANA},100`).join('\n')}\n`,
    );
    writeFileSync(
      join(feed, 'orders.csv'),
      `order_id,customer_id,ordered_at,amount\n${orders.map((o, i) => `O${i},${o.customerId},${o.date},${o.amount}`).join('\n')}\n`,
    );
    // Ana reached out to her three shops on Tuesday 17 November: their follow-ups fall due meanwhile.
    await world.storage.state.writeChanged(
      new Map(),
      IDS.map((id, i) => ({
        ...initialState({ customerId: id, name: `Shop ${id}`, owner: ANA, monthlyValue: 500 + i }),
        lastContact: '2026-11-17',
      })),
    );
    told = [];
  });
  afterEach(async () => {
    await world.stop();
  });

  const deps = (): FollowUpsRunDeps =>
    dailyDeps(world, (asOf) => readFeed(feed, { asOf }), {
      notifyAdmins: async (text) => {
        told.push(text);
        return 'posted';
      },
    });

  it('tells the admins once for the whole stretch, not once a day; fixed, the next run sends what fell due', async () => {
    // Tuesday to Thursday, four ticks a day from the send time.
    for (const day of [0, 1, 2])
      for (const tick of [0, 1, 2, 3]) {
        const report = await runFollowUps(deps(), { now: new Date(DEC_1 + day * DAY + tick * TICK) });
        expect(report).toMatchObject({
          status: 'stopped',
          feedError: { code: 'stale_feed' },
          retry: 'next_tick',
        });
      }
    expect(told).toHaveLength(1);
    // The log warns once, with the notice's account; the other eleven ticks say it in a line.
    expect(world.log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(told);
    expect(world.log.lines.filter((l) => l.message.includes('still stopped by the feed'))).toHaveLength(11);
    expect(told[0]).toMatch(
      /^The follow-ups run daily-2026-12-01 stopped before anything was sent\.\norders\.csv: /,
    );
    expect(told[0]).toContain('This notice is not repeated on the days the feed keeps stopping the run.');
    expect(world.fake.activities.filter((a) => a.kind === 'send')).toEqual([]);
    // Friday the export runs again: the digest goes out, looking back to the last run that completed.
    appendFileSync(join(feed, 'orders.csv'), 'O-new,k0,2026-12-03,100\n');
    const fixed = completed(await runFollowUps(deps(), { now: new Date(DEC_1 + 3 * DAY) }));
    expect(fixed).toMatchObject({ counts: { delivered: 1 }, followUps: { due: 3 } });
    expect(told).toHaveLength(1);
  });

  it("a tick that finds the feed still stopped reads no customer's row: its Table calls do not grow with the book", async () => {
    const stoppedTick = async (n: number) => {
      const before = world.storage.requests().requests;
      const report = await runFollowUps(deps(), { now: new Date(DEC_1 + n * TICK) });
      expect(report).toMatchObject({ status: 'stopped', adminNotice: n === 0 ? 'posted' : 'told_earlier' });
      return world.storage.requests().requests - before;
    };
    await stoppedTick(0);
    const small = await stoppedTick(1);
    // 2,500 more customers stored (three pages of a Table query).
    const more = Array.from({ length: 2500 }, (_, i) =>
      initialState({ customerId: `m${i}`, name: `More ${i}`, owner: ANA, monthlyValue: 100 }),
    );
    await world.storage.state.writeChanged(new Map(), more);
    expect(await stoppedTick(2)).toBe(small);
  });

  it('a tick after a year closed costs the Table calls of one after a day open: the look back is one query', async () => {
    // The first tick of a stretch asks whether an earlier run told of it: as far back as the digest looks,
    // which a closure lengthens to a year (CLOSED_DAYS all of the year before).
    const firstTick = async (w: WeeklyWorld, closedDays: { from: string; to: string }[]) => {
      const d = dailyDeps(w, (asOf) => readFeed(feed, { asOf }), { notifyAdmins: async () => 'posted' });
      const before = w.storage.requests().requests;
      const report = await runFollowUps(
        { ...d, config: { ...d.config, closedDays } },
        { now: new Date(DEC_1) },
      );
      expect(report).toMatchObject({ status: 'stopped', adminNotice: 'posted' });
      return w.storage.requests().requests - before;
    };
    const other = await openWeeklyWorld('fuyear');
    try {
      const open = await firstTick(world, []);
      expect(await firstTick(other, [{ from: '2025-12-01', to: '2026-11-30' }])).toBe(open);
    } finally {
      await other.stop();
    }
  });

  it("the admin's Teams notice shows the whole account: what stopped, what to fix, what happens next", async () => {
    const ADMIN = 'admin@example.com';
    await installReps(world, [ADMIN]);
    const notifyAdmins = adminNotifier(
      (reference, card, summary) => world.sender.sendCard(reference, card, summary),
      world.storage.conversations,
      { adminUserIds: [`aad-${ADMIN}`] },
      world.log,
    );
    const report = await runFollowUps({ ...deps(), notifyAdmins }, { now: new Date(DEC_1) });
    expect(report).toMatchObject({ status: 'stopped', adminNotice: 'posted' });
    const [posted] = world.fake.sentTo(conversationOf(ADMIN));
    const card = (posted.activity.attachments as { content: unknown }[])[0].content;
    const lines = findAll(card, (n) => n.type === 'TextRun').map((n) => String(n.text));
    expect(lines[0]).toBe('The follow-ups run daily-2026-12-01 stopped before anything was sent.');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Is the export still running?',
        'If the business was closed, set "feedStaleDays" in the rules file to the days it may go without an order.',
        'No customer was changed and no digest was sent.',
      ]),
    );
    expect(lines.join(' ')).toContain(
      'This notice is not repeated on the days the feed keeps stopping the run.',
    );
  });

  it('a different problem on a later day is told, though the run never went ahead between', async () => {
    await runFollowUps(deps(), { now: new Date(DEC_1) });
    // Wednesday the export runs again but writes only the header.
    writeFileSync(join(feed, 'orders.csv'), 'order_id,customer_id,ordered_at,amount\n');
    const next = await runFollowUps(deps(), { now: new Date(DEC_1 + DAY) });
    expect(next).toMatchObject({ feedError: { code: 'empty_file' }, adminNotice: 'posted' });
    expect(told).toHaveLength(2);
    expect(told[1]).toContain('orders.csv has a header but no rows');
  });

  it('a new stretch after a run that completed is told again', async () => {
    await runFollowUps(deps(), { now: new Date(DEC_1) });
    // The export catches up (every week's orders since) and the next day's run completes.
    const since = [...IDS, ...Array.from({ length: 9 }, (_, i) => `k${i}`)].flatMap((id) =>
      weeklyOrders(id, '2026-11-02', '2026-11-30'),
    );
    appendFileSync(
      join(feed, 'orders.csv'),
      since.map((o, i) => `N${i},${o.customerId},${o.date},100\n`).join(''),
    );
    completed(await runFollowUps(deps(), { now: new Date(DEC_1 + DAY) }));
    // A week later the export has stopped again.
    const later = await runFollowUps(deps(), { now: new Date(DEC_1 + 22 * DAY) });
    expect(later).toMatchObject({ status: 'stopped', adminNotice: 'posted' });
    expect(told).toHaveLength(2);
  });
});
