import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { FEED_RECHECK_MS } from '../../../feed/keptFeed';
import { loadConfig } from '../../../functions/config';
import { type Wiring, wire } from '../../../functions/wiring';
import { type FunctionsHost, registeredRoutes, startFunctionsHost } from '../../../tools/local/functionsHost';
import { texts } from '../../unit/cards/cardWalk';
import {
  post,
  type Sent,
  startConnector,
  submitActivity,
  TENANT,
  tap,
  textActivity,
} from '../taps/actionHarness';

// `list` and its pages ("Show the next", `list 2`) through the deployed wiring: the bot through the
// real CloudAdapter behind the local Functions host, Table Storage on Azurite, the demo feed in a
// folder. A page plans from the feed read the tabs and the timers keep, and from the plan of the
// page before while nothing it was planned from changed.

const DEMO = join(__dirname, '../../../demo/feed');
const ANA = { userId: 'aad-ana', name: 'Ana Ruiz', channelId: '29:ana', email: 'ana.ruiz@contoso.example' };

interface World {
  wiring: Wiring;
  host: FunctionsHost;
  connector: Awaited<ReturnType<typeof startConnector>>;
  dir: string;
  rulesFile: string;
  /** Moves the instance's clock on. */
  wait(ms: number): void;
}

let open: World | undefined;
afterEach(async () => {
  await open?.host.close();
  await open?.connector.close();
  open = undefined;
});

/** The wiring over a copy of the demo feed, with a rules file listing 3 a card; Ana has installed the app. */
async function start(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'kept-list-'));
  await cp(DEMO, join(dir, 'feed'), { recursive: true });
  // Whole milliseconds, which utimes can put back (a copy's times may have finer parts).
  const exported = new Date('2026-11-23T06:00:00Z');
  for (const file of ['customers.csv', 'orders.csv', 'tickets.csv'])
    await utimes(join(dir, 'feed', file), exported, exported);
  const rulesFile = join(dir, 'rules.json');
  await writeFile(rulesFile, JSON.stringify({ capPerRep: 3 }));
  let now = new Date('2026-11-23T09:00:00Z').getTime();
  const wiring = await wire(
    loadConfig({
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: `tklist${randomBytes(3).toString('hex')}`,
      MicrosoftAppTenantId: TENANT,
      FEED_DIR: join(dir, 'feed'),
      RULES_FILE: rulesFile,
    }),
    { clock: () => new Date(now), log: { info: () => {}, warn: () => {}, error: () => {} } },
  );
  const host = await startFunctionsHost({ port: 0, routes: registeredRoutes(wiring), log: () => undefined });
  const connector = await startConnector();
  await wiring.storage.conversations.saveRep({
    userId: ANA.userId,
    channelAccountId: ANA.channelId,
    name: ANA.name,
    email: ANA.email,
    tenantId: TENANT,
    serviceUrl: connector.url,
    reference: {
      channelId: 'msteams',
      serviceUrl: connector.url,
      conversation: { id: `a:${ANA.userId}` },
      bot: { id: '28:bot' },
    },
    source: 'roster',
  });
  open = {
    wiring,
    host,
    connector,
    dir,
    rulesFile,
    wait: (ms) => {
      now += ms;
    },
  };
  return open;
}

/** Ana types `text`: the texts of the card (or the text) the bot answers with, and the message's id. */
async function say(w: World, text: string): Promise<{ shown: string[]; messageId: string }> {
  expect(await post(w.host.url, textActivity(w.connector.url, ANA, text))).toBeLessThan(300);
  return answer(w);
}

function answer(w: World): { shown: string[]; messageId: string } {
  const sent: Sent | undefined = w.connector.sent.at(-1);
  const card = sent?.body.attachments?.[0]?.content;
  return {
    shown: card ? texts(card) : [sent?.body.text ?? ''],
    messageId: `reply-${w.connector.sent.length}`,
  };
}

/** Rewrites a file of the export and puts back its size and time: a change only a new read would see. */
async function rewriteUnseen(path: string, from: string, to: string): Promise<void> {
  expect(to.length).toBe(from.length);
  const before = await stat(path);
  const text = await readFile(path, 'utf8');
  expect(text).toContain(from);
  await writeFile(path, text.replace(from, to));
  await utimes(path, before.atime, before.mtime);
}

