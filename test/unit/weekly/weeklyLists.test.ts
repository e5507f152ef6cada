import { describe, expect, it } from 'vitest';
import { MAX_CARD_CUSTOMERS } from '../../../cards/cardModels';
import { countGates, repWeeks } from '../../../jobs/weekly/weeklyLists';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { scoredBook } from './scoredFixture';

function customers(owner: string, n: number, slip: boolean) {
  return Array.from({ length: n }, (_, k) => ({
    id: `${owner}-${slip ? 's' : 'ok'}${k}`,
    owner,
    monthlyValue: 100 * (k + 1),
    slip,
  }));
}

describe('repWeeks', () => {
  it('lists every owner, sorted, with the cap shown in rank order and the rest as overflow', () => {
    const rules = { ...defaultRules(), capPerRep: 3 };
    const book = scoredBook([...customers('bob@x.com', 5, true), ...customers('ann@x.com', 2, false)], rules);
    const weeks = repWeeks(book.customers, rules.capPerRep);
    expect(weeks.map((w) => w.owner)).toEqual(['ann@x.com', 'bob@x.com']);
    expect(weeks[0]).toMatchObject({ owner: 'ann@x.com', shown: [], overflow: [], backOnTrack: [] });
    expect(weeks[0].counts).toEqual({ slipping: 0, not_back: 0, lapsed: 0 });
    expect(weeks[1].counts).toEqual({ slipping: 5, not_back: 0, lapsed: 0 });
    // Ranked by value at risk: the most valuable first.
    expect(weeks[1].shown.map((c) => c.customerId)).toEqual(['bob@x.com-s4', 'bob@x.com-s3', 'bob@x.com-s2']);
    expect(weeks[1].overflow.map((c) => c.customerId)).toEqual(['bob@x.com-s1', 'bob@x.com-s0']);
  });

  it('never shows more rows than the card allows, whatever the cap', () => {
    const rules = { ...defaultRules(), capPerRep: 40 };
    const book = scoredBook(customers('bob@x.com', 30, true), rules);
    const [week] = repWeeks(book.customers, rules.capPerRep);
    expect(week.shown).toHaveLength(MAX_CARD_CUSTOMERS);
    expect(week.overflow).toHaveLength(30 - MAX_CARD_CUSTOMERS);
  });
});

describe('countGates', () => {
  it('splits the book by verdict: on a list, past the cap, kept off by each gate', () => {
    const rules = { ...defaultRules(), capPerRep: 1, valueFloor: 150 };
    const rows = [...customers('bob@x.com', 4, true), ...customers('bob@x.com', 1, false)];
    const base = initialState({ customerId: '', name: '', owner: 'bob@x.com', monthlyValue: 0 });
    const states = new Map([
      ['bob@x.com-s2', { ...base, customerId: 'bob@x.com-s2', lastContact: '2026-11-20' }],
      ['bob@x.com-s3', { ...base, customerId: 'bob@x.com-s3', status: 'lost' as const }],
    ]);
    expect(countGates(scoredBook(rows, rules, states).customers)).toEqual({
      customers: 5,
      atRisk: 4,
      surfaced: 1,
      overCap: 0,
      keptOff: { lost: 1, paused: 1, cooling_down: 0, silent_past_value_window: 0, below_floor: 1 },
    });
    expect(countGates(scoredBook(rows, rules).customers)).toMatchObject({
      surfaced: 1,
      overCap: 2,
      keptOff: { lost: 0, paused: 0, below_floor: 1 },
    });
  });
});
