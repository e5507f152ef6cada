import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { readFeed } from '../../../feed/readFeed';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { tapValue, weeklyRow } from '../../e2e/weeklyCardRows';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { texts } from '../../unit/cards/cardWalk';
import {
  changeLineOf,
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  type WeeklyWorld,
} from './weeklyWorld';

// Mondays in a row on a real book, UCI Online Retail (a UK wholesaler; SOURCE.md beside the feed),
// each run reading the feed as the shop had it at 08:03 that Monday: the orders placed before then.
// What changed since last week is read against the card the rep got last week, whose run had none of
// that Monday's later orders. The figures were read off the cards of uk1@example.com.

const FEED = join(__dirname, '..', '..', 'fixtures', 'online-retail', 'feed');
const REP = 'uk1@example.com';
const rules = defaultRules();

/** The feed's rows stamped before `day` 08:03 UTC (the export the run read), written to `dir`. */
async function feedAt(dir: string, day: string): Promise<string> {
  const out = join(dir, day);
  await mkdir(out, { recursive: true });
  const cut = `${day}T08:03`;
  for (const file of ['customers.csv', 'orders.csv', 'tickets.csv']) {
    const [header, ...rows] = (await readFile(join(FEED, file), 'utf8')).trimEnd().split('\n');
    // customers.csv has no date; orders and tickets have it third.
    const kept = file === 'customers.csv' ? rows : rows.filter((r) => r.split(',')[2] < cut);
    await writeFile(join(out, file), `${[header, ...kept].join('\n')}\n`);
  }
  return out;
}

const REP_ACTOR = { userId: `aad-${REP}`, name: 'Uk One', tenantId: 'tenant-1' };

/** The bot's action handler for the rep, reading the feed in `folder`, at `clock`. */
function repHandler(world: WeeklyWorld, folder: string, clock: () => Date) {
  return createActionHandler({
    stores: { ...world.storage, cards: world.cards },
    rules,
    timeZone: 'UTC',
    access: { tenantId: 'tenant-1', adminUserIds: [] },
    clock,
    cardFormat: { currency: 'GBP', locale: 'en-GB' },
    listsNow: listsNowFrom(
      (asOf) => readFeed(folder, { asOf }),
      rules,
      clock,
      async () => world.storage.conversations,
      { runs: world.storage.runs, timeZone: 'UTC' },
    ),
  });
}

/**
 * The rep taps the button `title` of the row `name` on the card of `data`, sent by the run of
 * `runKey` on `day` (an hour after it), with the inputs of its form as weeklyCardRows fills them.
 */
async function tapOnCard(
  world: WeeklyWorld,
  dir: string,
  at: { day: string; runKey: string; data: WeeklyCardData },
  name: string,
  title: string,
  inputs: Record<string, string> = {},
): Promise<void> {
  const { day, runKey, data } = at;
  const activityId = (await world.storage.runs.listRun(runKey)).find((r) => r.repId === REP)?.activityId;
  const when = new Date(`${day}T09:03:00Z`);
  const reply = await repHandler(world, join(dir, day), () => when).submit({
    actor: REP_ACTOR,
    value: tapValue(weeklyRow(buildWeeklyCard(data), name), title, inputs),
    replyToId: activityId ?? '',
    conversationId: conversationOf(REP),
    conversationKind: 'personal',
  });
  if (!reply.updateCard) throw new Error(`the tap was not taken: ${reply.text}`);
}

/**
 * Page 2 of the rep's list ("Show the next") as the bot answers it an hour after the run of the
 * day whose feed is in `folder`, saved as the message `page-2` so its rows' buttons can be tapped.
 */
async function pageTwo(world: WeeklyWorld, folder: string): Promise<unknown> {
  const day = folder.slice(-10);
  const reply = await repHandler(world, folder, () => new Date(`${day}T09:03:00Z`)).submit({
    actor: REP_ACTOR,
    value: { action: 'list_page', page: 2, v: 1 },
    replyToId: '',
    conversationId: conversationOf(REP),
    conversationKind: 'personal',
  });
  if (!reply.savedCard) throw new Error(`no page 2: ${reply.text}`);
  await reply.savedCard.onSent('page-2', conversationOf(REP));
  return reply.savedCard.card;
}

/** Each named row's change line on a card as sent, and its "Back on track" line. */
function changeLines(
  card: unknown,
  names: readonly string[],
): { rows: Record<string, string>; back: string | null } {
  const all = texts(card);
  const rows: Record<string, string> = {};
  for (const name of names) {
    rows[name] = all.includes(name) ? changeLineOf(all, name) : '(not on the card)';
  }
  return { rows, back: all.find((t) => t.startsWith('Back on track')) ?? null };
}

