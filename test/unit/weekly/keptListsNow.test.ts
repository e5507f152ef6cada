import { describe, expect, it } from 'vitest';
import { weeklyRunKeyOfDay } from '../../../jobs/schedule/weeklyRunDue';
import { keptListsNow } from '../../../jobs/weekly/keptListsNow';
import { type ListsNow, type ListsNowRequest, listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { dayOf, isoOfDay } from '../../../rules/book';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { seededRandom } from '../../../rules/seededRandom';
import { WHOLESALE_AS_OF, wholesaleBook } from '../../synthetic/wholesaleBook';
import { AS_OF, slipBook } from './scoredFixture';

// `list` and its pages after the states changed: judged again from the book as kept scored, the
// lists must be the ones a plan from scratch gives, and the book is not planned again (the bot tells
// the rep "Working out your list" before a large book is, so a page after another rep's tap waited).

const ANA = 'ana@contoso.com';
const BEN = 'ben@contoso.com';
/** `count` customers of `owner` who stopped ordering in September, `who-0` worth the least. */
const slipping = (who: string, owner: string, count: number, monthlyValue: number) =>
  Array.from({ length: count }, (_, k) => ({
    id: `${who}-${k}`,
    name: `${who} ${k}`,
    owner,
    monthlyValue: monthlyValue + 10 * k,
    slip: true,
  }));
const book = slipBook([
  ...slipping('ana', ANA, 12, 100),
  ...slipping('ben', BEN, 3, 200),
  { id: 'steady-1', name: 'Harbour Deli', owner: BEN, monthlyValue: 800, slip: false },
]);
const rules = defaultRules();
const clock = () => new Date(`${AS_OF}T09:00:00.000Z`);
const runKey = 'weekly-2026-W48';

/** A stored row of the customer as the weekly run or a page before it would store one, then `change`. */
function row(id: string, change: Partial<CustomerState> = {}): CustomerState {
  const c = book.customers.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} in the book`);
  return { ...initialState({ customerId: id, name: c.name, owner: c.owner, monthlyValue: 100 }), ...change };
}

const shown = (lists: ListsNow, owner: string) =>
  'stale' in lists ? [] : (lists.weeks.find((w) => w.owner === owner)?.shown.map((c) => c.customerId) ?? []);

describe('keptListsNow after the states changed', () => {
  it('judges the kept scoring again: the lists a fresh plan gives, without planning the book anew', async () => {
    const planned: string[] = [];
    const listsNow = keptListsNow({ rules: async () => rules, readBook: async () => ({ book }), clock });
    const fresh = listsNowFrom(async () => ({ book }), rules, clock);
    const ask = async (states: ReadonlyMap<string, CustomerState>, asBefore: string[] = []) => {
      const request: ListsNowRequest = { localDate: AS_OF, runKey, states, asBefore };
      const kept = await listsNow({
        ...request,
        beforePlanning: async () => {
          planned.push(`${states.size} rows`);
        },
      });
      expect(kept).toEqual(await fresh(request));
      return kept;
    };

    // Last week's card listed Ana's first three; one of Ana's was won back twice within the year.
    const stored = new Map<string, CustomerState>([
      ...[0, 1, 2].map((k): [string, CustomerState] => [
        `ana-${k}`,
        row(`ana-${k}`, { segment: 'slipping', surfacedAt: '2026-11-16' }),
      ]),
      ['ana-5', row('ana-5', { wonBackAt: '2026-08-03', previousWonBackAt: '2026-03-02' })],
    ]);
    const first = await ask(stored);
    expect(planned).toEqual(['4 rows']);
    expect(shown(first, BEN)).toEqual(['ben-2', 'ben-1', 'ben-0']);

    // Before the team's first run, the page stores a bare row for each customer it shows.
    const paged = new Map(stored);
    for (const id of shown(first, ANA)) if (!paged.has(id)) paged.set(id, row(id));
    await ask(paged);

    // Another rep reached out to one of theirs: off their list for the pause.
    const otherTap = new Map(paged).set('ben-2', row('ben-2', { lastContact: AS_OF }));
    const afterOtherTap = await ask(otherTap);
    expect(shown(afterOtherTap, BEN)).toEqual(['ben-1', 'ben-0']);

    // Ana won one back (a save, not put back by the put-back of her own page), then pages on.
    const saved = new Map(otherTap).set(
      'ana-11',
      row('ana-11', { status: 'active', wonBackAt: AS_OF, recoveredValue: 210 }),
    );
    const afterSave = await ask(saved, ['ana-0']);
    expect(shown(afterSave, ANA)).not.toContain('ana-11');

    expect(planned).toEqual(['4 rows']);
  });

  it('keeps no scoring of a book above its size limit: a change of states scores it again', async () => {
    const planned: string[] = [];
    const listsNow = keptListsNow({
      rules: async () => rules,
      readBook: async () => ({ book }),
      clock,
      keptScoringMaxCustomers: book.customers.length - 1,
    });
    const beforePlanning = async () => {
      planned.push('planned');
    };
    const states = new Map([['ana-0', row('ana-0')]]);
    await listsNow({ localDate: AS_OF, runKey, states: new Map(), beforePlanning });
    await listsNow({ localDate: AS_OF, runKey, states, beforePlanning });
    expect(planned).toEqual(['planned', 'planned']);
  });

  it('scores the book again for another day', async () => {
    const planned: string[] = [];
    const listsNow = keptListsNow({ rules: async () => rules, readBook: async () => ({ book }), clock });
    const beforePlanning = async () => {
      planned.push('planned');
    };
    await listsNow({ localDate: AS_OF, runKey, states: new Map(), beforePlanning });
    const tuesday: ListsNowRequest = {
      localDate: '2026-11-24',
      runKey,
      states: new Map([['ben-0', row('ben-0')]]),
    };
    expect(await listsNow({ ...tuesday, beforePlanning })).toEqual(
      await listsNowFrom(async () => ({ book }), rules, clock)(tuesday),
    );
    expect(planned).toEqual(['planned', 'planned']);
  });
});

describe('keptListsNow after any run of writes', () => {
  it('gives the lists a fresh plan gives, and leaves the lists it gave before as they were', async () => {
    // A generated book with a holdout, and rows of every kind a rep's taps, a save, a loss, a move
    // to another rep or a run leave: paused, cooling down, lost, won back twice, listed weeks ago.
    const { book: wholesale } = wholesaleBook({ seed: 7, customers: 300, reps: 3 });
    const held = { ...defaultRules(), holdoutPercent: 20, capPerRep: 6 };
    const day = dayOf(WHOLESALE_AS_OF);
    const rand = seededRandom(16);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const ago = (days: number) => isoOfDay(day - Math.floor(rand() * days) + 2);
    const owners = [...new Set(wholesale.customers.map((c) => c.owner))];
    const someRow = (k: number): [string, CustomerState] => {
      const c = wholesale.customers[k];
      const owner = rand() < 0.15 ? pick(owners) : c.owner;
      const s = initialState({ customerId: c.id, name: c.name, owner, monthlyValue: 100 });
      if (rand() < 0.4) s.segment = pick(['slipping', 'not_back', 'lapsed'] as const);
      if (rand() < 0.5) s.surfacedAt = ago(40);
      if (rand() < 0.4) s.listedAt = ago(40);
      if (rand() < 0.3) s.lastContact = rand() < 0.5 ? ago(30) : isoOfDay(day - 14 - Math.floor(rand() * 7));
      if (rand() < 0.2) s.wonBackAt = ago(250);
      if (s.wonBackAt && rand() < 0.6)
        s.previousWonBackAt = isoOfDay(dayOf(s.wonBackAt) - 1 - Math.floor(rand() * 400));
      if (rand() < 0.08) {
        s.status = 'lost';
        s.lostAt = rand() < 0.3 ? null : ago(20);
      }
      return [c.id, s];
    };
    const anyone = () => Math.floor(rand() * wholesale.customers.length);
    let planned = 0;
    const listsNow = keptListsNow({
      rules: async () => held,
      readBook: async () => ({ book: wholesale }),
      clock,
    });
    const fresh = listsNowFrom(async () => ({ book: wholesale }), held, clock);
    let states = new Map(Array.from({ length: 90 }, () => someRow(anyone())));
    const given: { lists: ListsNow; copy: ListsNow }[] = [];
    for (let step = 0; step < 24; step++) {
      states = new Map(states);
      const write = pick(['tap', 'tap', 'many', 'gone']);
      for (let k = write === 'tap' ? 1 : 15; k > 0; k--) {
        if (write === 'gone') states.delete(wholesale.customers[anyone()].id);
        else states.set(...someRow(anyone()));
      }
      const asBefore = wholesale.customers.filter(() => rand() < 0.03).map((c) => c.id);
      const request: ListsNowRequest = {
        localDate: WHOLESALE_AS_OF,
        runKey: weeklyRunKeyOfDay(WHOLESALE_AS_OF),
        states,
        asBefore,
      };
      const lists = await listsNow({
        ...request,
        beforePlanning: async () => {
          planned++;
        },
      });
      expect(lists).toEqual(await fresh(request));
      given.push({ lists, copy: structuredClone(lists) });
    }
    expect(planned).toBe(1);
    for (const { lists, copy } of given) expect(lists).toEqual(copy);
    // 24 fresh plans to compare with: 17 s on a quiet machine, past 30 s on a loaded one.
  }, 120_000);
});
