import { describe, expect, it } from 'vitest';
import { weeklyRunKeyOfDay } from '../../../jobs/schedule/weeklyRunDue';
import { planWeek } from '../../../jobs/weekly/weeklyPlan';
import type { CustomerState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookFromRows } from '../../helpers/bookFromRows';
import { weekly } from './scoredFixture';

// Alder was on Ana's card; before the next Monday the feed gives Alder to Ben, and Alder orders.

const ANA = 'ana@x.com';
const BEN = 'ben@x.com';

const orders = [
  ...weekly('alder', '2026-06-01', '2026-10-19', 300),
  { customerId: 'alder', date: '2026-11-18', amount: 300 },
  // A steady customer each, so both reps are in the book.
  ...weekly('ana-ok', '2026-06-01', '2026-11-23', 300),
  ...weekly('ben-ok', '2026-06-01', '2026-11-23', 300),
];
const bookOn = (day: string, alderOwner: string) =>
  bookFromRows({
    customers: [
      { id: 'alder', name: 'Alder', owner: alderOwner, monthlyValue: 1300 },
      { id: 'ana-ok', name: 'Ana OK', owner: ANA, monthlyValue: 900 },
      { id: 'ben-ok', name: 'Ben OK', owner: BEN, monthlyValue: 900 },
    ],
    orders: orders.filter((o) => o.date <= day),
  });
const plan = (day: string, alderOwner: string, states: ReadonlyMap<string, CustomerState>) =>
  planWeek(bookOn(day, alderOwner), defaultRules(), states, {
    localDate: day,
    runKey: weeklyRunKeyOfDay(day),
    runAt: `${day}T14:03:00.000Z`,
  });

describe('a customer who moved to another rep and ordered since the old rep’s card', () => {
  it('is back on track on the card of the rep whose list they left, not on the new rep’s', () => {
    const first = plan('2026-11-16', ANA, new Map());
    expect(first.weeks.find((w) => w.owner === ANA)?.shown.map((c) => c.customerId)).toEqual(['alder']);
    const states = new Map([...first.first, ...first.rest].map((s) => [s.customerId, s]));

    const second = plan('2026-11-23', BEN, states);
    const back = (owner: string) =>
      second.weeks.find((w) => w.owner === owner)?.backOnTrack.map((b) => b.customerId);
    expect(back(BEN)).toEqual([]);
    expect(back(ANA)).toEqual(['alder']);
  });
});

describe('a customer who moved to another rep while paused after the old rep’s call', () => {
  it('is new on the new rep’s card when the pause ends, not "Back on your list" of the old rep’s slip', () => {
    const silent = (day: string) =>
      planWeek(
        bookFromRows({
          customers: [
            { id: 'alder', name: 'Alder', owner: day < '2026-11-23' ? ANA : BEN, monthlyValue: 1300 },
            { id: 'ana-ok', name: 'Ana OK', owner: ANA, monthlyValue: 900 },
            { id: 'ben-ok', name: 'Ben OK', owner: BEN, monthlyValue: 900 },
          ],
          orders: orders.filter((o) => o.date <= day && o.date !== '2026-11-18'),
        }),
        defaultRules(),
        states,
        { localDate: day, runKey: weeklyRunKeyOfDay(day), runAt: `${day}T14:03:00.000Z` },
      );
    let states = new Map<string, CustomerState>();
    const changes: Record<string, unknown> = {};
    for (const monday of ['2026-11-16', '2026-11-23', '2026-11-30', '2026-12-07', '2026-12-14']) {
      const p = silent(monday);
      changes[monday] = p.since.changes.get('alder') ?? null;
      states = new Map([...p.first, ...p.rest].map((s) => [s.customerId, s]));
      // Ana reaches out the day after her card: Alder is paused while the feed hands them to Ben.
      if (monday === '2026-11-16') {
        const alder = states.get('alder');
        if (alder) states.set('alder', { ...alder, lastContact: '2026-11-17' });
      }
    }
    expect(changes['2026-11-16']).toEqual({ kind: 'new' });
    const firstOnBens = Object.entries(changes).find(([day, c]) => day > '2026-11-16' && c !== null);
    expect(firstOnBens?.[1]).toMatchObject({ kind: 'new' });
  });
});
