import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import type { Book } from '../../../rules/book';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { createTabService } from '../../../tabs/api/tabService';
import type { TabUser } from '../../../tabs/api/tabToken';
import { sentRows } from '../../helpers/tabRows';
import {
  completed,
  conversationOf,
  depsFor,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';

// A rep whose email is not their sign-in name (UPN): Teams' roster gives the bot both, the tabs'
// token only the sign-in name. Whichever of the two the feed's owner column uses, the rep gets the
// weekly card, may tap it, and sees the same customers in the tabs.

const EMAIL = 'ana.ruiz@contoso.com';
const UPN = 'aruiz@contoso.onmicrosoft.com';
const ANA_ID = 'aad-ana';

/** Installs a rep in their personal chat, as the bot's install does: roster email and sign-in name both stored. */
async function installRep(
  world: WeeklyWorld,
  rep: { userId: string; name: string; email: string; upn: string; teamsId: string },
): Promise<void> {
  await world.storage.conversations.saveRep({
    userId: rep.userId,
    name: rep.name,
    email: rep.email,
    upn: rep.upn,
    tenantId: 'tenant-1',
    serviceUrl: world.fake.serviceUrl,
    reference: {
      serviceUrl: world.fake.serviceUrl,
      channelId: 'msteams',
      conversation: { id: conversationOf(rep.email), conversationType: 'personal', isGroup: false },
      bot: { id: '28:churn-bot', name: 'Churn Predictor' },
      user: { id: rep.teamsId, name: rep.name },
    },
  });
}

/** The tabs' service over the world's storage, reading `book` as the feed, on the run's day. */
function tabsFor(world: WeeklyWorld, book: Book, adminUserIds: string[] = []) {
  return createTabService({
    storage: world.storage,
    cards: world.cards,
    rules: defaultRules(),
    readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
    timeZone: TIME_ZONE,
    access: { tenantId: '', adminUserIds, managerUserIds: [] },
    clock: () => SEND_TIME,
  });
}

const installAna = (world: WeeklyWorld) =>
  installRep(world, {
    userId: ANA_ID,
    name: 'Ana Ruiz',
    email: EMAIL,
    upn: 'ARuiz@contoso.onmicrosoft.com',
    teamsId: '29:ana',
  });

describe('a rep named in the feed by their email or by their sign-in name', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('addr');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('the install stores both, and each finds the rep; a new sign-in name drops the old one', async () => {
    await installAna(world);
    expect((await world.storage.conversations.getRepByEmail(UPN))?.userId).toBe(ANA_ID);
    expect((await world.storage.conversations.getRepByEmail(EMAIL))?.userId).toBe(ANA_ID);
    const rep = await world.storage.conversations.getRep(ANA_ID);
    if (!rep) throw new Error('no rep');
    await world.storage.conversations.saveRep({ ...rep, upn: 'ana@contoso.onmicrosoft.com' });
    expect(await world.storage.conversations.getRepByEmail(UPN)).toBeNull();
    expect((await world.storage.conversations.getRepByEmail('ana@contoso.onmicrosoft.com'))?.userId).toBe(
      ANA_ID,
    );
    await world.storage.conversations.removeRep(ANA_ID, '2026-11-25T17:30:00.000Z');
    expect(await world.storage.conversations.getRepByEmail('ana@contoso.onmicrosoft.com')).toBeNull();
    expect(await world.storage.conversations.getRepByEmail(EMAIL)).toBeNull();
  });

  it('owner = sign-in name (as the tabs ask): the weekly card reaches the rep and the rep may tap it', async () => {
    await installAna(world);
    const book = slippingBook([UPN], { slipping: 2 });
    const report = completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    expect(report.counts).toMatchObject({ delivered: 1, no_conversation: 0 });
    expect(world.fake.sentTo(conversationOf(EMAIL))).toHaveLength(1);

    const actions = createActionHandler({
      stores: { ...world.storage, cards: world.cards },
      rules: defaultRules(),
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => SEND_TIME,
    });
    const [ledger] = await world.storage.runs.listRun(report.runKey);
    await actions.submit({
      actor: { userId: ANA_ID, name: 'Ana Ruiz', tenantId: 'tenant-1' },
      value: { action: 'reached_out', customerId: `${UPN}#s0`, runKey: report.runKey, v: 1 },
      replyToId: ledger.activityId ?? null,
      conversationId: conversationOf(EMAIL),
      conversationKind: 'personal',
    });
    expect((await world.storage.state.get(`${UPN}#s0`))?.state.lastContact).toBe('2026-11-23');
  });

  it('owner = email (as the card goes by): the tabs show the rep their customers and let them act', async () => {
    await installAna(world);
    const book = slippingBook([EMAIL], { slipping: 2 });
    completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    const tabs = tabsFor(world, book);
    // The token names the rep by their sign-in name only.
    const ana: TabUser = { userId: ANA_ID, name: 'Ana Ruiz', email: UPN, tenantId: 'tenant-1' };
    const mine = await tabs.customers(ana);
    expect(mine.owner).toBe(EMAIL);
    expect(
      sentRows(mine)
        .map((c) => c.customerId)
        .sort(),
    ).toEqual([`${EMAIL}#ok0`, `${EMAIL}#s0`, `${EMAIL}#s1`]);
    expect((await tabs.customer(ana, `${EMAIL}#s0`)).customer.name).toBe(`Slipping 0 of ${EMAIL}`);
    const acted = await tabs.act(ana, `${EMAIL}#s0`, { action: 'reached_out' });
    expect(acted.customer?.lastContact).toBe('2026-11-23');
    const team = await tabs.team(ana, { rep: null, month: null });
    expect(team.filter.rep).toBe(EMAIL);
    expect(team.valueAtRiskByRep.map((r) => r.owner)).toEqual([EMAIL]);

    // Someone else with the same sign-in domain sees none of it.
    const ben: TabUser = {
      userId: 'aad-ben',
      name: 'Ben',
      email: 'ben@contoso.onmicrosoft.com',
      tenantId: 'tenant-1',
    };
    expect(sentRows(await tabs.customers(ben))).toEqual([]);
    await expect(tabs.customer(ben, `${EMAIL}#s0`)).rejects.toMatchObject({ status: 404 });
  });
});

