import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summaryCardFor } from '../../../jobs/monthly/summaryCardFor';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import type { TabUser } from '../../../tabs/api/tabToken';
import { bookFromRows } from '../../helpers/bookFromRows';
import { perRepFigures } from '../../unit/cards/cardWalk';
import {
  openWeeklyWorld,
  TIME_ZONE,
  tabsOver,
  type WeeklyWorld,
  weeklyOrders,
  wonBackBy,
} from '../weekly/weeklyWorld';

// Two reps Teams names "Sam Lee" (one of them in lower case), one whose display name carries a line
// break, and one who never installed the app: the summary and the Team tab name each so a manager can
// tell who is who.

const SAM = 'sam.lee@x.com';
const SAM_LI = 'sam.li@x.com';
const ANA = 'ana@x.com';
const CARL = 'carl@x.com';
const NAMES: Record<string, string> = { [SAM]: 'Sam Lee', [SAM_LI]: 'sam lee', [ANA]: 'Ana\nRuiz' };
const MANAGER: TabUser = { userId: 'aad-maria', name: 'Maria', email: 'maria@x.com', tenantId: 't' };
const rules = defaultRules();
const owners = [SAM, SAM_LI, ANA, CARL];

/** Customer C-`k` of `owner`, flagged on 2 November, won back for 500 by `actor` at `at`. */
async function savedInNovember(
  world: WeeklyWorld,
  k: number,
  owner: string,
  actor: { userId: string; name: string },
  at: string,
): Promise<void> {
  const state = {
    ...initialState({ customerId: `C-${k}`, name: `Customer ${k}`, owner, monthlyValue: 1000 }),
    band: 'at_risk' as const,
    surfacedAt: '2026-11-02',
  };
  await world.storage.state.writeChanged(new Map(), [state]);
  await wonBackBy(world, state, actor, { at, card: `card-${k}`, value: '500' });
}

describe('reps named in the monthly summary and the Team tab', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('repnames');
    for (const [email, name] of Object.entries(NAMES))
      await world.storage.conversations.saveRep({
        userId: `aad-${email}`,
        name,
        email,
        tenantId: 't',
        serviceUrl: world.fake.serviceUrl,
        reference: { conversation: { id: `a:${email}` } },
      });
    // Each rep won one customer back in November.
    for (const [k, owner] of owners.entries()) {
      const state = {
        ...initialState({ customerId: `C-${k}`, name: `Customer ${k}`, owner, monthlyValue: 1000 + k }),
        band: 'at_risk' as const,
        surfacedAt: '2026-11-09',
      };
      await world.storage.state.writeChanged(new Map(), [state]);
      await wonBackBy(
        world,
        state,
        { userId: `aad-${owner}`, name: NAMES[owner] ?? owner },
        { at: '2026-11-16T15:00:00.000Z', card: `card-${k}`, value: String(500 + k) },
      );
    }
  });
  afterEach(async () => {
    await world.stop();
  });

  const expected: Record<string, string> = {
    [SAM]: `Sam Lee (${SAM})`,
    [SAM_LI]: `sam lee (${SAM_LI})`,
    [ANA]: 'Ana Ruiz',
    [CARL]: CARL,
  };

  it('the summary names each rep; the two Sam Lees with their addresses', async () => {
    const { summary, card } = await summaryCardFor(world.storage, '2026-11', {
      timeZone: TIME_ZONE,
      lossReasons: rules.lossReasons,
    });
    expect(Object.fromEntries(summary.reps.map((r) => [r.owner, r.name]))).toEqual(expected);
    expect(Object.keys(perRepFigures(card)).sort()).toEqual(Object.values(expected).sort());
  });

  it('the Team tab names each rep in its picker and per-rep rows', async () => {
    // Each rep has a customer slipping since September besides the one won back.
    const slipping = owners.map((owner, k) =>
      initialState({ customerId: `S-${k}`, name: `Slipping ${k}`, owner, monthlyValue: 2000 }),
    );
    await world.storage.state.writeChanged(new Map(), slipping);
    const book = bookFromRows({
      customers: owners.flatMap((owner, k) => [
        { id: `C-${k}`, name: `Customer ${k}`, owner, monthlyValue: 1000 },
        { id: `S-${k}`, name: `Slipping ${k}`, owner, monthlyValue: 2000 },
      ]),
      orders: owners.flatMap((_, k) => [
        ...weeklyOrders(`C-${k}`, '2026-01-05', '2026-12-01'),
        ...weeklyOrders(`S-${k}`, '2026-01-05', '2026-09-14'),
      ]),
    });
    const tabs = tabsOver(world, book, {
      access: { tenantId: '', adminUserIds: [], managerUserIds: [MANAGER.userId] },
      clock: () => new Date('2026-12-03T15:00:00Z'),
    });
    const team = await tabs.team(MANAGER, { rep: null, month: '2026-11' });
    expect(Object.fromEntries(team.reps.map((r) => [r.owner, r.name]))).toEqual(expected);
    expect(team.valueAtRiskByRep.map((r) => r.name).sort()).toEqual(Object.values(expected).sort());
    // A manager opening a customer's page reads whose it is by name, as on the Team tab.
    const owned = await Promise.all(
      owners.map(async (_, k) => (await tabs.customer(MANAGER, `S-${k}`)).ownerName),
    );
    expect(owned).toEqual(owners.map((o) => expected[o]));
  });
});

