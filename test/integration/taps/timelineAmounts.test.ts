import { describe, expect, it } from 'vitest';
import { summaryCardFor } from '../../../jobs';
import { renderSummaryText } from '../../../jobs/monthly/summaryText';
import { tapInTab } from '../../../tabs/api/tabActions';
import { bookFromRows } from '../../helpers/bookFromRows';
import {
  ANA,
  ANA_IN_TAB,
  customer,
  openActionStorage,
  seed,
  TIME_ZONE,
  tabActionDeps,
  tabServiceOn,
} from './actionHarness';

// A German team's customer page (CURRENCY=EUR, LOCALE=de-DE): the timeline lists each order and each
// save as the feed and the rep wrote them, to the cent, so it can be checked against the order
// system and the card (which shows a typed value as "1.234,50 €/month").

describe("the customer's timeline states amounts to the cent", () => {
  it('an order of 22,20 € and a save typed as 1.234,50 are not rounded to 22 € and 1.235 €', async () => {
    const { storage, cards } = await openActionStorage('tlamounts');
    const oak = customer('oak', { name: 'Bäckerei Müller' });
    await seed(storage, [oak]);
    const book = bookFromRows({
      customers: [{ id: 'oak', name: oak.name, owner: ANA.email }],
      orders: [
        { customerId: 'oak', date: '2026-10-01', amount: 22.2 },
        { customerId: 'oak', date: '2026-10-08', amount: 1500 },
      ],
    });
    const tabs = tabServiceOn(storage, cards, book, { currency: 'EUR', locale: 'de-DE' });
    const saved = await tapInTab(tabActionDeps(storage, cards), ANA_IN_TAB, 'oak', {
      action: 'won_back',
      value: '1.234,50',
      locale: 'de-DE',
    });
    expect(saved.ok).toBe(true);

    const details = (await tabs.customer(ANA_IN_TAB, 'oak')).timeline.map((e) => e.detail);
    expect(details).toContain('22,20\u00a0€');
    // A whole order as the export writes it, beside orders with cents: not 1.500 €, read as rounded.
    expect(details).toContain('1.500,00\u00a0€');
    expect(details).toContain('Ana Ruiz · 1.234,50\u00a0€ a month · tab');
  });
});

// A Kuwaiti team (CURRENCY=KWD): a dinar has 1,000 fils, so a save typed as 1.125 is stored as 1.125
// and stated so everywhere, not as the 1.13 two decimals would make it.
describe('a save in a currency with three decimals', () => {
  it('KWD 1.125 typed in the tab is stored as 1.125 and the reply, the timeline and the monthly summary say KWD 1.125', async () => {
    const { storage, cards } = await openActionStorage('tlkwd');
    await seed(storage, [customer('oak', { name: 'Oak Roasters', monthlyValue: 2 })]);
    const deps = { ...tabActionDeps(storage, cards), currency: 'KWD', locale: 'en-GB' };
    const saved = await tapInTab(deps, ANA_IN_TAB, 'oak', {
      action: 'won_back',
      value: '1.125',
      locale: 'en-GB',
    });
    expect(saved).toMatchObject({
      ok: true,
      message: 'Recorded: Oak Roasters won back (KWD\u00a01.125 a month).',
    });

    // What Table Storage holds for the save.
    const [row] = await storage.audit.latestForCustomer('oak', { limit: 1 });
    expect(row).toMatchObject({ action: 'won_back', value: 1.125 });

    const book = bookFromRows({
      customers: [{ id: 'oak', name: 'Oak Roasters', owner: ANA.email }],
      orders: [],
    });
    const tabs = tabServiceOn(storage, cards, book, { currency: 'KWD', locale: 'en-GB' });
    const details = (await tabs.customer(ANA_IN_TAB, 'oak')).timeline.map((e) => e.detail);
    expect(details).toContain('Ana Ruiz · KWD\u00a01.125 a month · tab');

    const options = { timeZone: TIME_ZONE, currency: 'KWD', locale: 'en-GB', lossReasons: [] };
    const { summary } = await summaryCardFor(storage, '2026-11', options);
    expect(summary.headline).toContain('KWD\u00a01.125');
    expect(renderSummaryText(summary)).not.toContain('1.13');

    // Undone in the tab: the save is replayed in dinars first, as it was recorded, not refused as dollars.
    expect(await tapInTab(deps, ANA_IN_TAB, 'oak', { action: 'undo' })).toMatchObject({ ok: true });
    const after = await summaryCardFor(storage, '2026-11', options);
    expect(after.summary).toMatchObject({ saves: 0, recoveredValue: 0, undone: 1 });
  });
});

// A team that set CURRENCY=KWD by mistake and corrected it to USD after a rep had saved a customer
// for KWD 1.125: that save was a valid amount when it was taken. Replayed now (every tap on the
// customer first finishes its latest action), it must stand, not be refused as a dollar amount with
// a third decimal, and every later tap on the customer with it.
describe('a save recorded before the team changed its currency', () => {
  it('still replays: the customer can be undone and tapped on in the new currency', async () => {
    const { storage, cards } = await openActionStorage('tlcurrencychange');
    await seed(storage, [customer('oak', { name: 'Oak Roasters', monthlyValue: 2 })]);
    const before = { ...tabActionDeps(storage, cards), currency: 'KWD', locale: 'en-GB' };
    expect(
      await tapInTab(before, ANA_IN_TAB, 'oak', { action: 'won_back', value: '1.125', locale: 'en-GB' }),
    ).toMatchObject({ ok: true });
    const after = { ...tabActionDeps(storage, cards), currency: 'USD', locale: 'en-US' };
    expect(await tapInTab(after, ANA_IN_TAB, 'oak', { action: 'undo' })).toMatchObject({ ok: true });
    expect((await storage.state.get('oak'))?.state.wonBackAt).toBeNull();
  });
});

// A Tunisian team writing French (CURRENCY=TND, three decimals; LOCALE=fr-TN, a decimal comma): a rep
// types 1,125 in the tab, one dinar and 125 millimes, in their French Teams or in an English one as 1.125.
describe('a save with three decimals in a team whose locale writes a decimal comma', () => {
  it.each([
    ['fr-FR', '1,125'],
    ['en-GB', '1.125'],
  ])('TND typed in the tab in %s as %s is stored as 1.125, not 1,125 dinars', async (typedIn, typed) => {
    const { storage, cards } = await openActionStorage(`tltnd${typedIn.slice(0, 2)}`);
    await seed(storage, [customer('oak', { name: 'Oak Roasters', monthlyValue: 200 })]);
    const deps = { ...tabActionDeps(storage, cards), currency: 'TND', locale: 'fr-TN' };
    const saved = await tapInTab(deps, ANA_IN_TAB, 'oak', {
      action: 'won_back',
      value: typed,
      locale: typedIn,
    });
    expect(saved).toMatchObject({ ok: true, message: expect.stringContaining('1,125\u00a0DT a month') });
    const [row] = await storage.audit.latestForCustomer('oak', { limit: 1 });
    expect(row).toMatchObject({ action: 'won_back', value: 1.125 });
  });
});
