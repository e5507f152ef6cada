import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedReadKey, keptFeed } from '../../../feed/keptFeed';
import type { FeedResult } from '../../../feed/readFeed';
import { keptListsNow } from '../../../jobs/weekly/keptListsNow';
import { defaultRules, parseRules, type Rules } from '../../../rules/rulesSchema';
import { texts } from '../../unit/cards/cardWalk';
import { ADMIN, adminSlipBook, type ListBot, NOW, post, startListBot, textActivity } from './actionHarness';

// How often `list` and its pages read the feed, counted at the reader the kept feed is given: the
// real handler through the real CloudAdapter over HTTP, the states on Azurite.

const book = adminSlipBook();

describe('`list` reads the feed through the kept feed', () => {
  let bot: ListBot;
  let reads: number;
  let version: string;
  let rules: Rules;

  beforeEach(async () => {
    reads = 0;
    version = 'etag-1';
    rules = defaultRules();
    const feed = keptFeed({ version: async () => version, clock: () => NOW });
    const listsNow = keptListsNow({
      rules: async () => rules,
      readBook: (asOf, r) =>
        feed.read({
          key: feedReadKey(r, asOf),
          read: async () => {
            reads++;
            return { book } as FeedResult;
          },
          recheck: true,
        }),
      clock: () => NOW,
    });
    bot = await startListBot('klist', listsNow);
  });
  afterEach(() => bot.close());

  const say = async (text: string) => {
    await post(bot.host.host.url, textActivity(bot.connector.url, ADMIN, text));
    const reply = bot.connector.sent.at(-1)?.body;
    return reply?.attachments ? texts(reply.attachments[0]?.content)[0] : reply?.text;
  };

  it('once for a list and its pages; again for a new export, and for rules that read it otherwise', async () => {
    expect(await say('list')).toBe('Your list now · 12 slipping; the first 10 shown');
    expect(await say('list 2')).toBe('Your list now · 12 slipping; page 2 of 2');
    expect(await say('list')).toBe('Your list now · 12 slipping; the first 10 shown');
    expect(reads).toBe(1);

    version = 'etag-2';
    expect(await say('list 2')).toBe('Your list now · 12 slipping; page 2 of 2');
    expect(reads).toBe(2);

    // The rules file reads the dates another way (and lists 5 a card): a new read, planned anew.
    rules = parseRules({ capPerRep: 5, formats: { date: 'day-first' } });
    expect(await say('list')).toBe('Your list now · 12 slipping; the first 5 shown');
    expect(reads).toBe(3);
  });
});