describe('`list` and its pages keep what they read and planned', () => {
  it('a second page does not read the feed again; a new export is read at the next page', async () => {
    const w = await start();
    const customers = join(w.dir, 'feed', 'customers.csv');
    expect((await say(w, 'list')).shown).toContain('Greenfield Cafe');

    // The export's bytes change behind the same size and time: a page that read the feed again
    // would show the new name. It shows the read the first page planned from.
    await rewriteUnseen(customers, 'Elm Street Diner', 'Elm Street Dinex');
    w.wait(60_000);
    const second = (await say(w, 'list 2')).shown;
    expect(second[0]).toMatch(/; page 2 of 3$/);
    expect(second).toContain('Elm Street Diner');

    // A new export (a new time on the file): read at the very next page, whatever the tabs' pace.
    const later = new Date('2026-11-23T09:05:00Z');
    await utimes(customers, later, later);
    const third = (await say(w, 'list 2')).shown;
    expect(third).toContain('Elm Street Dinex');
    expect(third).not.toContain('Elm Street Diner');
  });

  it('a changed rules file is planned with at the next page, and one that renames a column is a new read', async () => {
    const w = await start();
    expect((await say(w, 'list')).shown.join('\n')).toMatch(/the first 3 shown/);
    await writeFile(w.rulesFile, JSON.stringify({ capPerRep: 5 }));
    w.wait(FEED_RECHECK_MS);
    expect((await say(w, 'list')).shown.join('\n')).toMatch(/the first 5 shown/);

    // The export renames a column and the rules file follows it: the feed is read again with the
    // new mapping (the kept read of the old one would not do: its key says how it was read).
    const customers = join(w.dir, 'feed', 'customers.csv');
    await rewriteUnseen(customers, 'customer_id,name,owner', 'customer_id,nom_,owner');
    await writeFile(w.rulesFile, JSON.stringify({ capPerRep: 5, columns: { customers: { name: 'nom_' } } }));
    w.wait(FEED_RECHECK_MS);
    const renamed = (await say(w, 'list')).shown;
    expect(renamed.join('\n')).toMatch(/the first 5 shown/);
    expect(renamed).toContain('Greenfield Cafe');
  });

  it('a tap between pages shows on the next page', async () => {
    const w = await start();
    await say(w, 'list');
    // Asked twice: the first stored the page's rows (no weekly run yet), as a run would have.
    await say(w, 'list 2');
    const page = await say(w, 'list 2');
    expect(page.shown).toContain('Elm Street Diner');
    expect(page.shown.join('\n')).not.toMatch(/ by Ana Ruiz/);
    const tapOn = async (value: Record<string, unknown>) => {
      await post(w.host.url, submitActivity(w.connector.url, ANA, value, { replyToId: page.messageId }));
      expect(w.connector.sent.at(-1)?.method).toBe('PUT');
      return (await say(w, 'list 2')).shown;
    };
    // Ana reached out to Elm Street Diner: the row stays, saying so, the rest as they were.
    const reached = await tapOn(tap.reachedOut('C-1142'));
    const elm = reached.indexOf('Elm Street Diner');
    expect(reached[elm + 6]).toBe('Reached out by Ana Ruiz, Mon 23 Nov');
    expect(reached.filter((_, i) => i !== elm + 6)).toEqual(page.shown);
    // Then she records the save instead.
    expect(await tapOn(tap.undo('C-1142'))).toEqual(page.shown);
    const saved = (await tapOn(tap.wonBack('C-1142', '300'))).join('\n');
    expect(saved).toMatch(
      /Elm Street Diner\n(.+\n)+Won back \$300\/month by Ana Ruiz, Mon 23 Nov\nChestnut Grill/,
    );
  });

  it('a state written between pages by another instance is planned with at the next page', async () => {
    const w = await start();
    await say(w, 'list');
    const before = (await say(w, 'list 2')).shown;
    expect(before[0]).toBe('Your list now · 3 slipping · 2 not back yet · 2 lapsed; page 2 of 3');
    expect(before).toContain('Elm Street Diner');
    // Elm Street Diner was recorded lost last Friday (a row this instance did not write).
    await w.wiring.storage.state.update('C-1142', (s) =>
      s ? { ...s, status: 'lost', lostAt: '2026-11-20', lostReason: 'price' } : null,
    );
    const after = (await say(w, 'list 2')).shown;
    expect(after[0]).toBe('Your list now · 3 slipping · 1 not back yet · 2 lapsed; page 2 of 2');
    expect(after).not.toContain('Elm Street Diner');
  });
});
