import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFeed } from '../../../feed/readFeed';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { depsFor, openWeeklyWorld, SEND_TIME, type WeeklyWorld } from './weeklyWorld';

describe('bad feed rows in the weekly run', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('feedbad');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('are logged with file, line and reason, and the run goes on with the good rows', async () => {
    const feed = await readFeed(join(__dirname, '../../fixtures/feeds/bad-rows'));
    expect(feed.report.rowsSkipped).toBeGreaterThan(0);
    const report = await runWeekly(depsFor(world, feed.book, { readBook: async () => feed }), {
      now: SEND_TIME,
    });
    expect(report.status).toBe('completed');
    const warning = world.log.lines.find((l) => l.level === 'warn' && l.message.startsWith('feed: '));
    expect(warning?.message).toContain(`feed: ${feed.report.rowsSkipped} rows skipped`);
    expect(warning?.message).toContain('customers.csv line 3: owner: not an email or UPN: "not-an-email"');
  });

  it('a clean feed logs no feed warning', async () => {
    const feed = await readFeed(join(__dirname, '../../../demo/feed'));
    expect(feed.report.rowsSkipped).toBe(0);
    await runWeekly(depsFor(world, feed.book, { readBook: async () => feed }), { now: SEND_TIME });
    expect(world.log.lines.some((l) => l.message.startsWith('feed: '))).toBe(false);
  });
});
