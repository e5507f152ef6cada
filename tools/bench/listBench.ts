import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listsWithNotice } from '../../bot/taps/listNotice';
import { buildWeeklyCard } from '../../cards/buildWeeklyCard';
import { folderFeedVersion } from '../../feed/feedFiles';
import { feedOptionsFrom } from '../../feed/feedOptions';
import { feedReadKey, keptFeed } from '../../feed/keptFeed';
import { readFeed } from '../../feed/readFeed';
import { weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { keptListsNow } from '../../jobs/weekly/keptListsNow';
import { repCardData } from '../../jobs/weekly/weeklyCardFor';
import { type ListsNow, type ListsNowRequest, listsNowFrom } from '../../jobs/weekly/weeklyPlan';
import { defaultRules } from '../../rules';
import { type CustomerState, initialState } from '../../rules/customerState';
import { generateLargeFeed } from './generateLargeFeed';

/**
 * `list` and its next page ("Show the next 10", `list 2`) on a 100,000-customer / 2M-order book
 * (the feed bench's generator, 50 reps): the lists planned and one rep's page cut into a card, as
 * the bot answers. Before: every page read the feed and planned the week afresh (listsNowFrom).
 * After: through the kept feed and the kept plan (keptListsNow), cold and after a timer or a tab
 * has read the feed, and after a tap (the rep's own, a Won back, another rep's), planned again
 * from the kept scoring of the book. The states are one unchanged map (as the kept states hand out
 * between pages); the table reads around them are not timed. Last, when the rep reads "Working out
 * your list" on a first list (bot/taps/listNotice.ts), against Bot Service's 10 to 15 seconds.
 */
const AS_OF = '2026-01-05'; // a Monday, days after the generated orders end
const CUSTOMERS = 100_000;
const ORDERS = 2_000_000;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'list-bench-'));
  try {
    await generateLargeFeed(dir, { customers: CUSTOMERS, orders: ORDERS });
    const rules = defaultRules();
    const runKey = weeklyRunKeyOfDay(AS_OF);
    const states = new Map<string, CustomerState>();
    const request: ListsNowRequest = { localDate: AS_OF, runKey, states };
    const read = (asOf: string) => readFeed(dir, feedOptionsFrom(rules, asOf));
    const kept = () => {
      const feed = keptFeed({ version: () => folderFeedVersion(dir), clock: () => new Date() });
      const readBook = (asOf: string) =>
        feed.read({ key: feedReadKey(rules, asOf), read: () => read(asOf), recheck: true });
      const lists = keptListsNow({ rules: async () => rules, readBook, clock: () => new Date() });
      return { readBook, lists };
    };

    /** One answer: the lists, then the busiest rep's page `page` cut and built into a card. */
    const answer = async (
      listsNow: (r: ListsNowRequest) => Promise<ListsNow>,
      page: number,
      asked: ListsNowRequest = request,
    ) => {
      const started = performance.now();
      const lists = await listsNow(asked);
      if ('stale' in lists) throw new Error('the generated feed reads as stale');
      const week = lists.weeks.reduce((a, b) => (b.overflow.length > a.overflow.length ? b : a));
      buildWeeklyCard(
        repCardData(week, rules, runKey, { page, kind: 'list', date: AS_OF, horizonDays: lists.horizonDays }),
      );
      return performance.now() - started;
    };

    const old = listsNowFrom(read, rules);
    // The busiest rep's first customer has the row `list` or a weekly run stored.
    const first = await old(request);
    if ('stale' in first) throw new Error('the generated feed reads as stale');
    const c = first.weeks.reduce((a, b) => (b.overflow.length > a.overflow.length ? b : a)).shown[0];
    const row = initialState({ ...c, customerId: c.customerId });
    states.set(c.customerId, row);
    const beforeFirst = await answer(old, 1);
    const beforeNext = await answer(old, 2);
    const cold = kept();
    const afterFirst = await answer(cold.lists, 1);
    const afterNext = await answer(cold.lists, 2);
    // The rep taps Reached out on that customer, then "Show the next": a new read of the states,
    // the customer put back as before the tap.
    const reached = new Map(states).set(c.customerId, { ...row, lastContact: AS_OF });
    const afterTap = await answer(cold.lists, 2, { ...request, states: reached, asBefore: [c.customerId] });
    // Won back changes more than the put-back fields: planned again, from the kept scoring.
    const saved = new Map(states).set(c.customerId, {
      ...row,
      wonBackAt: AS_OF,
      surfacedAt: null,
      recoveredValue: 100,
    });
    const afterSave = await answer(cold.lists, 2, { ...request, states: saved, asBefore: [c.customerId] });
    // Another rep taps Reached out on one of theirs: every customer's state is read anew, and the
    // busiest rep's next page is planned against it (before the kept scoring: the whole plan again).
    const other = first.weeks.find((w) => w.owner !== c.owner && w.shown.length > 0)?.shown[0];
    if (!other) throw new Error('the generated feed lists one rep only');
    const otherTapped = new Map(saved).set(other.customerId, {
      ...initialState({ ...other, customerId: other.customerId }),
      lastContact: AS_OF,
    });
    const afterOtherTap = await answer(cold.lists, 2, {
      ...request,
      states: otherTapped,
      asBefore: [c.customerId],
    });
    // A timer tick or a tab read the feed first: `list` plans from that read.
    const warm = kept();
    await warm.readBook(AS_OF);
    const afterWarmFirst = await answer(warm.lists, 1);

    /** A first list as the bot asks for it: when the rep was told it is coming, and when it was planned. */
    const toldFirst = async (listsNow: (r: ListsNowRequest) => Promise<ListsNow>) => {
      const started = performance.now();
      let told: number | undefined;
      await listsWithNotice(listsNow, request, async () => {
        told = performance.now() - started;
      });
      return { told, planned: performance.now() - started };
    };
    const toldCold = await toldFirst(kept().lists);
    const warmAgain = kept();
    await warmAgain.readBook(AS_OF);
    const toldWarm = await toldFirst(warmAgain.lists);

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const toldWords = (t: { told?: number; planned: number }) =>
      `${t.told === undefined ? 'not told' : `told after ${s(t.told)}`}, planned after ${s(t.planned)}`;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(0)}x`;
    console.log(
      `${CUSTOMERS.toLocaleString('en-US')} customers / ${ORDERS.toLocaleString('en-US')} orders, as of ${AS_OF}:`,
    );
    console.log(
      `  before (read + plan on every page): first list ${s(beforeFirst)}, next page ${s(beforeNext)}`,
    );
    console.log(
      `  after (kept feed, kept plan):       first list ${s(afterFirst)}, next page ${s(afterNext)} (${ratio(beforeNext, afterNext)} faster)`,
    );
    console.log(
      `  after, the feed already read by a timer or a tab: first list ${s(afterWarmFirst)} (${(beforeFirst / afterWarmFirst).toFixed(1)}x faster)`,
    );
    console.log(
      `  after, next page after a Reached out tap ${s(afterTap)}; after a Won back tap (planned again) ${s(afterSave)}`,
    );
    console.log(
      `  after, next page after another rep's tap ${s(afterOtherTap)} (the whole plan from the read feed: ${s(afterWarmFirst)})`,
    );
    console.log(
      `  "Working out your list" on a first list: ${toldWords(toldCold)}; the feed already read: ${toldWords(toldWarm)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
