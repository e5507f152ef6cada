import { describe, expect, it } from 'vitest';
import { LIST_PLANNED_UNTOLD, listsWithNotice } from '../../../bot/taps/listNotice';
import { LIST_COMING } from '../../../bot/taps/replies';
import type { ListsNow, ListsNowRequest } from '../../../jobs/weekly/weeklyPlan';

// Planning holds the thread, so no timer can tell the rep during it: a large book planned anew is
// told before the planning starts, a small one is not told at all.

const request: ListsNowRequest = { localDate: '2026-11-24', runKey: 'weekly-2026-W48', states: new Map() };
const lists: ListsNow = { weeks: [], horizonDays: 90, owners: new Set() };

/** A plan of `customers` that holds the thread for 200 ms once it starts, as listsOf does. */
function planOf(customers: number, events: string[]) {
  return async (r: ListsNowRequest): Promise<ListsNow> => {
    await r.beforePlanning?.(customers);
    events.push('planning');
    const until = Date.now() + 200;
    while (Date.now() < until) {
      // the thread is held
    }
    return lists;
  };
}

describe('listsWithNotice', () => {
  it('tells the rep before a large book is planned anew', async () => {
    const events: string[] = [];
    const say = async (text: string) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      events.push(text);
    };
    await listsWithNotice(planOf(LIST_PLANNED_UNTOLD + 1, events), request, say);
    expect(events).toEqual([LIST_COMING, 'planning']);
  });

  it('plans a small book without a word', async () => {
    const events: string[] = [];
    await listsWithNotice(planOf(LIST_PLANNED_UNTOLD, events), request, async (t) => {
      events.push(t);
    });
    expect(events).toEqual(['planning']);
  });
});
