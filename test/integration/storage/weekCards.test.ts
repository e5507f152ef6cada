import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { refreshFrom } from '../../../bot/taps/cardRefresh';
import { encodeCard, openCardStore } from '../../../storage/cardStore';
import { idKey } from '../../../storage/keys';
import { createTableClient, DEFAULT_RETRY } from '../../../storage/tableClients';
import { queryRecorder, rowsWalked, saveWeeksOfCards } from '../../helpers/cardHistory';
import { weeklyData } from '../../helpers/weeklyCardData';

// What a tap's refresh reads of a rep's chat (this week's cards), on Azurite, after a year of weekly
// cards, digests and `list` pages: the service walks this week's rows, not the year's.

const chat = 'a:rep0';
const TIME_ZONE = 'America/New_York';

async function openCards() {
  const config = {
    connectionString: inject('azuriteConnectionString'),
    tablePrefix: `tweek${randomBytes(4).toString('hex')}`,
  };
  const { policy: recorder, filters } = queryRecorder();
  const cards = await openCardStore(config, { policies: [recorder] });
  const table = createTableClient(
    { storage: config, retry: DEFAULT_RETRY, policies: [] },
    `${config.tablePrefix}Cards`,
  );
  return { cards, table, filters };
}

describe("a chat's cards of this week", () => {
  it('are read walking this week’s rows only, however many weeks the chat holds', async () => {
    const { cards, table, filters } = await openCards();
    const { saved, lastDay } = await saveWeeksOfCards(cards, chat, 52);
    filters.length = 0;
    const found = await cards.cardsFrom(chat, refreshFrom(new Date(`${lastDay}T15:00:00Z`), TIME_ZONE));
    // This week: Monday's weekly card, five digests, three `list` pages: the last nine saved.
    expect(found.map((c) => c.messageId).sort()).toEqual(
      Array.from({ length: 9 }, (_, i) => `1:${saved - i}`).sort(),
    );
    expect(filters).toHaveLength(1);
    expect(await rowsWalked(table, filters[0])).toBe(9);
  }, 60_000);

  it('a card saved before the week’s copies were kept is still read, and found by a refresh once changed', async () => {
    const { cards, table } = await openCards();
    const data = { ...weeklyData([]), runKey: 'weekly-2026-W48' };
    const card = {
      messageId: 'old-1',
      repUserId: 'rep0',
      conversationId: chat,
      data,
      savedAt: '2026-11-23T13:00:00.000Z',
    };
    // The row as the store wrote it before: the card alone under its message id.
    await table.upsertEntity(
      { partitionKey: `c_${idKey(chat)}`, rowKey: `m_${idKey('old-1')}`, ...encodeCard(card) },
      'Replace',
    );
    expect((await cards.get(chat, 'old-1'))?.data.runKey).toBe('weekly-2026-W48');
    const from = refreshFrom(new Date('2026-11-24T15:00:00Z'), TIME_ZONE);
    await cards.update(chat, 'old-1', (c) => ({ ...c, data: { ...c.data, locale: 'en-GB' } }));
    expect((await cards.cardsFrom(chat, from)).map((c) => [c.messageId, c.data.locale])).toEqual([
      ['old-1', 'en-GB'],
    ]);
  });
});