// The feed named Ana by her sign-in name before she installed the app, and by her email since (the
// weekly run stores one address per rep from the install on): her month's rows carry both. She is
// one rep to a manager, on one line of the summary and once in the Team tab's picker.
describe('a rep the month’s rows name by both her addresses', () => {
  const EMAIL = 'ana@x.com';
  const UPN = 'ana.ruiz@x.com';
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('repaddresses');
    await world.storage.conversations.saveRep({
      userId: 'aad-ana',
      name: 'Ana Ruiz',
      email: EMAIL,
      upn: UPN,
      tenantId: 't',
      serviceUrl: world.fake.serviceUrl,
      reference: { conversation: { id: 'a:ana' } },
    });
    for (const [k, owner] of [UPN, EMAIL].entries())
      await savedInNovember(
        world,
        k,
        owner,
        { userId: 'aad-ana', name: 'Ana Ruiz' },
        `2026-11-1${k}T15:00:00.000Z`,
      );
  });
  afterEach(async () => {
    await world.stop();
  });

  it('the summary gives her one line with both saves', async () => {
    const { summary, card } = await summaryCardFor(world.storage, '2026-11', {
      timeZone: TIME_ZONE,
      lossReasons: rules.lossReasons,
    });
    expect(summary.reps.map((r) => [r.name, r.wonBack])).toEqual([['Ana Ruiz', 2]]);
    expect(Object.keys(perRepFigures(card))).toEqual(['Ana Ruiz']);
  });

  it('the Team tab lists her once in its picker', async () => {
    const book = bookFromRows({
      customers: [0, 1].map((k) => ({
        id: `C-${k}`,
        name: `Customer ${k}`,
        owner: EMAIL,
        monthlyValue: 1000,
      })),
      orders: [0, 1].flatMap((k) => weeklyOrders(`C-${k}`, '2026-01-05', '2026-12-01')),
    });
    const tabs = tabsOver(world, book, {
      access: { tenantId: '', adminUserIds: [], managerUserIds: [MANAGER.userId] },
      clock: () => new Date('2026-12-03T15:00:00Z'),
    });
    const team = await tabs.team(MANAGER, { rep: null, month: '2026-11' });
    expect(team.reps.map((r) => r.name)).toEqual(['Ana Ruiz']);
  });
});