describe('a rep whose stored rows name her both ways', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('addrboth');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('sees all her customers in the tabs: those the weekly run now stores under her email and one gone from the feed under her sign-in name', async () => {
    await installAna(world);
    // Before the install knew her sign-in name the feed's rows were stored under it; one customer
    // has left the feed since, so no run has rewritten its row.
    await world.storage.state.writeChanged(new Map(), [
      initialState({ customerId: 'gone', name: 'Gone Cafe', owner: UPN, monthlyValue: 500 }),
    ]);
    const book = slippingBook([EMAIL], { slipping: 1 });
    completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    const tabs = tabsFor(world, book);
    const ana: TabUser = { userId: ANA_ID, name: 'Ana Ruiz', email: UPN, tenantId: 'tenant-1' };
    expect(
      sentRows(await tabs.customers(ana))
        .map((c) => c.customerId)
        .sort(),
    ).toEqual([`${EMAIL}#ok0`, `${EMAIL}#s0`, 'gone']);
    const team = await tabs.team(ana, { rep: null, month: null });
    expect(team.valueAtRiskByRep.map((r) => r.owner)).toEqual([EMAIL]);
  });
});

// Two accounts whose addresses collide: Ben's sign-in name is the address Ana's install stored as
// her email (an address an admin reused, or a mail attribute set by hand). Whoever installs last
// must not take Ana's card, rows and buttons.
const BEN_ID = 'aad-ben';
const BEN_EMAIL = 'ben@contoso.com';

const installBenSignedInAsAnasEmail = (world: WeeklyWorld) =>
  installRep(world, { userId: BEN_ID, name: 'Ben', email: BEN_EMAIL, upn: EMAIL, teamsId: '29:ben' });

