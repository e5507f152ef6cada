import { describe, expect, it } from 'vitest';
import { tapInTab } from '../../../tabs/api/tabActions';
import { ANA_IN_TAB, customer, openActionStorage, seed, tabActionDeps } from './actionHarness';

// A tap in the personal tab on Azurite: the words it answers with.

describe('a Won back tapped in the tab', () => {
  it("a one-order customer's save is answered as the second order it is, not as monthly revenue", async () => {
    const { storage, cards } = await openActionStorage('tabtap');
    const fir = customer('fir', { name: 'Fir', monthlyValue: 800, valueKind: 'second_order' });
    const hazel = customer('hazel', { name: 'Hazel', monthlyValue: 2000 });
    await seed(storage, [fir, hazel]);
    const deps = tabActionDeps(storage, cards);
    const ana = ANA_IN_TAB;
    const once = await tapInTab(deps, ana, 'fir', { action: 'won_back', value: '800' });
    expect(once).toMatchObject({ ok: true, message: 'Recorded: Fir won back (another $800 order).' });
    const monthly = await tapInTab(deps, ana, 'hazel', { action: 'won_back', value: '1500' });
    expect(monthly).toMatchObject({ ok: true, message: 'Recorded: Hazel won back ($1,500 a month).' });
  });
});