// Ben saved a customer in November and removed the app before the summary went out on the 1st (he
// left the team): his save is still November's, and a manager reads it under his name, not an address.
describe('a rep who removed the app after the month’s save', () => {
  const BEN = 'ben@x.com';
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('repremoved');
    await world.storage.conversations.saveRep({
      userId: 'aad-ben',
      name: 'Ben Ortiz',
      email: BEN,
      tenantId: 't',
      serviceUrl: world.fake.serviceUrl,
      reference: { conversation: { id: 'a:ben' } },
    });
    await savedInNovember(
      world,
      0,
      BEN,
      { userId: 'aad-ben', name: 'Ben Ortiz' },
      '2026-11-16T15:00:00.000Z',
    );
    await world.storage.conversations.removeRep('aad-ben', '2026-11-30T17:00:00.000Z');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('the summary and the Team tab name him as Teams did', async () => {
    const { summary, card } = await summaryCardFor(world.storage, '2026-11', {
      timeZone: TIME_ZONE,
      lossReasons: rules.lossReasons,
    });
    expect(summary.reps.map((r) => [r.name, r.wonBack])).toEqual([['Ben Ortiz', 1]]);
    expect(Object.keys(perRepFigures(card))).toEqual(['Ben Ortiz']);

    const book = bookFromRows({
      customers: [{ id: 'C-0', name: 'Customer 0', owner: BEN, monthlyValue: 1000 }],
      orders: weeklyOrders('C-0', '2026-01-05', '2026-12-01'),
    });
    const tabs = tabsOver(world, book, {
      access: { tenantId: '', adminUserIds: [], managerUserIds: [MANAGER.userId] },
      clock: () => new Date('2026-12-03T15:00:00Z'),
    });
    const team = await tabs.team(MANAGER, { rep: null, month: '2026-11' });
    expect(team.reps.map((r) => r.name)).toEqual(['Ben Ortiz']);
  });
});

// Reps who removed the app, as a manager reads their month: Ben under both his addresses (the feed
// named him by his sign-in name, then by his email), Cleo who removed it and added it back under a
// new address, and Dan whose address is too long to be a table key as it is.
describe('reps who removed the app, read by name', () => {
  const BEN = 'ben@x.com';
  const BEN_UPN = 'ben.ortiz@x.com';
  const CLEO_OLD = 'cleo@old.x.com';
  const CLEO = 'cleo@x.com';
  const DAN = `${'名'.repeat(310)}@x.com`;
  let world: WeeklyWorld;
  const install = (userId: string, name: string, email: string, upn = '') =>
    world.storage.conversations.saveRep({
      userId,
      name,
      email,
      upn,
      tenantId: 't',
      serviceUrl: world.fake.serviceUrl,
      reference: { conversation: { id: `a:${userId}` } },
    });
  beforeEach(async () => {
    world = await openWeeklyWorld('repsremoved');
    await install('aad-ben', 'Ben Ortiz', BEN, BEN_UPN);
    await install('aad-cleo', 'Cleo Park', CLEO_OLD);
    await install('aad-dan', 'Dan Ito', DAN);
    const saves: [string, string, string][] = [
      [BEN_UPN, 'aad-ben', 'Ben Ortiz'],
      [BEN, 'aad-ben', 'Ben Ortiz'],
      [CLEO_OLD, 'aad-cleo', 'Cleo Park'],
      [DAN, 'aad-dan', 'Dan Ito'],
    ];
    for (const [k, [owner, userId, name]] of saves.entries())
      await savedInNovember(world, k, owner, { userId, name }, `2026-11-1${k}T15:00:00.000Z`);
    for (const userId of ['aad-ben', 'aad-cleo', 'aad-dan'])
      await world.storage.conversations.removeRep(userId, '2026-11-20T17:00:00.000Z');
    // Cleo is back, under the address her company gave her since.
    await install('aad-cleo', 'Cleo Park', CLEO);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('the summary gives each one line under their name', async () => {
    const { summary } = await summaryCardFor(world.storage, '2026-11', {
      timeZone: TIME_ZONE,
      lossReasons: rules.lossReasons,
    });
    expect(summary.reps.map((r) => [r.name, r.wonBack]).sort()).toEqual([
      ['Ben Ortiz', 2],
      ['Cleo Park', 1],
      ['Dan Ito', 1],
    ]);
  });

  it('the Team tab lists each once in its picker, by name', async () => {
    const customers = [BEN_UPN, BEN, CLEO_OLD, DAN].map((owner, k) => ({
      id: `C-${k}`,
      name: `Customer ${k}`,
      owner,
      monthlyValue: 1000,
    }));
    const book = bookFromRows({
      customers,
      orders: customers.flatMap((c) => weeklyOrders(c.id, '2026-01-05', '2026-12-01')),
    });
    const tabs = tabsOver(world, book, {
      access: { tenantId: '', adminUserIds: [], managerUserIds: [MANAGER.userId] },
      clock: () => new Date('2026-12-03T15:00:00Z'),
    });
    const team = await tabs.team(MANAGER, { rep: null, month: '2026-11' });
    expect(team.reps.map((r) => r.name).sort()).toEqual(['Ben Ortiz', 'Cleo Park', 'Dan Ito']);
  });
});
