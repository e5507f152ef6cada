import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { feedOptionsFrom } from '../../../feed/feedOptions';
import { readFeed } from '../../../feed/readFeed';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import type { TabUser } from '../../../tabs/api/tabToken';
import { texts } from '../../unit/cards/cardWalk';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  tabsOver,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';

// CDNOW (Fader & Hardie; SOURCE.md beside the feed), its customers shared by five reps, the weekly
// run of Monday 29 Sep 1997 with a tenth of the listed customers held out. On the day of the run a
// rep's counts on the Team tab are their card header's: the same customers, the held out on neither.

const CDNOW = join(__dirname, '..', '..', 'fixtures', 'cdnow', 'feed');
const REPS = [1, 2, 3, 4, 5].map((n) => `rep${n}@example.com`);
const BOSS: TabUser = { userId: 'aad-boss', name: 'Boss', email: 'boss@example.com', tenantId: 'tenant-1' };

describe("the Team tab's counts beside the weekly card's", () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('teamcounts');
  });
  afterEach(async () => {
    await world.stop();
  });

  it("counts each rep's slipping, not back yet and lapsed as their card's header does, the held out on neither", async () => {
    const rules = { ...defaultRules(), holdoutPercent: 10 };
    const feed = await readFeed(CDNOW, feedOptionsFrom(rules, '1997-09-29'));
    await installReps(world, REPS);
    const report = completed(
      await runWeekly(depsFor(world, feed.book, { readBook: async () => feed, rules }), {
        now: new Date('1997-09-29T14:03:00Z'),
      }),
    );
    const headers = new Map<string, string>();
    for (const row of await world.storage.runs.listRun(report.runKey)) {
      const saved = await world.cards.get(conversationOf(row.repId), row.activityId ?? '');
      if (saved) headers.set(row.repId, texts(buildWeeklyCard(saved.data as WeeklyCardData))[0] ?? '');
    }
    expect(headers.get('rep2@example.com')).toBe(
      'Week 40 · 17 slipping · 17 not back yet · 305 lapsed; the first 10 shown',
    );
    const tabs = tabsOver(world, feed.book, {
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [BOSS.userId] },
      clock: () => new Date('1997-09-29T16:00:00Z'),
      rules,
    });
    const team = await tabs.team(BOSS, { rep: null, month: null });
    const onTab = new Map(team.valueAtRiskByRep.map((r) => [r.owner, r.countsText]));
    // The header's counts, without its week and how many it shows.
    const counted = (header: string | undefined) => header?.replace(/^Week \d+ · /, '').replace(/;.*$/, '');
    expect(REPS.map((rep) => onTab.get(rep))).toEqual(REPS.map((rep) => counted(headers.get(rep))));
  });
});
