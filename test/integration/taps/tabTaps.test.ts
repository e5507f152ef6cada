import { describe, expect, it } from 'vitest';
import type { CustomerState } from '../../../rules/customerState';
import type { NewAuditRow } from '../../../storage/auditRow';
import { tapInTab } from '../../../tabs/api/tabActions';
import { bookFromRows } from '../../helpers/bookFromRows';
import { ANA_IN_TAB, customer, openActionStorage, seed, tabActionDeps, tabServiceOn } from './actionHarness';

// A tap in the personal tab on Azurite: the words it answers with.

/** A row of a tap of Ana's on `c`, as stored: by her, with `c` before it as its snapshot. */
function anasRow(
  c: CustomerState,
  tapped: Pick<NewAuditRow, 'id' | 'action' | 'at' | 'note' | 'cardMessageId' | 'source'>,
): NewAuditRow {
  return {
    ...tapped,
    customerId: c.customerId,
    customerName: c.name,
    owner: ANA_IN_TAB.email,
    actorId: ANA_IN_TAB.userId,
    actorName: ANA_IN_TAB.name,
    snapshot: c,
  };
}

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

describe("a Won back typed with the page's currency sign, in the rep's own Teams locale", () => {
  it("'£1.100' from a German Teams on a British book is 1,100 pounds, not £1.10; 'US$1.100' on a page in en-GB too", async () => {
    const { storage, cards } = await openActionStorage('tabsign');
    await seed(storage, [customer('hazel', { name: 'Hazel', monthlyValue: 1073 })]);
    const pounds = { ...tabActionDeps(storage, cards), currency: 'GBP', locale: 'en-GB' };
    // The page writes the value as '£1,073/month'; the rep types it as German writes numbers.
    const typed = await tapInTab(pounds, ANA_IN_TAB, 'hazel', {
      action: 'won_back',
      value: '£1.100',
      locale: 'de-DE',
    });
    expect(typed).toMatchObject({ ok: true, message: 'Recorded: Hazel won back (£1,100 a month).' });
    expect((await storage.state.get('hazel'))?.state.recoveredValue).toBe(1100);

    await seed(storage, [customer('oak', { name: 'Oak', monthlyValue: 1073 })]);
    // Dollars on a page in en-GB read 'US$1,073/month', a sign German Teams does not write ('1.073 $').
    const dollars = { ...tabActionDeps(storage, cards), currency: 'USD', locale: 'en-GB' };
    const signed = await tapInTab(dollars, ANA_IN_TAB, 'oak', {
      action: 'won_back',
      value: 'US$1.100',
      locale: 'de-DE',
    });
    expect(signed).toMatchObject({ ok: true, message: 'Recorded: Oak won back (US$1,100 a month).' });
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

describe("a busy customer's page after two years", () => {
  it('the timeline still holds the first Reached out, two years and 208 taps back', async () => {
    const { storage, cards } = await openActionStorage('tabstory');
    const oak = customer('oak', { name: 'Oak' });
    await seed(storage, [oak]);
    // Every Monday for two years Ana reached out to Oak and snoozed the digest's reminder two days
    // later: 208 taps, written as the taps wrote them.
    const firstMonday = Date.parse('2024-11-25T16:00:00Z');
    for (let week = 0; week < 104; week++) {
      for (const [action, days] of [
        ['reached_out', 0],
        ['snoozed', 2],
      ] as const) {
        const at = new Date(firstMonday + (week * 7 + days) * 86_400_000).toISOString();
        await storage.audit.record(
          anasRow(oak, {
            id: `week-${week}|oak|${action}|1`,
            action,
            at,
            note: action === 'snoozed' ? `until ${at.slice(0, 10)}` : null,
            cardMessageId: `week-${week}`,
            source: action === 'snoozed' ? 'digest' : 'weekly',
          }),
        );
      }
    }
    const book = bookFromRows({
      customers: [{ id: 'oak', name: 'Oak', owner: ANA_IN_TAB.email }],
      orders: [{ customerId: 'oak', date: '2024-10-01', amount: 500 }],
    });
    const page = await tabServiceOn(storage, cards, book).customer(ANA_IN_TAB, 'oak');
    const taps = page.timeline.filter((e) => e.id.startsWith('action-'));
    expect(taps).toHaveLength(208);
    expect(taps.at(-1)?.day).toBe('2024-11-25');
  });
});

describe('a snooze stored before the tap day was kept', () => {
  it('the next tap finds it standing: no cancellation is written, and the tap is recorded', async () => {
    const { storage, cards } = await openActionStorage('oldsnooze');
    const oak = customer('oak', { name: 'Oak', lastContact: '2026-11-16' });
    // Ana snoozed Oak's reminder on the digest on Fri 20 Nov, under a release that kept only the end.
    await seed(storage, [{ ...oak, snoozedUntil: '2026-11-27' }]);
    await storage.audit.record(
      anasRow(oak, {
        id: 'digest-1120|oak|snoozed|1',
        action: 'snoozed',
        at: '2026-11-20T15:00:00.000Z',
        note: 'until 2026-11-27',
        cardMessageId: 'digest-1120',
        source: 'digest',
      }),
    );
    const tapped = await tapInTab(tabActionDeps(storage, cards), ANA_IN_TAB, 'oak', {
      action: 'reached_out',
    });
    expect(tapped).toMatchObject({ ok: true, message: 'Recorded: reached out to Oak.' });
    const trail = await storage.audit.latestForCustomer('oak', { limit: 10 });
    expect(trail.map((r) => r.action)).toEqual(['reached_out', 'snoozed']);
    expect((await storage.state.get('oak'))?.state).toMatchObject({
      snoozedUntil: '2026-11-27',
      snoozedAt: null,
    });
  });
});