/** The weekly card's change lines, every row. */
function weeklyLines(data: WeeklyCardData) {
  return changeLines(
    buildWeeklyCard(data),
    weeklyRows({ data }).map((c) => c.name),
  );
}

/**
 * Runs the weekly job at 08:03 UTC on `day`, reading the feed as it stood at 08:03 on `feedDay` (an
 * export that had not moved since then when earlier); returns the rep's card.
 */
async function runMonday(
  world: WeeklyWorld,
  dir: string,
  day: string,
  feedDay = day,
): Promise<WeeklyCardData> {
  const card = (await runMondayCards(world, dir, day, feedDay)).get(REP);
  if (!card) throw new Error(`no card for ${REP} on ${day}`);
  return card;
}

/** runMonday, every rep's card (by rep). */
async function runMondayCards(
  world: WeeklyWorld,
  dir: string,
  day: string,
  feedDay = day,
): Promise<Map<string, WeeklyCardData>> {
  const folder = await feedAt(dir, feedDay);
  const report = completed(
    await runWeekly(
      depsFor(world, (await readFeed(folder, { asOf: day })).book, {
        rules,
        readBook: (asOf) => readFeed(folder, { asOf }),
        config: {
          timeZone: 'UTC',
          weeklySendAt: { weekday: 1, hour: 8, minute: 3 },
          currency: 'GBP',
          locale: 'en-GB',
        },
      }),
      { now: new Date(`${day}T08:03:00Z`) },
    ),
  );
  const cards = new Map<string, WeeklyCardData>();
  for (const row of await world.storage.runs.listRun(report.runKey)) {
    const saved = await world.cards.get(conversationOf(row.repId), row.activityId ?? '');
    if (saved) cards.set(row.repId, saved.data as WeeklyCardData);
  }
  return cards;
}

