import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import {
  type ActionChat,
  ADMIN,
  ANA,
  BEN,
  customer,
  openActionStorage,
  saveCard,
  seed,
  startActionChat,
  tap,
} from './actionHarness';

// Teams renders the bot's chat replies as markdown. A customer's name comes from the order feed and
// a rep's display name from Teams: neither may put a link (or bold) into another rep's chat.

const EVIL_CUSTOMER = '[Session expired: sign in](https://evil.example) **Cafe**';
const EVIL_REP = '[Your session expired: sign in](https://evil.example)';
const SHOWN_CUSTOMER = '\\[Session expired: sign in\\](https://evil.example) \\*\\*Cafe\\*\\*';
const SHOWN_REP = '\\[Your session expired: sign in\\](https://evil.example)';

/** A `[text](url)` Teams would render as a link: brackets not escaped with a backslash. */
const LIVE_LINK = /(?<!\\)\[[^\]]*(?<!\\)\]\(/;

const mallory = { ...ADMIN, name: EVIL_REP };
const evil = customer('cust-1', { name: EVIL_CUSTOMER, lastContact: '2026-10-01' });
const bensEvil = customer('cust-3', { name: EVIL_CUSTOMER, owner: BEN.email });

describe('chat replies escape feed and people’s text', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let chat: ActionChat;
  const texts = () => chat.texts();
  const lastText = () => chat.lastText();
  const tapAs = (user: typeof ANA, value: Record<string, unknown>, replyToId = 'card-1') =>
    chat.tapAs(user, value, replyToId);
  const say = (user: typeof ANA, text: string) => chat.say(user, text);

  beforeEach(async () => {
    ({ storage, cards } = await openActionStorage('mdreply'));
    // Mallory, an admin, installed the app under a display name that is a markdown link.
    await seed(storage, [evil, bensEvil], [ANA, BEN, mallory]);
    await saveCard(cards, 'card-1', ANA, []);
    await saveCard(cards, 'card-2', mallory, [evil]);
    chat = await startActionChat(storage, cards);
  });
  afterEach(async () => {
    await chat.close();
    // Every reply of every test: no live link, whatever path it took.
    for (const text of texts()) expect(text).not.toMatch(LIVE_LINK);
  });

  it('a tap answered in words: "Recorded" names the customer as typed, never as a link', async () => {
    await tapAs(BEN, tap.reachedOut('cust-3'));
    expect(lastText()).toBe(`Recorded "reached out": ${SHOWN_CUSTOMER}.`);
  });

  it("a name written as HTML is shown as typed: Teams reads tags in a bot's chat text too", async () => {
    const html = '<a href="https://evil.example">Session expired: sign in</a> > <b>Cafe</b>';
    await storage.state.update('cust-3', (s) => s && { ...s, name: html });
    await tapAs(BEN, tap.reachedOut('cust-3'));
    expect(lastText()).toBe(
      'Recorded "reached out": &lt;a href="https://evil.example"&gt;Session expired: sign in&lt;/a&gt; &gt; &lt;b&gt;Cafe&lt;/b&gt;.',
    );
  });

  it('a refused Undo names the rep who acted and the customer as typed', async () => {
    await tapAs(mallory, tap.reachedOut('cust-3'));
    await tapAs(BEN, tap.undo('cust-3'));
    expect(lastText()).toBe(
      `Only ${SHOWN_REP} or an admin can undo "reached out" on Tue 24 Nov on ${SHOWN_CUSTOMER}.`,
    );
    // From a card that does not show that action: told which one it is, and whose.
    await tapAs(BEN, tap.undo('cust-3'), 'card-2');
    expect(lastText()).toBe(
      `The latest action on ${SHOWN_CUSTOMER} is "reached out" on Tue 24 Nov by ${SHOWN_REP}; only that one can be undone.`,
    );
  });

  it('a stale tap names the customer and the rep who got there first as typed', async () => {
    await tapAs(mallory, tap.reachedOut('cust-1'), 'card-2');
    await tapAs(ANA, tap.reachedOut('cust-1'));
    expect(lastText()).toBe(
      `${SHOWN_CUSTOMER} was already marked reached out today by ${SHOWN_REP}. Nothing was changed.`,
    );
  });

  it('typed undo: refused after another rep acted, then done, both as typed', async () => {
    await tapAs(ANA, tap.reachedOut('cust-1'));
    await tapAs(mallory, tap.lost('cust-1', 'price'), 'card-2');
    await say(ANA, 'undo');
    expect(lastText()).toContain(`since then ${SHOWN_REP} recorded "lost" on Tue 24 Nov`);
    expect(lastText()).toContain(`on ${SHOWN_CUSTOMER}, can no longer be undone`);

    await tapAs(BEN, tap.reachedOut('cust-3'));
    await say(BEN, 'undo');
    expect(lastText()).toBe(
      `Undone on ${SHOWN_CUSTOMER}: "reached out" on Tue 24 Nov. It is back as it was before.`,
    );
  });

  it('a customer the feed moved: the name and the new owner as the feed wrote them, as typed', async () => {
    await tapAs(ANA, tap.lost('cust-1', 'price'));
    await storage.state.update('cust-1', (s) => s && { ...s, owner: '[new_rep](https://evil.example)' });
    await say(ANA, 'undo');
    expect(lastText()).toBe(
      `${SHOWN_CUSTOMER} is now with \\[new\\_rep\\](https://evil.example): the order feed moved them to that rep. Only they or an admin can change it now. Nothing was changed.`,
    );
  });

  it('an unrecognised command is echoed as typed', async () => {
    await say(ANA, '[click](https://evil.example)');
    expect(lastText()).toContain('I did not get "\\[click\\](https://evil.example)".');
    // Help's own markdown is on purpose and stays.
    expect(lastText()).toContain('- **list**: your current list');
  });
});
