import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookFromRows } from '../../helpers/bookFromRows';
import { texts } from '../../unit/cards/cardWalk';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  TIME_ZONE,
  tabsOver,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// A German team (LOCALE=de-DE, CURRENCY=EUR): every number on the card is written the German way,
// the amounts and also those inside the reasons and the status line ("1.267 days", "60 %"); the
// words stay English.

const REP = 'ana@x.com';
const book = bookFromRows({
  customers: [
    // Weekly orders of 1,000 for a year, then three of 300, the last on 19 October: slipping, with
    // orders worth 60% less in the last quarter than in the one before.
    { id: 'drop', name: 'Drop Foods', owner: REP, monthlyValue: null },
    // Weekly orders until 5 June 2023: lapsed 1,267 days by 23 November 2026.
    { id: 'old', name: 'Old Mill', owner: REP, monthlyValue: 1500 },
    { id: 'steady', name: 'Steady Deli', owner: REP, monthlyValue: 900 },
  ],
  orders: [
    ...weeklyOrders('drop', '2025-06-02', '2026-09-21', 1000),
    ...weeklyOrders('drop', '2026-09-28', '2026-10-19', 300),
    ...weeklyOrders('old', '2022-01-03', '2023-06-05', 500),
    ...weeklyOrders('steady', '2025-06-02', '2026-11-16', 500),
  ],
});
const german = { currency: 'EUR', locale: 'de-DE' };
// A win-back list reaches back `windows.valueDays` (365 days by default); this team's reaches back
// 1,500 days, so Old Mill, gone 1,267, is still listed and its four-digit silence on the card.
const defaults = defaultRules();
const rules = { ...defaults, windows: { ...defaults.windows, valueDays: 1500 } };

/** Lines with a number in them, as Teams shows the card. */
const numbered = (card: object) => texts(card).filter((t) => /\d/.test(t));

describe('a German card writes every number the German way', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('german');
    await installReps(world, [REP]);
  });
  afterEach(async () => {
    await world.stop();
  });

  it("the weekly card's reasons and status lines, and `list` alike", async () => {
    const report = completed(
      await runWeekly(
        depsFor(world, book, {
          rules,
          config: { timeZone: TIME_ZONE, weeklySendAt: { weekday: 1, hour: 8, minute: 3 }, ...german },
        }),
        { now: SEND_TIME },
      ),
    );
    const [row] = await world.storage.runs.listRun(report.runKey);
    const saved = await world.cards.get(conversationOf(REP), row.activityId ?? '');
    const lines = numbered(buildWeeklyCard(saved?.data as WeeklyCardData));
    expect(lines).toEqual(
      expect.arrayContaining([
        '• No order in 1.267 days, usually every 7',
        '• Spent 60\u00a0% less in the last quarter than in the quarter before',
        expect.stringMatching(/^Slipping · \d+\u00a0% chance of no order in 90 days$/),
      ]),
    );
    // No line keeps an English number: 60%, 1,267, 9.6.
    expect(lines.filter((t) => /\d%|\d,\d{3}\b|\d\.\d\b/.test(t))).toEqual([]);

    const handler = createActionHandler({
      stores: { ...world.storage, cards: world.cards },
      rules,
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => new Date(SEND_TIME.getTime() + 3_600_000),
      cardFormat: german,
      listsNow: listsNowFrom(
        async () => ({ book }),
        rules,
        () => SEND_TIME,
      ),
    });
    const list = await handler.command({
      command: 'list',
      actor: { userId: `aad-${REP}`, name: 'Ana', tenantId: 'tenant-1' },
      conversationKind: 'personal',
    });
    const listed = numbered(list.savedCard?.card ?? {});
    expect(listed).toEqual(
      expect.arrayContaining([
        '• No order in 1.267 days, usually every 7',
        '• Spent 60\u00a0% less in the last quarter than in the quarter before',
      ]),
    );

    // The tab's rows read as the card's (the rep opens My customers from it).
    const tabs = tabsOver(world, book, {
      clock: () => new Date(SEND_TIME.getTime() + 3_600_000),
      rules,
      ...german,
    });
    const page = await tabs.customers({
      userId: `aad-${REP}`,
      name: 'Ana',
      email: REP,
      tenantId: 'tenant-1',
    });
    const reasons = page.groups.flatMap((g) => g.rows).flatMap((c) => c.reasons);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'No order in 1.267 days, usually every 7',
        'Spent 60\u00a0% less in the last quarter than in the quarter before',
      ]),
    );
  });
});
