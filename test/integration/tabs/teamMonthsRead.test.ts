import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { priorMonthsOf } from '../../../jobs/monthly';
import { defaultRules } from '../../../rules/rulesSchema';
import { createTabService, TEAM_MONTHS } from '../../../tabs/api/tabService';
import type { TabUser } from '../../../tabs/api/tabToken';
import { bookFromRows } from '../../helpers/bookFromRows';
import { openWeeklyWorld, TIME_ZONE, type WeeklyWorld } from '../weekly/weeklyWorld';

// A team whose rules keep a won-back customer off the list for a year. The channel's summary card
// reads back as far as its re-churn window then reaches (393 days); the Team tab shows no re-churn,
// so it reads only the months its figures need, not a year more of audit partitions on every open.

const MANAGER: TabUser = { userId: 'aad-maria', name: 'Maria', email: 'maria@example.com', tenantId: 't' };

describe('the audit months the Team tab reads', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('teammonths');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('are its months, the three or so before them and the one after, whatever the cool-down', async () => {
    const read: string[] = [];
    const readMonth = world.storage.audit.readMonth.bind(world.storage.audit);
    world.storage.audit.readMonth = (month) => {
      read.push(month);
      return readMonth(month);
    };
    const tabs = createTabService({
      storage: world.storage,
      cards: world.cards,
      rules: { ...defaultRules(), coolDownDays: 365 },
      readBook: async () => ({
        book: bookFromRows({ customers: [] }),
        report: { files: [], rowsSkipped: 0 },
      }),
      timeZone: TIME_ZONE,
      access: { tenantId: '', adminUserIds: [], managerUserIds: [MANAGER.userId] },
      clock: () => new Date('2026-12-03T15:00:00Z'),
    });
    await tabs.team(MANAGER, { rep: null, month: '2026-11' });
    expect(TEAM_MONTHS).toBe(6);
    // November and the five before it, from June.
    expect([...new Set(read)].sort()).toEqual(
      [
        ...priorMonthsOf('2026-06'),
        '2026-06',
        '2026-07',
        '2026-08',
        '2026-09',
        '2026-10',
        '2026-11',
        '2026-12',
      ].sort(),
    );
  });
});
