import { describe, expect, it } from 'vitest';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookFromRows } from '../../helpers/bookFromRows';
import { EVERY_ROW, sentRows } from '../../helpers/tabRows';
import {
  ANA,
  ANA_IN_TAB,
  BEN,
  customer,
  openActionStorage,
  seed,
  TODAY,
  tabServiceOn,
} from '../taps/actionHarness';

// Every load of the tabs read every stored customer from Table Storage: on a 30,000-customer book
// most of each load's wait. The tabs now keep the stored customers and ask only for the rows written
// since their last load, so a load on an unchanged book reads none; a tap, here or on another
// instance, shows at the next load.

const book = bookFromRows({
  customers: ['c1', 'c2'].map((id) => ({ id, name: `Customer ${id}`, owner: ANA.email, monthlyValue: 1200 })),
  orders: ['c1', 'c2'].map((customerId) => ({ customerId, date: '2026-10-01', amount: 1200 })),
});

/** `n` of Ben's customers, ids from `from`. */
const bens = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) =>
    initialState({
      customerId: `b${from + i}`,
      name: `Shop ${from + i}`,
      owner: BEN.email,
      monthlyValue: 300,
    }),
  );

const aSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('the tabs keep the stored customers between loads', () => {
  it('a load on an unchanged book reads none of its rows: its Table calls do not grow with the book', async () => {
    const { storage, cards } = await openActionStorage('kstates');
    await seed(storage, [customer('c1'), customer('c2'), ...bens(0, 2500)]);
    // Rows written moments ago are read again for a minute; this test does not wait that long.
    const tabs = tabServiceOn(storage, cards, book, { statesRereadMs: 0 });
    const load = async () => {
      const before = storage.requests().requests;
      const rows = sentRows(await tabs.customers(ANA_IN_TAB));
      expect(rows.map((r) => r.customerId).sort()).toEqual(['c1', 'c2']);
      return storage.requests().requests - before;
    };
    // The service dates its answers to the second: the loads come a second after the writes.
    await aSecond();
    await load();
    const warm = await load();
    // 2,500 more of Ben's customers (three more pages of a Table query): read once, at the next load.
    await storage.state.writeChanged(new Map(), bens(2500, 2500));
    await aSecond();
    await load();
    expect(await load()).toBe(warm);
  });

  it("a tap shows at the next load, made in this instance's tab or another's", async () => {
    const { storage, cards } = await openActionStorage('kstap');
    await seed(storage, [customer('c1'), customer('c2')]);
    const here = tabServiceOn(storage, cards, book);
    const there = tabServiceOn(storage, cards, book);
    const row = async (id: string) =>
      sentRows(await here.customers(ANA_IN_TAB, EVERY_ROW)).find((r) => r.customerId === id);
    expect(await row('c1')).toMatchObject({ lastContact: null, status: 'active' });
    expect(await row('c2')).toMatchObject({ status: 'active' });

    await there.act(ANA_IN_TAB, 'c1', { action: 'reached_out' });
    expect(await row('c1')).toMatchObject({ lastContact: TODAY });

    await here.act(ANA_IN_TAB, 'c2', { action: 'lost', reason: defaultRules().lossReasons[0].code });
    expect(await row('c2')).toMatchObject({ status: 'lost' });
    // And undone from the other instance: back as it was.
    await there.act(ANA_IN_TAB, 'c2', { action: 'undo' });
    expect(await row('c2')).toMatchObject({ status: 'active' });
  });
});
