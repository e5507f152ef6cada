import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedOptionsFrom } from '../../../feed/feedOptions';
import { readFeed } from '../../../feed/readFeed';
import { parseRules } from '../../../rules/rulesSchema';
import { writeFeedFolder } from '../../../tools/bench/feedFolder';

// The benches write a book as a feed folder in the feed's own columns: a book read from a help
// desk's export, tickets with no rating among them, reads back with the same tickets.
describe("the benches' feed folder", () => {
  it('writes a ticket with no rating as an empty cell, read back as no rating, not as a bad row', async () => {
    const zendesk = join(__dirname, '../../fixtures/exports/zendesk');
    const rules = parseRules(JSON.parse(readFileSync(join(zendesk, 'rules.json'), 'utf8')));
    const { book } = await readFeed(zendesk, feedOptionsFrom(rules, '2026-11-23'));
    const dir = await mkdtemp(join(tmpdir(), 'churn-feed-folder-'));
    try {
      await writeFeedFolder(book, dir);
      const back = await readFeed(dir, feedOptionsFrom(parseRules({}), '2026-11-23'));
      expect(back.report.rowsSkipped).toBe(0);
      expect(Array.from(back.book.ticketSentiment)).toEqual(Array.from(book.ticketSentiment));
      expect(Array.from(back.book.ticketOpen)).toEqual(Array.from(book.ticketOpen));
      expect(Array.from(book.ticketSentiment)).toContain(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
