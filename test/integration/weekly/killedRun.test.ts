import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardSender } from '../../../bot/ports';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { CardJson, WeeklyCardData } from '../../../cards/cardModels';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookExportedOn, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';
import { texts } from '../../unit/cards/cardWalk';
import {
  changeLineOf,
  completed,
  conversationOf,
  depsFor,
  installReps,
  listsNowIn,
  openWeeklyWorld,
  TIME_ZONE,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// A weekly run killed midway (the process died after Ana's card went out, before Ben's) and never
// finished: no tick came back that week. The next Monday's cards and `list` say what changed since
// the last card each rep actually got.

const ANA = 'ana@x.com';
const BEN = 'ben@x.com';

// Each customer ordered every Monday from June until the day given: Alder and Cedar slipping by 9
// November, Hazel and Ivy by the 16th; Birch ordered once more on Wednesday 18 November; Ginkgo and
// Kiwi are never late.
const weekly: [name: string, owner: string, until: string][] = [
  ['Alder', ANA, '2026-10-19'],
  ['Birch', ANA, '2026-10-26'],
  ['Cedar', ANA, '2026-10-19'],
  ['Ginkgo', ANA, '2026-12-14'],
  ['Hazel', BEN, '2026-10-12'],
  ['Ivy', BEN, '2026-11-02'],
  ['Kiwi', BEN, '2026-12-14'],
];
const customers: CustomerRow[] = weekly.map(([name, owner]) => ({
  id: name,
  name,
  owner,
  monthlyValue: 1000,
}));
const orders: OrderRow[] = [
  ...weekly.flatMap(([name, , until]) => weeklyOrders(name, '2026-06-01', until)),
  { customerId: 'Birch', date: '2026-11-18', amount: 300 },
];
const bookOn = (day: string) => bookExportedOn({ customers, orders }, day);
const rules = defaultRules();

/** Each row's name and change line, and the back-on-track line, of a weekly card as Teams shows it. */
function lines(card: CardJson): { rows: Record<string, string>; back: string | null } {
  const all = texts(card);
  const rows: Record<string, string> = {};
  for (const [name] of weekly) {
    if (all.includes(name)) rows[name] = changeLineOf(all, name);
  }
  return { rows, back: all.find((t) => t.startsWith('Back on track')) ?? null };
}

describe('the Monday after a weekly run that was killed and never finished', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('killed');
    await installReps(world, [ANA, BEN]);
  });
  afterEach(async () => {
    await world.stop();
  });

  /** Monday's run at 08:03 in Chicago, one rep at a time (Ana first); killed after `cards` cards when given. */
  async function monday(day: string, cards?: number) {
    let sent = 0;
    const killed: CardSender = async (reference, card, summary) => {
      if (cards !== undefined && ++sent > cards) throw new Error('killed: the process died');
      return world.sender.sendCard(reference, card, summary);
    };
    const run = runWeekly(
      depsFor(world, bookOn(day), {
        sender: killed,
        config: { timeZone: TIME_ZONE, weeklySendAt: { weekday: 1, hour: 8, minute: 3 }, sendConcurrency: 1 },
      }),
      { now: new Date(`${day}T14:03:00Z`) },
    );
    if (cards !== undefined) return void (await expect(run).rejects.toThrow('killed'));
    const report = completed(await run);
    const seen = new Map<string, ReturnType<typeof lines>>();
    for (const row of await world.storage.runs.listRun(report.runKey)) {
      const saved = await world.cards.get(conversationOf(row.repId), row.activityId ?? '');
      if (saved) seen.set(row.repId, lines(buildWeeklyCard(saved.data as WeeklyCardData)));
    }
    return seen;
  }

  /** A rep's `list` (Ana's unless given) as the bot answers it at 10:00 in Chicago on `day`. */
  async function list(day: string, rep = ANA) {
    const now = new Date(`${day}T16:00:00Z`);
    const handler = createActionHandler({
      stores: { ...world.storage, cards: world.cards },
      rules,
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => now,
      listsNow: listsNowIn(world, bookOn, () => now, rules),
    });
    const reply = await handler.command({
      command: 'list',
      actor: { userId: `aad-${rep}`, name: rep === ANA ? 'Ana' : 'Ben', tenantId: 'tenant-1' },
      conversationKind: 'personal',
    });
    if (!reply.savedCard) throw new Error(`no list card: ${reply.text}`);
    return lines(reply.savedCard.card);
  }

  it("killed in its first week: Ana's card of that Monday is last week's list; Ben, who never got one, has a first card", async () => {
    await monday('2026-11-16', 1);
    const week = await monday('2026-11-23');
    // Alder and Cedar were on Ana's card of 16 Nov (their second calendar week on a list); Birch was
    // on it too, and ordered on the 18th.
    expect(week?.get(ANA)).toEqual({
      rows: { Alder: 'Still on your list (week 2)', Cedar: 'Still on your list (week 2)' },
      back: 'Back on track: Birch ordered Wed 18 Nov',
    });
    expect(week?.get(BEN)).toEqual({
      rows: { Hazel: 'New on your list', Ivy: 'New on your list' },
      back: null,
    });
    // `list` on Tuesday reads the rows as the card did.
    expect(await list('2026-11-24')).toEqual({
      rows: { Alder: 'Still on your list (week 2)', Cedar: 'Still on your list (week 2)' },
      back: 'Back on track: Birch ordered Wed 18 Nov',
    });
  });

  it("killed in its first week before any card went out: the next Monday is still every rep's first card", async () => {
    // The run stored its listed rows (first flagged 16 Nov), then died before the first card.
    await monday('2026-11-16', 0);
    const week = await monday('2026-11-23');
    // No card reached Ana or Ben: "Still on your list (week 2)", "Worse" or "Back on track" would
    // speak of a list neither of them saw.
    expect(week?.get(ANA)).toEqual({
      rows: { Alder: 'New on your list', Cedar: 'New on your list' },
      back: null,
    });
    expect(week?.get(BEN)).toEqual({
      rows: { Hazel: 'New on your list', Ivy: 'New on your list' },
      back: null,
    });
    // `list` on Tuesday reads Ben's rows as his card did.
    expect((await list('2026-11-24', BEN)).rows).toEqual(week?.get(BEN)?.rows);
  });

  it('killed in a later week: Ana hears of the change since that card, not since the week before', async () => {
    await monday('2026-11-09');
    await monday('2026-11-16', 1);
    const week = await monday('2026-11-23');
    // Against 9 Nov's card (two weeks back) the rows read "Worse: chance of no order up 6 points".
    expect(week?.get(ANA)).toEqual({
      rows: { Alder: 'Still on your list (week 3)', Cedar: 'Still on your list (week 3)' },
      back: 'Back on track: Birch ordered Wed 18 Nov',
    });
    // Ben's last card is 9 Nov's: Hazel was on it.
    expect(week?.get(BEN)?.rows.Hazel).toBe('Still on your list (week 3)');
  });
});
