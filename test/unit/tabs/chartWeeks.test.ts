import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Log } from '../../../bot/ports';
import { numberWords } from '../../../cards/format';
import type { RulesNow } from '../../../feed/keptRules';
import { readFeed } from '../../../feed/readFeed';
import { type Book, dayOf } from '../../../rules/book';
import { initialState } from '../../../rules/customerState';
import { chancePercent } from '../../../rules/noOrderChance';
import { defaultRules, type Rules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { scoredWeeks } from '../../../tabs/api/customerViews';
import { createTabService, HISTORY_WEEKS } from '../../../tabs/api/tabService';
import type { WeekPoint } from '../../../tabs/api/tabTypes';
import { DEMO_AS_OF } from '../../../tools/local/settings';
import { wholesaleBook } from '../../synthetic/wholesaleBook';

// A customer page's week-by-week chart: the book scored as of each of the last twelve Mondays.

const rules = defaultRules();
const MANAGER = { userId: 'aad-maria', name: 'Maria', email: 'maria@x.example', tenantId: '' };

/** The tab service over `book` on `now`, as a manager (who sees every customer). */
function tabsOver(
  book: Book,
  now: string,
  options: { rules?: RulesNow; log?: Pick<Log, 'warn'>; auditRead?: () => Promise<void> } = {},
) {
  return createTabService({
    storage: {
      state: {
        get: async (customerId: string) => ({
          state: initialState({ customerId, name: customerId, owner: 'ana@x.example', monthlyValue: 100 }),
          etag: 'e',
        }),
      },
      audit: {
        latestForCustomer: async () => {
          await options.auditRead?.();
          return [];
        },
      },
      listings: { readRow: async () => ({ weeks: [], startedAgain: false }) },
      conversations: { getRep: async () => null, getRepByEmail: async () => null, listReps: async () => [] },
    } as unknown as Parameters<typeof createTabService>[0]['storage'],
    cards: { pushRecentAction: async () => undefined },
    states: async () => new Map(),
    rules: options.rules ?? rules,
    log: options.log,
    readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
    timeZone: 'UTC',
    access: { tenantId: '', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    clock: () => new Date(now),
  });
}

/**
 * Each customer's chart as the book scored whole as of each Monday states it (the card's figures:
 * the chance as the card words it; nothing before the first order), by book index.
 */
function chartsFromWholeScorings(book: Book, today: string): WeekPoint[][] {
  const scorings = scoredWeeks(today, HISTORY_WEEKS).map((monday) =>
    scoreBook(book, rules, dayOf(monday), new Map(), { numbers: numberWords('en-US') }),
  );
  return book.customers.map((_, i) =>
    scorings.map((scored) => {
      const c = scored.customers[i];
      const ordered = c.lastOrderDay !== null;
      return {
        week: scored.asOf,
        noOrderProbability: ordered ? chancePercent(c.listChance) / 100 : null,
        horizonDays: scored.noOrderHorizonDays,
      };
    }),
  );
}

async function expectChartsOfWholeScorings(book: Book, now: string): Promise<void> {
  const tabs = tabsOver(book, now);
  const expected = chartsFromWholeScorings(book, now.slice(0, 10));
  const charts: WeekPoint[][] = [];
  for (const c of book.customers) charts.push((await tabs.chart(MANAGER, c.id)).weeks);
  expect(charts).toEqual(expected);
  // The books hold customers both before and after their first order within the twelve weeks.
  const points = charts.flat();
  expect(points.some((p) => p.noOrderProbability === null)).toBe(true);
  expect(points.filter((p) => p.noOrderProbability !== null).length).toBeGreaterThan(points.length / 2);
}

describe("a customer page's chart", () => {
  it('is, for every customer of the demo book, what the book scored whole as of each Monday states', async () => {
    const { book } = await readFeed(join(__dirname, '..', '..', '..', 'demo', 'feed'));
    await expectChartsOfWholeScorings(book, `${DEMO_AS_OF}T15:00:00Z`);
  });

  it('is so on a generated wholesale book too, a Wednesday (this week’s Monday scored apart from today)', async () => {
    const { book } = wholesaleBook({ seed: 31, customers: 800, reps: 8, from: '2026-04-01' });
    await expectChartsOfWholeScorings(book, '2026-11-04T15:00:00Z');
  });

  it('keeps a few bytes a customer for its twelve weeks, not twelve scorings of the book', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { book } = wholesaleBook({ seed: 7, customers: 5_000, reps: 25 });
    const tabs = tabsOver(book, '2026-11-04T15:00:00Z');
    // Today's scoring is kept for the list: held before and after.
    await tabs.customers(MANAGER);
    gc();
    const before = process.memoryUsage().heapUsed;
    const chart = await tabs.chart(MANAGER, book.customers[0].id);
    gc();
    const held = process.memoryUsage().heapUsed - before;
    expect(chart.weeks).toHaveLength(HISTORY_WEEKS);
    // Twelve whole scorings of 5,000 customers held about 30 MB; the chart's figures are 180 KB.
    expect(held / 1048576).toBeLessThan(6);
  }, 120_000);
});

describe("a customer page's chart, worked out ahead", () => {
  it("starts after the day's first list, once per feed read; a failed scoring is logged, not the end of the process, and a page asking works it out again", async () => {
    const { book } = wholesaleBook({ seed: 31, customers: 300, reps: 3, from: '2026-04-01' });
    // Rules whose scoring fails from the moment the test says: the list is scored, the chart's Mondays are not.
    let failing = false;
    const { model, ...rest } = defaultRules();
    const flaky = Object.defineProperty({ ...rest }, 'model', {
      enumerable: true,
      get: () => {
        if (failing) throw new Error('the scoring failed');
        return model;
      },
    }) as Rules;
    const warned: unknown[] = [];
    const tabs = tabsOver(book, '2026-11-04T15:00:00Z', {
      rules: flaky,
      log: { warn: (message, details) => warned.push({ message, ...details }) },
    });
    const customer = book.customers[0].id;
    await tabs.customers(MANAGER);
    failing = true;
    // More answers of the same feed read while the chart is worked out: none starts it again.
    await tabs.customers(MANAGER);
    await tabs.customer(MANAGER, customer);
    await expect.poll(() => warned.length).toBe(1);
    await tabs.customers(MANAGER);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(warned).toEqual([
      {
        message: 'the tabs could not work out the customer pages’ chart ahead of a page',
        day: '2026-11-04',
        error: 'the scoring failed',
      },
    ]);
    // The page asks: worked out then, as it was before anything was worked out ahead.
    failing = false;
    const chart = await tabs.chart(MANAGER, customer);
    expect(chart.weeks).toHaveLength(HISTORY_WEEKS);
    expect(chart.weeks.at(-1)?.noOrderProbability).toBe(
      (await tabs.customer(MANAGER, customer)).customer.noOrderChance,
    );
  });
});

describe("a customer page's chart, worked out while other answers are under way", () => {
  it('scores no Monday while a page is being answered: the page waits for the Monday in progress at most', async () => {
    const { book } = wholesaleBook({ seed: 31, customers: 300, reps: 3, from: '2026-04-01' });
    // The page's read of what reps did comes back when the test says (a slow table).
    let answerRead = () => {};
    let held = false;
    const tabs = tabsOver(book, '2026-11-04T15:00:00Z', {
      auditRead: () => (held ? new Promise<void>((resolve) => (answerRead = resolve)) : Promise.resolve()),
    });
    const customer = book.customers[0].id;
    await tabs.customers(MANAGER);
    held = true;
    const page = tabs.customer(MANAGER, customer);
    let charted = false;
    const chart = tabs.chart(MANAGER, customer).then((c) => {
      charted = true;
      return c;
    });
    // Time for twelve Mondays of 300 customers many times over: none is scored while the page is under way.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(charted).toBe(false);
    answerRead();
    await page;
    expect((await chart).weeks).toHaveLength(HISTORY_WEEKS);
  });
});

describe("a customer page's chart worked out ahead, when the rules or the feed change meanwhile", () => {
  it('stops at its next Monday: the chart of the rules in force is not kept waiting for it', async () => {
    const { book } = wholesaleBook({ seed: 31, customers: 300, reps: 3, from: '2026-04-01' });
    // The rules the list was scored by, whose scorings the test counts once they are replaced.
    let replaced = false;
    let scoredByReplaced = 0;
    const { model, ...rest } = defaultRules();
    const before = Object.defineProperty({ ...rest }, 'model', {
      enumerable: true,
      get: () => {
        if (replaced) scoredByReplaced++;
        return model;
      },
    }) as Rules;
    let inForce = before;
    let answerRead = () => {};
    let held = false;
    const tabs = tabsOver(book, '2026-11-04T15:00:00Z', {
      rules: async () => inForce,
      auditRead: () => (held ? new Promise<void>((resolve) => (answerRead = resolve)) : Promise.resolve()),
    });
    const customer = book.customers[0].id;
    // A page under way holds the chart worked out ahead of the list at its first Monday.
    held = true;
    const page = tabs.customer(MANAGER, customer);
    await tabs.customers(MANAGER);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A page asks for it then: it gets a chart all the same, the new rules' once they replace these.
    const asked = tabs.chart(MANAGER, customer);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The rules file is edited: a page asks for the chart of the new rules.
    inForce = defaultRules();
    replaced = true;
    const chart = tabs.chart(MANAGER, customer);
    await new Promise((resolve) => setTimeout(resolve, 100));
    answerRead();
    await page;
    expect((await chart).weeks).toHaveLength(HISTORY_WEEKS);
    expect(await asked).toEqual(await chart);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(scoredByReplaced).toBe(0);
  });
});
