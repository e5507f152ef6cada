import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../../rules/rulesSchema';
import { tapInTab } from '../../../tabs/api/tabActions';
import { ADMIN, ANA, customer, NOW, openActionStorage, seed, TENANT, TIME_ZONE } from './actionHarness';

// A tap in the personal tab on Azurite: the words it answers with.

describe('a Won back tapped in the tab', () => {
  it("a one-order customer's save is answered as the second order it is, not as monthly revenue", async () => {
    const { storage, cards } = await openActionStorage('tabtap');
    const fir = customer('fir', { name: 'Fir', monthlyValue: 800, valueKind: 'second_order' });
    const hazel = customer('hazel', { name: 'Hazel', monthlyValue: 2000 });
    await seed(storage, [fir, hazel]);
    const deps = {
      state: storage.state,
      audit: storage.audit,
      cards,
      rules: defaultRules(),
      timeZone: TIME_ZONE,
      access: { tenantId: TENANT, adminUserIds: [ADMIN.userId] },
      clock: () => NOW,
      currency: 'USD',
      locale: 'en-US',
    };
    const ana = { userId: ANA.userId, name: ANA.name, email: ANA.email, tenantId: TENANT };
    const once = await tapInTab(deps, ana, 'fir', { action: 'won_back', value: '800' });
    expect(once).toMatchObject({ ok: true, message: 'Recorded: Fir won back (a $800 second order).' });
    const monthly = await tapInTab(deps, ana, 'hazel', { action: 'won_back', value: '1500' });
    expect(monthly).toMatchObject({ ok: true, message: 'Recorded: Hazel won back ($1,500 a month).' });
  });
});
