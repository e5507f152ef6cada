import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APOLOGY } from '../../../bot/adapter';
import { LIST_NOTICE_AFTER_MS } from '../../../bot/taps/listNotice';
import { LIST_COMING } from '../../../bot/taps/replies';
import { keptListsNow } from '../../../jobs/weekly/keptListsNow';
import type { Book } from '../../../rules/book';
import { defaultRules } from '../../../rules/rulesSchema';
import { ofType, texts } from '../../unit/cards/cardWalk';
import { eventually } from '../bot/recordingPorts';
import {
  ADMIN,
  adminSlipBook,
  type ListBot,
  NOW,
  post,
  startListBot,
  submitActivity,
  tap,
  textActivity,
} from './actionHarness';

// `list` when the feed is slow to read: the real handler through the real CloudAdapter over HTTP,
// the states and cards on Azurite, the replies as the Bot Connector stand-in receives them.

const book = adminSlipBook();
const CHAT = `a:${ADMIN.userId}`;
/** Longer than the bot waits before saying the list is coming. */
const SLOW_MS = LIST_NOTICE_AFTER_MS + 1_500;

describe('`list` that takes a while', () => {
  let bot: ListBot;
  /** How the feed reads: after `delayMs`, the book, or the error. */
  let reader: { delayMs: number; fails?: Error };
  let reads: number;

  beforeEach(async () => {
    reads = 0;
    reader = { delayMs: 0 };
    const readBook = async (): Promise<{ book: Book }> => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, reader.delayMs));
      if (reader.fails) throw reader.fails;
      return { book };
    };
    const listsNow = keptListsNow({ rules: async () => defaultRules(), readBook, clock: () => NOW });
    bot = await startListBot('slow', listsNow);
  });
  afterEach(() => bot.close());

  const typed = (text: string) => post(bot.host.host.url, textActivity(bot.connector.url, ADMIN, text));
  const posted = () => bot.connector.sent.filter((s) => s.method === 'POST');
  const heading = (i: number) => texts(posted()[i]?.body.attachments?.[0]?.content)[0];

  it('says at once that the list is coming, then sends the card, saved so a tap updates it with Undo', async () => {
    reader.delayMs = SLOW_MS;
    const turn = typed('list');
    // The rep is told while the feed is still being read, long before the card.
    await eventually(() => posted()[0], SLOW_MS, 'the notice');
    expect(posted().map((s) => s.body.text)).toEqual([LIST_COMING]);
    expect(await turn).toBe(200);
    expect(posted()).toHaveLength(2);
    expect(heading(1)).toBe('Your list now · 12 slipping; the first 10 shown');

    const messageId = 'reply-2';
    expect((await bot.cards.get(CHAT, messageId))?.data.kind).toBe('list');
    await post(
      bot.host.host.url,
      submitActivity(bot.connector.url, ADMIN, tap.reachedOut('many-11'), { replyToId: messageId }),
    );
    const update = bot.connector.sent.at(-1);
    expect(update?.method).toBe('PUT');
    expect(update?.url).toContain(messageId);
    expect(ofType(update?.body.attachments?.[0]?.content, 'Action.Submit').map((a) => a.title)).toContain(
      'Undo',
    );
  });

  it('answers with the card alone when the list is ready in time', async () => {
    expect(await typed('list')).toBe(200);
    expect(posted()).toHaveLength(1);
    expect(heading(0)).toBe('Your list now · 12 slipping; the first 10 shown');
  });

  it('tells the rep and logs it when the list fails after the notice', async () => {
    reader.delayMs = SLOW_MS;
    reader.fails = new Error('the export could not be read');
    await typed('list');
    expect(posted().map((s) => s.body.text)).toEqual([LIST_COMING, APOLOGY]);
    expect(
      bot.host.log.lines.some(
        (l) => l.startsWith('error bot turn failed') && l.includes('could not be read'),
      ),
    ).toBe(true);
  });

  it('reads and plans once for a list asked again while it is being worked out', async () => {
    reader.delayMs = SLOW_MS;
    await Promise.all([typed('list'), typed('list 2')]);
    expect(reads).toBe(1);
    const headings = posted()
      .filter((s) => s.body.attachments)
      .map((s) => texts(s.body.attachments?.[0]?.content)[0]);
    expect(headings.sort()).toEqual([
      'Your list now · 12 slipping; page 2 of 2',
      'Your list now · 12 slipping; the first 10 shown',
    ]);
    expect(posted().filter((s) => s.body.text === LIST_COMING)).toHaveLength(2);
  });
});