describe("a sign-in name equal to another rep's email", () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('addrclash');
  });
  afterEach(async () => {
    await world.stop();
  });

  const benTaps = (world: WeeklyWorld, customerId: string, runKey: string) =>
    createActionHandler({
      stores: { ...world.storage, cards: world.cards },
      rules: defaultRules(),
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => SEND_TIME,
    }).submit({
      actor: { userId: BEN_ID, name: 'Ben', tenantId: 'tenant-1' },
      value: { action: 'reached_out', customerId, runKey, v: 1 },
      replyToId: null,
      conversationId: conversationOf(BEN_EMAIL),
      conversationKind: 'personal',
    });

  it('installed after her, does not get her weekly card, her rows or her buttons', async () => {
    await installAna(world);
    await installBenSignedInAsAnasEmail(world);
    expect((await world.storage.conversations.getRepByEmail(EMAIL))?.userId).toBe(ANA_ID);

    const book = slippingBook([EMAIL], { slipping: 2 });
    const report = completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    expect(world.fake.sentTo(conversationOf(EMAIL))).toHaveLength(1);
    expect(world.fake.sentTo(conversationOf(BEN_EMAIL))).toHaveLength(0);
    expect((await world.storage.state.get(`${EMAIL}#s0`))?.state.owner).toBe(EMAIL);

    const reply = await benTaps(world, `${EMAIL}#s0`, report.runKey);
    expect(reply.text).toMatch(/do not know that customer/);
    expect((await world.storage.state.get(`${EMAIL}#s0`))?.state.lastContact).toBeNull();
  });

  it('signed in to the tabs, does not see or act on her customers (with or without his install)', async () => {
    await installAna(world);
    const book = slippingBook([EMAIL], { slipping: 2 });
    completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    const tabs = tabsFor(world, book);
    const ben: TabUser = { userId: BEN_ID, name: 'Ben', email: EMAIL, tenantId: 'tenant-1' };
    for (const installed of [false, true]) {
      if (installed) await installBenSignedInAsAnasEmail(world);
      expect(sentRows(await tabs.customers(ben))).toEqual([]);
      await expect(tabs.customer(ben, `${EMAIL}#s0`)).rejects.toMatchObject({ status: 404 });
      await expect(tabs.act(ben, `${EMAIL}#s0`, { action: 'reached_out' })).rejects.toMatchObject({
        status: 404,
      });
      expect((await tabs.team(ben, { rep: null, month: null })).valueAtRiskByRep).toEqual([]);
    }
    // Ana still sees hers.
    const ana: TabUser = { userId: ANA_ID, name: 'Ana Ruiz', email: UPN, tenantId: 'tenant-1' };
    expect(sentRows(await tabs.customers(ana))).toHaveLength(3);
  });

  it('installed before her, loses the address to her install', async () => {
    await installBenSignedInAsAnasEmail(world);
    await installAna(world);
    expect((await world.storage.conversations.getRepByEmail(EMAIL))?.userId).toBe(ANA_ID);
    expect((await world.storage.conversations.getRep(BEN_ID))?.upn).toBe('');

    const book = slippingBook([EMAIL], { slipping: 2 });
    const report = completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    expect(world.fake.sentTo(conversationOf(BEN_EMAIL))).toHaveLength(0);
    const reply = await benTaps(world, `${EMAIL}#s0`, report.runKey);
    expect(reply.text).toMatch(/do not know that customer/);
    expect((await world.storage.state.get(`${EMAIL}#s0`))?.state.lastContact).toBeNull();
  });
});

describe("an admin's action on a rep's customer once her row names her by her other address", () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('addrundo');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('stays the admin’s to undo: the rep owned the customer then too, so it is no previous owner’s', async () => {
    await installAna(world);
    const id = `${UPN}#s0`;
    // Stored under her sign-in name (before her install kept it), as the feed named her.
    await world.storage.state.writeChanged(new Map(), [
      initialState({ customerId: id, name: 'Slipping 0', owner: UPN, monthlyValue: 500 }),
    ]);
    const book = slippingBook([UPN], { slipping: 1 });
    const tabs = tabsFor(world, book, ['aad-admin']);
    const admin: TabUser = {
      userId: 'aad-admin',
      name: 'Ada Admin',
      email: 'ada@contoso.com',
      tenantId: 't',
    };
    await tabs.act(admin, id, { action: 'lost', reason: 'price' });
    // The weekly run now stores her email where the feed names her sign-in name.
    completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    expect((await world.storage.state.get(id))?.state).toMatchObject({ owner: EMAIL, status: 'lost' });

    const ana: TabUser = { userId: ANA_ID, name: 'Ana Ruiz', email: UPN, tenantId: 'tenant-1' };
    await expect(tabs.act(ana, id, { action: 'undo' })).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/Only Ada Admin or an admin can undo/),
    });
    expect((await world.storage.state.get(id))?.state.status).toBe('lost');
  });
});
