import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { wire } from '../../../functions/wiring';
import { runMonthlySummary } from '../../../jobs/monthly/monthlySummaryRun';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { WEEKLY_ACTOR } from '../../../jobs/weekly/weeklySurfaced';
import { openStorage } from '../../../storage';
import { EVERY_ROW, sentRows } from '../../helpers/tabRows';
import { texts } from '../../unit/cards/cardWalk';
import { customer } from './actionHarness';

// The deployed wiring, from the environment: Table Storage on Azurite, a rules file, the admin list.

/** The demo feed's rep the Playground signs in as. */
const ANA_DEMO = 'ana.ruiz@contoso.example';

describe('the wiring', () => {
  it('wires the Table Storage conversation store and the action handler with the rules file', async () => {
    const tablePrefix = `tdeps${randomBytes(3).toString('hex')}`;
    const dir = await mkdtemp(join(tmpdir(), 'rules-'));
    const rulesFile = join(dir, 'rules.json');
    await writeFile(rulesFile, JSON.stringify({ lossReasons: [{ code: 'moved', label: 'Moved away' }] }));
    const config = loadConfig({
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: tablePrefix,
      TIME_ZONE: 'Europe/London',
      RULES_FILE: rulesFile,
      MicrosoftAppTenantId: 'tenant-1',
      ADMIN_USER_IDS: 'aad-admin',
    });
    const wiring = await wire(config);
    const deps = { store: wiring.storage.conversations, actions: wiring.actions };
    const storage = await openStorage(config.storage, { skipCreate: true });
    const reference = {
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      conversation: { id: 'a:1' },
      bot: { id: 'b' },
    };
    await deps.store.saveRep({
      userId: 'aad-ana',
      channelAccountId: '29:ana',
      name: 'Ana',
      email: 'ana@demo.example',
      tenantId: 'tenant-1',
      serviceUrl: 'http://127.0.0.1:9/',
      reference,
      source: 'roster',
    });
    expect((await storage.conversations.getRepByEmail('ana@demo.example'))?.userId).toBe('aad-ana');

    await storage.state.writeChanged(new Map(), [customer('cust-1', { owner: 'ana@demo.example' })]);
    const submit = (reason: string, tenantId = 'tenant-1') =>
      deps.actions.submit({
        actor: { userId: 'aad-ana', name: 'Ana', tenantId },
        value: {
          action: 'lost',
          customerId: 'cust-1',
          runKey: 'weekly-2026-W48',
          v: 1,
          fields: { reason: 'reason_0', note: 'note_0' },
          reason_0: reason,
        },
        replyToId: 'no-such-card',
        conversationId: 'a:1',
        conversationKind: 'personal',
      });
    // The configured tenant is enforced, and the loss reasons come from the rules file.
    expect((await submit('moved', 'tenant-2')).text).toBe(
      'This app only works for its own organisation. Nothing was changed.',
    );
    expect((await submit('price')).text).toBe(
      'Pick a reason from the list (Moved away). Nothing was recorded on Customer cust-1.',
    );
    expect((await submit('moved')).text).toBe('Recorded "lost": Customer cust-1.');
    expect((await storage.state.get('cust-1'))?.state.lostReason).toBe('moved');
    // The daily digest offers a row's Undo by the admins and tenant the handler enforces, not by none.
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    expect((await wiring.followUps(quiet)).config.access).toMatchObject({
      tenantId: 'tenant-1',
      adminUserIds: ['aad-admin'],
    });
  });

  /** The wiring over the demo feed, on tables of their own. */
  const wireDemo = (prefix: string, env: Record<string, string>) =>
    wire(
      loadConfig({
        STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
        TABLE_PREFIX: `${prefix}${randomBytes(3).toString('hex')}`,
        TIME_ZONE: 'Europe/London',
        FEED_DIR: join(__dirname, '../../../demo/feed'),
        ...env,
      }),
    );

  it("gives the tabs the book's currency, as the cards have it", async () => {
    const wiring = await wireDemo('tcur', { CURRENCY: 'GBP', LOCALE: 'en-GB' });
    const ana = { userId: 'aad-ana', name: 'Ana', email: 'ana@demo.example', tenantId: '' };
    expect((await wiring.tabs.service.customers(ana)).currency).toBe('GBP');
  });

  it('warns in the tabs when the feed stopped coming in, and not while it is current', async () => {
    const ana = { userId: 'aad-ana', name: 'Ana', email: 'ana@demo.example', tenantId: '' };
    const at = (iso: string) =>
      wire(
        loadConfig({
          STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
          TABLE_PREFIX: `tstale${randomBytes(3).toString('hex')}`,
          TIME_ZONE: 'Europe/London',
          FEED_DIR: join(__dirname, '../../../demo/feed'),
        }),
        { clock: () => new Date(iso) },
      );
    // The demo feed's newest order is of Friday 20 November 2026.
    const current = await at('2026-11-23T10:00:00Z');
    expect((await current.tabs.service.customers(ana)).staleFeed).toBeNull();
    const stale = await at('2026-12-21T10:00:00Z');
    expect((await stale.tabs.service.customers(ana)).staleFeed).toMatch(
      /^The order feed looks out of date: its newest order is from Fri 20 Nov, 31 days ago, and your book never went more than \d+ days? without one in the year before\. The figures here are as of that feed/,
    );
  });

  it("gives the monthly summary the admins' notice the weekly and daily runs use", async () => {
    const wiring = await wireDemo('tmon', { ADMIN_USER_IDS: 'aad-admin' });
    const monthly = await wiring.monthly(new Date('2026-12-01T09:05:00Z'));
    // The admin has not installed the app: the notifier is there, with nobody to reach yet.
    expect(await monthly.notifyAdmins?.('The monthly summary could not be posted')).toBe('no_recipient');
  });

  it('gives every month summary the feed: the channel card and the `summary` command compare the holdout alike', async () => {
    const now = new Date('2026-12-01T09:05:00Z');
    const wiring = await wire(
      loadConfig({
        STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
        TABLE_PREFIX: `thold${randomBytes(3).toString('hex')}`,
        TIME_ZONE: 'Europe/London',
        FEED_DIR: join(__dirname, '../../../demo/feed'),
        MANAGER_USER_IDS: 'aad-boss',
      }),
      { clock: () => now },
    );
    // November's weekly run held one demo customer out at random and listed another.
    const row = (action: 'held_out' | 'surfaced', customerId: string) => ({
      id: `${action}_weekly-2026-W45_${customerId}`,
      action,
      customerId,
      customerName: customerId,
      owner: 'ana.ruiz@contoso.example',
      ...WEEKLY_ACTOR,
      at: '2026-11-02T08:03:00.000Z',
      value: 500,
    });
    await wiring.storage.audit.appendRunRows([row('held_out', 'C-1001'), row('surfaced', 'C-1002')]);
    await wiring.storage.conversations.setSummaryChannel({
      channelId: '19:general',
      tenantId: 'tenant-1',
      serviceUrl: 'http://127.0.0.1:9/',
      reference: { conversation: { id: '19:general' } },
    });
    // The monthly timer's run, as the function app runs it, with the card it posts kept.
    const posted: Record<string, unknown>[] = [];
    const monthly = await wiring.monthly(now);
    const report = await runMonthlySummary({
      ...monthly,
      sender: async (_reference, card) => {
        posted.push(card);
        return { status: 'delivered', activityId: 'a-1' };
      },
    });
    expect(report.status).toBe('delivered');
    const card = posted[0];
    expect(JSON.stringify(card)).toMatch(/Ordered again by Tue 1 Dec: \d+% of listed customers \(\d of 1\)/);
    const reply = await wiring.actions.command({
      command: 'summary',
      actor: { userId: 'aad-boss', name: 'Boss', tenantId: '' },
      conversationKind: 'personal',
    });
    expect(reply.cards?.[0]).toEqual(card);
  });

  it("a team's first week: the pages after the card call their rows new, as the card does; untouched are the delivered card's", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rules-'));
    const rulesFile = join(dir, 'rules.json');
    // Three to a card: Ana's seven demo customers run to a second and a third page.
    await writeFile(rulesFile, JSON.stringify({ capPerRep: 3 }));
    let now = new Date('2026-11-23T08:03:00Z');
    const wiring = await wire(
      loadConfig({
        STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
        TABLE_PREFIX: `tpage${randomBytes(3).toString('hex')}`,
        TIME_ZONE: 'Europe/London',
        FEED_DIR: join(__dirname, '../../../demo/feed'),
        RULES_FILE: rulesFile,
        MANAGER_USER_IDS: 'aad-boss',
      }),
      { clock: () => now },
    );
    const reference = { channelId: 'msteams', conversation: { id: 'a:ana' }, bot: { id: 'b' } };
    await wiring.storage.conversations.saveRep({
      userId: 'aad-ana',
      channelAccountId: '29:ana',
      name: 'Ana',
      email: ANA_DEMO,
      tenantId: '',
      serviceUrl: 'http://127.0.0.1:9/',
      reference,
      source: 'roster',
    });
    const sent: Record<string, unknown>[] = [];
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const deps = await wiring.weekly(quiet);
    const report = await runWeekly(
      {
        ...deps,
        sender: async (_reference, card) => {
          sent.push(card);
          return { status: 'delivered', activityId: 'card-1' };
        },
      },
      { now },
    );
    expect(report.status).toBe('completed');
    expect(texts(sent[0]).filter((t) => t === 'New on your list')).toHaveLength(3);

    // Tuesday, Ana taps "Show the next 3": customers no card showed her before.
    now = new Date('2026-11-24T10:00:00Z');
    const reply = await wiring.actions.submit({
      actor: { userId: 'aad-ana', name: 'Ana', tenantId: '' },
      value: { action: 'list_page', v: 1, page: 2, start: 4 },
      replyToId: 'card-1',
      conversationId: 'a:ana',
      conversationKind: 'personal',
    });
    const page2 = texts(reply.savedCard?.card);
    expect(page2[0]).toMatch(/^Your list now · .*; page 2 of \d$/);
    const rows = page2.filter((t) => t.startsWith('Suggested:')).length;
    expect(rows).toBeGreaterThan(0);
    expect(page2.filter((t) => t === 'New on your list')).toHaveLength(rows);

    // The manager's Team tab: untouched are the names on Ana's card. The four other demo reps
    // have not installed the app: no card reached them, so nothing of theirs was left untouched.
    const boss = { userId: 'aad-boss', name: 'Boss', email: 'boss@contoso.example', tenantId: '' };
    const team = await wiring.tabs.service.team(boss, { rep: null, month: null });
    expect(team.untouched.map((r) => [r.owner, r.customers.length])).toEqual([[ANA_DEMO, 3]]);
  });

  it("the tabs read the feed again when the day changes: a day's figures are scored on that day's feed", async () => {
    const env = {
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: `tday${randomBytes(3).toString('hex')}`,
      TIME_ZONE: 'Europe/London',
      FEED_DIR: join(__dirname, '../../../demo/feed'),
    };
    let now = new Date('2026-11-13T10:00:00Z');
    const open = await wire(loadConfig(env), { clock: () => now });
    const csv = await readFile(join(__dirname, '../../../demo/feed/customers.csv'), 'utf8');
    const owner = 'ana.ruiz@contoso.example';
    const ids = csv
      .split('\n')
      .filter((line) => line.includes(owner))
      .map((line) => line.split(',')[0]);
    await open.storage.state.writeChanged(
      new Map(),
      ids.map((id) => customer(id, { owner })),
    );
    const ana = { userId: 'aad-ana', name: 'Ana', email: owner, tenantId: '' };
    // Ana opens My customers on Friday 13 Nov, and again a week later, minutes apart by the
    // machine's clock (the local stack's clock moved a week): the week's orders are in the feed.
    await open.tabs.service.customers(ana);
    now = new Date('2026-11-20T18:00:00Z');
    const later = sentRows(await open.tabs.service.customers(ana, EVERY_ROW));
    const fresh = await wire(loadConfig(env), { clock: () => now });
    const expected = sentRows(await fresh.tabs.service.customers(ana, EVERY_ROW));
    // Brick Lane Cafe ordered that week: not silent since before the 13th.
    expect(expected.find((c) => c.customerId === 'C-1010')?.daysSinceLastOrder).toBeLessThan(7);
    expect(later).toEqual(expected);
  });

  it('refuses a second Reached out on the same day from the tabs, as from the cards', async () => {
    const tablePrefix = `tdrt${randomBytes(3).toString('hex')}`;
    const config = loadConfig({
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: tablePrefix,
      TIME_ZONE: 'Europe/London',
      FEED_DIR: join(__dirname, '../../../demo/feed'),
      ADMIN_USER_IDS: 'aad-admin',
    });
    const wiring = await wire(config);
    const storage = await openStorage(config.storage, { skipCreate: true });
    await storage.state.writeChanged(new Map(), [customer('C-1001', { owner: 'ana@demo.example' })]);
    const ana = { userId: 'aad-ana', name: 'Ana', email: 'ana@demo.example', tenantId: '' };
    const admin = { userId: 'aad-admin', name: 'Ada Admin', email: 'ada@demo.example', tenantId: '' };
    await wiring.tabs.service.act(ana, 'C-1001', { action: 'reached_out' });
    await expect(wiring.tabs.service.act(admin, 'C-1001', { action: 'reached_out' })).rejects.toThrow(
      'already marked reached out today by Ana',
    );
    const rows = await storage.audit.latestForCustomer('C-1001');
    expect(rows.map((r) => r.action)).toEqual(['reached_out']);
  });
});
