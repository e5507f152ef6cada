import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import type { Book } from '../../../rules/book';
import { defaultRules, type Rules } from '../../../rules/rulesSchema';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import type { OrderRow } from '../../helpers/bookFromRows';
import { type Node, ofType, texts } from '../../unit/cards/cardWalk';
import { advancingClock, handlerDeps, post, startActionBotHost, submitActivity } from '../taps/actionHarness';
import {
  actionStoresOf,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// The largest lists the rules allow (25 a card), sent by the weekly run and paged through the real
// bot, all against the fake connector, which refuses a message over Teams' published 100 KB counted
// as UTF-16: every page reaches the rep, and every customer on the list is on exactly one page.

const REP = 'ann@example.com';
/** The rep as Teams names them in a tap: installReps stores their install under this user id. */
const USER = { userId: `aad-${REP}`, name: `Rep ${REP}`, channelId: `29:${REP}` };
const LISTED = 40;

/** `LISTED` customers of REP who stopped ordering in September (all slipping on 23 Nov). */
function bookOf(idOf: (k: number) => string, nameOf: (k: number) => string, more: OrderRow[] = []): Book {
  const ids = Array.from({ length: LISTED }, (_, k) => idOf(k));
  // slippingBook adds a steady customer, who keeps the feed current (orders up to the week before).
  return slippingBook(
    [REP],
    { slipping: 0 },
    {
      customers: ids.map((id, k) => ({ id, name: nameOf(k), owner: REP, monthlyValue: 1000 + 10 * k })),
      orders: [...ids.flatMap((id) => weeklyOrders(id, '2026-01-05', '2026-09-14')), ...more],
    },
  );
}

describe('cards at the size Teams takes', () => {
  let world: WeeklyWorld;
  let host: Awaited<ReturnType<typeof startActionBotHost>> | undefined;
  beforeEach(async () => {
    world = await openWeeklyWorld('size');
    await installReps(world, [REP]);
  });
  afterEach(async () => {
    await host?.host.close();
    host = undefined;
    await world.stop();
  });

  /** The bot over HTTP on the world's stores, listing from `book` (as of `now`: the taps' default day). */
  function startBot(book: Book, rules: Rules, now?: Date) {
    return startActionBotHost(
      world.storage,
      handlerDeps(actionStoresOf(world), {
        rules,
        listsNow: listsNowFrom(async () => ({ book }), rules),
        ...(now ? { clock: advancingClock(now) } : {}),
      }),
    );
  }

  /** The weekly card, then each page its "Show the next" button brings through the bot: their rows' ids. */
  async function pagesThroughTheBot(book: Book, rules: Rules): Promise<string[][]> {
    const report = await runWeekly(depsFor(world, book, { rules }), { now: SEND_TIME });
    expect(report).toMatchObject({ counts: { delivered: 1 } });
    const [weekly] = world.fake.sentTo(conversationOf(REP));
    host = await startBot(book, rules);
    const pages: string[][] = [];
    let card = contentOf(weekly.activity);
    let messageId = weekly.activityId;
    for (;;) {
      expect(adaptiveCardErrors(card)).toEqual([]);
      // The header counts the whole list on every page.
      expect(texts(card)[0]).toMatch(new RegExp(`^(Week 48|Your list now) · ${LISTED} slipping;`));
      pages.push(rowIds(card));
      const button = ofType(card, 'Action.Submit').find((a) => String(a.title).startsWith('Show the next'));
      if (!button) break;
      const chat = `a:${USER.userId}`;
      const before = world.fake.sentTo(chat).length;
      const status = await post(
        host.host.url,
        submitActivity(world.fake.serviceUrl, USER, button.data as Record<string, unknown>, {
          replyToId: messageId,
        }),
      );
      expect(status).toBe(200);
      const replies = world.fake.sentTo(chat).slice(before);
      expect(replies).toHaveLength(1);
      card = contentOf(replies[0].activity);
      messageId = replies[0].activityId;
      // The button said how many rows the page it brings shows.
      expect(button.title).toBe(`Show the next ${rowIds(card).length}`);
    }
    expect(world.fake.stats.tooLarge).toBe(0);
    return pages;
  }

  it('25 ordinary rows a card: every page is delivered, each customer on exactly one', async () => {
    const book = bookOf(
      (k) => `cust-${k}`,
      (k) => `Greenfield Cafe ${k}`,
    );
    const pages = await pagesThroughTheBot(book, { ...defaultRules(), capPerRep: 25 });
    const ids = pages.flat();
    expect(ids).toHaveLength(LISTED);
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: LISTED }, (_, k) => `cust-${k}`)));
    expect(pages.length).toBeGreaterThan(1);
  });

  it('a customer the size moved off the weekly card is not flagged: no surfaced row, no surfacedAt', async () => {
    const book = bookOf(
      (k) => `cust-${k}`,
      (k) => `Greenfield Cafe ${k}`,
    );
    const rules = { ...defaultRules(), capPerRep: 25 };
    await runWeekly(depsFor(world, book, { rules }), { now: SEND_TIME });
    const [weekly] = world.fake.sentTo(conversationOf(REP));
    const onCard = rowIds(contentOf(weekly.activity));
    // 25 ordinary rows take more than the 80 KB: the card shows fewer, the rest are on its next page.
    expect(onCard.length).toBeLessThan(25);
    const surfaced = (await world.storage.audit.readMonth('2026-11')).filter((r) => r.action === 'surfaced');
    // The month's "flagged" and win-back rate, the team tab's untouched list, read these rows.
    expect(new Set(surfaced.map((r) => r.customerId))).toEqual(new Set(onCard));
    const states = await world.storage.state.getAll();
    const marked = [...states.values()].filter((s) => s.surfacedAt !== null).map((s) => s.customerId);
    expect(new Set(marked)).toEqual(new Set(onCard));
  });

  it('"Show the next" goes on after the card\'s last customer when customers above them ordered since', async () => {
    const rules = { ...defaultRules(), capPerRep: 25 };
    const id = (k: number) => `cust-${k}`;
    const name = (k: number) => `Greenfield Cafe ${k}`;
    await runWeekly(depsFor(world, bookOf(id, name), { rules }), { now: SEND_TIME });
    const [weekly] = world.fake.sentTo(conversationOf(REP));
    const card = contentOf(weekly.activity);
    // The list is ranked by value: cust-39 first, then down by one.
    const shown = rowIds(card);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, k) => id(39 - k)));
    const button = ofType(card, 'Action.Submit').find((a) => String(a.title).startsWith('Show the next'));
    // On Wednesday the two at the top of the card have ordered again: off the list as of now.
    const ordered = bookOf(id, name, [
      { customerId: id(39), date: '2026-11-24', amount: 300 },
      { customerId: id(38), date: '2026-11-24', amount: 300 },
    ]);
    host = await startBot(ordered, rules, new Date('2026-11-25T16:00:00Z'));
    const chat = `a:${USER.userId}`;
    const status = await post(
      host.host.url,
      submitActivity(world.fake.serviceUrl, USER, button?.data as Record<string, unknown>, {
        replyToId: weekly.activityId,
      }),
    );
    expect(status).toBe(200);
    const [reply] = world.fake.sentTo(chat);
    expect(rowIds(contentOf(reply.activity))[0]).toBe(id(39 - shown.length));
  });

  it("last week's \"Show the next\" shows page 2 of this week's list, not from the row last week's card ended at", async () => {
    const rules = { ...defaultRules(), capPerRep: 25 };
    const id = (k: number) => `cust-${k}`;
    await runWeekly(
      depsFor(
        world,
        bookOf(id, (k) => `Greenfield Cafe ${k}`),
        { rules },
      ),
      { now: SEND_TIME },
    );
    const [weekly] = world.fake.sentTo(conversationOf(REP));
    const stale = ofType(contentOf(weekly.activity), 'Action.Submit').find((a) =>
      String(a.title).startsWith('Show the next'),
    );
    // A week on, the feed names the customers at length: this week's pages hold fewer rows.
    const renamed = bookOf(id, (k) => `${'Greenfield Organic Wholesale Cafe & Bakery Ltd '.repeat(8)}${k}`);
    host = await startBot(renamed, rules, new Date('2026-11-30T16:00:00Z'));
    const tap = async (data: Record<string, unknown>) => {
      const chat = `a:${USER.userId}`;
      const before = world.fake.sentTo(chat).length;
      const status = await post(
        host?.host.url ?? '',
        submitActivity(world.fake.serviceUrl, USER, data, { replyToId: weekly.activityId }),
      );
      expect(status).toBe(200);
      const [reply] = world.fake.sentTo(chat).slice(before);
      return rowIds(contentOf(reply.activity));
    };
    const thisWeeksPage2 = await tap({ action: 'list_page', page: 2, v: 1 });
    expect(await tap(stale?.data as Record<string, unknown>)).toEqual(thisWeeksPage2);
  });

  it('25 rows a card with the longest ids and names the feed takes: the pages hold fewer rows, all delivered', async () => {
    const idOf = (k: number) => `${String(k).padStart(3, '0')}-${'customer-'.repeat(44)}`;
    const book = bookOf(idOf, (k) => `${'Greenfield Organic Wholesale Cafe & Bakery Ltd '.repeat(21)}${k}`);
    const pages = await pagesThroughTheBot(book, { ...defaultRules(), capPerRep: 25 });
    const ids = pages.flat();
    expect(ids).toHaveLength(LISTED);
    // The taps carry each customer's id whole.
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: LISTED }, (_, k) => idOf(k))));
    expect(pages[0].length).toBeLessThan(25);
  });
});

function contentOf(activity: Record<string, unknown>): Node {
  return (activity.attachments as { content: Node }[])[0].content;
}

/** The customer ids of a card's rows, from their Reached out buttons. */
function rowIds(card: Node): string[] {
  return ofType(card, 'Action.Submit')
    .map((a) => a.data as { action?: string; customerId?: string })
    .filter((d) => d.action === 'reached_out')
    .map((d) => String(d.customerId));
}
