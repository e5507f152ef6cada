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

describe('a year of taps in the tab on one customer', () => {
  it('a Reached out tapped every Monday for a year is recorded every week, the 52nd too', async () => {
    const { storage, cards } = await openActionStorage('tabyear');
    await seed(storage, [customer('oak', { name: 'Oak' })]);
    // Ana keeps her calls in the tab: Monday 1 Dec 2025 and every Monday after, 52 in all.
    const firstMonday = Date.parse('2025-12-01T16:00:00Z');
    const mondays = Array.from({ length: 52 }, (_, week) => new Date(firstMonday + week * 7 * 86_400_000));
    for (const [week, monday] of mondays.entries()) {
      const deps = { ...tabActionDeps(storage, cards), clock: () => monday };
      const tapped = await tapInTab(deps, ANA_IN_TAB, 'oak', { action: 'reached_out' });
      const day = monday.toISOString().slice(0, 10);
      expect(tapped, `week ${week + 1}`).toMatchObject({
        ok: true,
        message: 'Recorded: reached out to Oak.',
      });
      expect((await storage.state.get('oak'))?.state.lastContact, `week ${week + 1}`).toBe(day);
    }
    const trail = await storage.audit.latestForCustomer('oak', { limit: 100 });
    expect(trail.filter((r) => r.action === 'reached_out')).toHaveLength(52);
  });
});