describe('Mondays in a row on Online Retail', () => {
  let world: WeeklyWorld;
  let dir: string;
  let now = new Date();

  const monday = (day: string) => {
    now = new Date(`${day}T08:03:00Z`);
    return runMonday(world, dir, day);
  };

  /** The rep's `list` as the bot answers it now: the card it sends. */
  async function list(): Promise<unknown> {
    const folder = join(dir, now.toISOString().slice(0, 10));
    const reply = await repHandler(world, folder, () => now).command({
      command: 'list',
      actor: REP_ACTOR,
      conversationKind: 'personal',
    });
    if (!reply.savedCard) throw new Error(`no list card: ${reply.text}`);
    return reply.savedCard.card;
  }

  beforeAll(async () => {
    world = await openWeeklyWorld('retail');
    dir = await mkdtemp(join(tmpdir(), 'retail-weeks-'));
    await installReps(world, [REP]);
    await monday('2011-09-05');
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('12 Sept: "worse" by the points the two cards showed, and who ordered on Monday after the card is back on track', async () => {
    const card = weeklyLines(await monday('2011-09-12'));
    // 49% on last week's list (page 2), 56% now: the card said "up 9 points" against a replay of last
    // week refitted on that Monday's later orders.
    expect(card.rows['Customer 13680 (United Kingdom)']).toBe('Worse: chance of no order up 7 points');
    // On last week's card, ordered on Monday 5 Sept at 09:45, after the card: off the list, unnamed.
    expect(card.back).toBe('Back on track: Customer 13748 (United Kingdom) ordered Mon 5 Sep');
  }, 120_000);

  it('12 Sept: `list` after the run calls each row what the card called it', async () => {
    const saved = await world.storage.runs.listRun('weekly-2011-W37');
    const activityId = saved.find((r) => r.repId === REP)?.activityId ?? '';
    const cardData = (await world.cards.get(conversationOf(REP), activityId))?.data as WeeklyCardData;
    const weekly = weeklyLines(cardData).rows;
    expect(Object.keys(weekly)).toHaveLength(10);
    // Rows on last week's list past its card (13168 on page 37) said "New on your list" here.
    expect(changeLines(await list(), Object.keys(weekly)).rows).toEqual(weekly);
  }, 120_000);

  it('19 Sept: rows of last week\'s card not ordering since are still on the list, not "back"', async () => {
    const card = weeklyLines(await monday('2011-09-19'));
    // Both on last week's card; first listed (past the card) on 5 Sept.
    expect(card.rows['Customer 16748 (United Kingdom)']).toBe('Still on your list (week 3)');
    expect(card.rows['Customer 18016 (United Kingdom)']).toBe('Still on your list (week 3)');
  }, 120_000);
});

describe('Online Retail: weeks whose cards were not a week apart in the feed', () => {
  const worlds: WeeklyWorld[] = [];
  /** A world of its own for one story, with the rep installed, and a folder for its feeds. */
  async function freshWorld(name: string): Promise<{ world: WeeklyWorld; dir: string }> {
    const world = await openWeeklyWorld(name);
    worlds.push(world);
    await installReps(world, [REP]);
    return { world, dir: await mkdtemp(join(tmpdir(), `retail-${name}-`)) };
  }
  afterAll(async () => {
    await Promise.all(worlds.map((w) => w.stop()));
  });

  it('an export that had not moved for a week: the card after the catch-up speaks of the card the rep got, stale as it was', async () => {
    const { world, dir } = await freshWorld('still');
    await runMonday(world, dir, '2011-09-05');
    // The export still stood at 5 Sept: Customer 13748's order of that Monday was not in it, so they
    // were on the card again.
    const stale = await runMonday(world, dir, '2011-09-12', '2011-09-05');
    expect(weeklyRows({ data: stale }).map((c) => c.customerId)).toContain('13748');
    // Every chance on it rose with a week of no orders at all: the card says why, and no row reads
    // "Worse" (every row of last week's card did, by 6 to 19 points).
    expect(stale.feedUnchanged).toEqual({ lastCardsOn: '2011-09-05', newestOrder: '2011-09-04' });
    expect(texts(buildWeeklyCard(stale))).toContain(
      'No new orders in the feed since last week\'s card (Mon 5 Sep): its newest is from Sun 4 Sep. The chances below rose with the days alone, so no row says "worse". Is the export still running?',
    );
    const staleLines = Object.values(weeklyLines(stale).rows);
    expect(staleLines.filter((line) => line.startsWith('Still on'))).not.toHaveLength(0);
    expect(staleLines.filter((line) => line.startsWith('Worse'))).toEqual([]);
    const card = await runMonday(world, dir, '2011-09-19');
    expect(card.feedUnchanged).toBeUndefined();
    expect(weeklyLines(card).back).toContain('Customer 13748 (United Kingdom) ordered Mon 5 Sep');
  }, 120_000);

  it('a week without a weekly run: the next card speaks of the last card the rep got, two weeks before', async () => {
    const { world, dir } = await freshWorld('skip');
    await runMonday(world, dir, '2011-09-05');
    // No run on 12 Sept (the host was down all week).
    const card = await runMonday(world, dir, '2011-09-19');
    // On the card of 5 Sept, ordered that Monday after it.
    expect(weeklyLines(card).back).toContain('Customer 13748 (United Kingdom) ordered Mon 5 Sep');
  }, 120_000);
});

describe("Online Retail: Mondays from July, with the rep's taps", () => {
  let world: WeeklyWorld;
  let dir: string;
  beforeAll(async () => {
    world = await openWeeklyWorld('retailjuly');
    dir = await mkdtemp(join(tmpdir(), 'retail-july-'));
    await installReps(world, [REP]);
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('rows that rose by the same points on the card say the same: "worse", not one "worse" and one "still"', async () => {
    const chances = (data: WeeklyCardData) =>
      new Map(data.customers.map((c) => [c.name, Math.round((c.noOrder?.probability ?? 0) * 100)]));
    const data = await runMonday(world, dir, '2011-07-04');
    const first = chances(data);
    // The rep's taps on the first card: a call, a save and a loss take three rows off the next one.
    const card = { day: '2011-07-04', runKey: 'weekly-2011-W27', data };
    await tapOnCard(world, dir, card, 'Customer 13340 (United Kingdom)', 'Reached out');
    await tapOnCard(world, dir, card, 'Customer 16152 (United Kingdom)', 'Won back');
    await tapOnCard(world, dir, card, 'Customer 13344 (United Kingdom)', 'Lost', { reason: 'competitor' });
    const next = await runMonday(world, dir, '2011-07-11');
    const now = chances(next);
    const lines = weeklyLines(next).rows;
    // 52% then 57% said "Worse: up 5 points"; 64% then 69%, twice on the same card, "Still on your
    // list (week 2)": the unrounded rise was a little under 5 points.
    for (const [name, before, after] of [
      ['Customer 13316 (United Kingdom)', 52, 57],
      ['Customer 14544 (United Kingdom)', 64, 69],
      ['Customer 15464 (United Kingdom)', 64, 69],
    ] as const) {
      expect([first.get(name), now.get(name)]).toEqual([before, after]);
      expect(lines[name]).toBe('Worse: chance of no order up 5 points');
    }
  }, 120_000);

  it('a call pauses a row first listed past the card: back two weeks on, its weeks on the list go on from its first listing', async () => {
    const name = 'Customer 13744 (United Kingdom)';
    await runMonday(world, dir, '2011-07-18');
    await runMonday(world, dir, '2011-07-25');
    // On the lists since 4 July, past the card until 1 August.
    const data = await runMonday(world, dir, '2011-08-01');
    expect(weeklyLines(data).rows[name]).toBe('Still on your list (week 5)');
    await tapOnCard(world, dir, { day: '2011-08-01', runKey: 'weekly-2011-W31', data }, name, 'Reached out');
    expect(weeklyLines(await runMonday(world, dir, '2011-08-08')).rows[name]).toBeUndefined();
    const back = weeklyLines(await runMonday(world, dir, '2011-08-15')).rows[name];
    expect(back).toBe('Back on your list (first flagged Mon 1 Aug)');
    // A week later the count went on from the card of 1 August ("week 4"), three weeks after the
    // card that said "week 5".
    expect(weeklyLines(await runMonday(world, dir, '2011-08-22')).rows[name]).toBe(
      'Still on your list (week 8)',
    );
  }, 120_000);
});

describe('Online Retail: a call on a row past the card', () => {
  let world: WeeklyWorld;
  beforeAll(async () => {
    world = await openWeeklyWorld('retailpasttcard');
    await installReps(world, [REP]);
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("back from the pause, its weeks on the list go on from its first listing, as a flagged row's do", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retail-past-card-'));
    const name = 'Customer 13744 (United Kingdom)';
    for (const day of ['2011-07-04', '2011-07-11', '2011-07-18']) await runMonday(world, dir, day);
    const data = await runMonday(world, dir, '2011-07-25');
    expect(weeklyRows({ data }).map((c) => c.name)).not.toContain(name);
    // The rep opens page 2 of the card ("Show the next") and calls a row on it.
    const page = await pageTwo(world, join(dir, '2011-07-25'));
    expect(changeLines(page, [name]).rows[name]).toBe('Still on your list (week 4)');
    const tap = await repHandler(
      world,
      join(dir, '2011-07-25'),
      () => new Date('2011-07-25T09:03:00Z'),
    ).submit({
      actor: REP_ACTOR,
      value: tapValue(weeklyRow(page, name), 'Reached out'),
      replyToId: 'page-2',
      conversationId: conversationOf(REP),
      conversationKind: 'personal',
    });
    if (!tap.updateCard) throw new Error(`the tap was not taken: ${tap.text}`);
    const lineOn = async (day: string) => {
      const card = weeklyLines(await runMonday(world, dir, day)).rows[name];
      return card ?? changeLines(await pageTwo(world, join(dir, day)), [name]).rows[name];
    };
    // The rep's `list` an hour after the run (its card, else its page 2) says what the card said.
    const listLine = async (day: string) => {
      const folder = join(dir, day);
      const reply = await repHandler(world, folder, () => new Date(`${day}T09:03:00Z`)).command({
        command: 'list',
        actor: REP_ACTOR,
        conversationKind: 'personal',
      });
      if (!reply.savedCard) throw new Error(`no list card: ${reply.text}`);
      const line = changeLines(reply.savedCard.card, [name]).rows[name];
      return line !== '(not on the card)'
        ? line
        : changeLines(await pageTwo(world, folder), [name]).rows[name];
    };
    expect(await lineOn('2011-08-01')).toBe('(not on the card)');
    // Two weeks after the call it is on the list again, never having ordered: it read "New on your
    // list", then "Still on your list (week 2)", as if the rep had never had it.
    expect(await lineOn('2011-08-08')).toBe('Back on your list (first listed Mon 4 Jul)');
    expect(await listLine('2011-08-08')).toBe('Back on your list (first listed Mon 4 Jul)');
    expect(await lineOn('2011-08-15')).toBe('Still on your list (week 7)');
  }, 180_000);
});

describe('Online Retail: "Back on track" after a week of taps', () => {
  let world: WeeklyWorld;
  beforeAll(async () => {
    world = await openWeeklyWorld('retailtaps');
    await installReps(world, [REP]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("names only customers of last week's card, whatever the rep tapped on it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retail-taps-'));
    const data = await runMonday(world, dir, '2011-07-18');
    const names = weeklyRows({ data }).map((c) => c.name);
    // A busy rep's Monday: every row called, saved or lost.
    const card = { day: '2011-07-18', runKey: 'weekly-2011-W29', data };
    for (const [k, name] of names.entries()) {
      if (k % 3 === 0) await tapOnCard(world, dir, card, name, 'Reached out');
      else if (k % 3 === 1) await tapOnCard(world, dir, card, name, 'Won back', { value: '100' });
      else await tapOnCard(world, dir, card, name, 'Lost', { reason: 'price' });
    }
    // None of them ordered that week. Customer 13564, past the card, ordered on Monday after it: the
    // card of 25 July named them "Back on track", the rows tapped being left out of the replay of
    // last week's card and the next ones moved up into it.
    expect(names).not.toContain('Customer 13564 (United Kingdom)');
    expect(weeklyLines(await runMonday(world, dir, '2011-07-25')).back).toBeNull();
  }, 120_000);
});

describe('Online Retail: five Mondays, every rep', () => {
  const REPS = [
    'uk1@example.com',
    'uk2@example.com',
    'uk3@example.com',
    'uk4@example.com',
    'export@example.com',
  ];
  let world: WeeklyWorld;
  beforeAll(async () => {
    world = await openWeeklyWorld('retailall');
    await installReps(world, REPS);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("each change line holds against the rep's two cards and the feed", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retail-all-'));
    const ordersOf = new Map<string, string[]>();
    for (const line of (await readFile(join(FEED, 'orders.csv'), 'utf8')).trimEnd().split('\n').slice(1)) {
      const [, customerId, at] = line.split(',');
      ordersOf.set(customerId, [...(ordersOf.get(customerId) ?? []), at]);
    }
    const percent = (c: WeeklyCardData['customers'][number]) =>
      Math.round((c.noOrder?.probability ?? 0) * 100);
    const wrong: string[] = [];
    let last = new Map<string, WeeklyCardData>();
    for (const day of ['2011-09-05', '2011-09-12', '2011-09-19', '2011-09-26', '2011-10-03']) {
      // Last week's list as the rows stored before this run say it: listed (listedAt, any page) and at
      // risk. A slip that went on under the bar keeps its listedAt; nobody is paused here (no taps).
      const before = await world.storage.state.getAll();
      const cards = await runMondayCards(world, dir, day);
      const after = await world.storage.state.getAll();
      const weekAgo = `${new Date(Date.parse(day) - 7 * 86_400_000).toISOString().slice(0, 10)}T08:03`;
      const orderedThisWeek = (id: string) =>
        (ordersOf.get(id) ?? []).filter((at) => at >= weekAgo && at < `${day}T08:03`);
      expect(cards.size).toBe(REPS.length);
      for (const [rep, card] of cards) {
        const said = (what: string) => wrong.push(`${day} ${rep}: ${what}`);
        const lastCard = last.get(rep)?.customers ?? [];
        for (const c of card.customers) {
          const was = before.get(c.customerId);
          const onLastList = last.size > 0 && was?.listedAt != null && was.band === 'at_risk';
          const change = c.change;
          if (orderedThisWeek(c.customerId).length > 0)
            said(`${c.name} listed, though they ordered this week`);
          if (change?.kind === 'new' && onLastList) said(`${c.name} "new", on last week's list`);
          if (change?.kind === 'back' && onLastList)
            said(`${c.name} "back on your list", on last week's list`);
          if (change?.kind === 'still' && !onLastList) said(`${c.name} "still", not on last week's list`);
          if (change?.kind === 'worse') {
            const shown = lastCard.find((x) => x.customerId === c.customerId);
            if (!onLastList) said(`${c.name} "worse", not on last week's list`);
            if (shown && percent(c) - percent(shown) !== change.points)
              said(`${c.name} "worse by ${change.points}" from ${percent(shown)}% to ${percent(c)}%`);
          }
        }
        const named = card.backOnTrack ?? [];
        for (const shown of lastCard) {
          const orders = orderedThisWeek(shown.customerId);
          const back = named.find((b) => b.name === shown.name);
          if (back && !orders.some((at) => at.startsWith(back.orderedOn)))
            said(`${shown.name} "back on track, ordered ${back.orderedOn}": orders ${orders.join(' ')}`);
          if (back && after.get(shown.customerId)?.listedAt)
            said(`${shown.name} back on track and still listed`);
          if (!back && orders.length > 0 && !after.get(shown.customerId)?.listedAt)
            said(`${shown.name} left the list by ordering, unnamed`);
        }
        if (named.some((b) => !lastCard.some((x) => x.name === b.name)))
          said('back on track: a name that was not on the last card');
      }
      last = cards;
    }
    // On the code before, 13 of these over the 25 cards: "worse by 8" from 39% to 44%, "new" and
    // "back on your list" for rows of last week's list, customers who left by ordering unnamed.
    expect(wrong).toEqual([]);
  }, 300_000);
});
