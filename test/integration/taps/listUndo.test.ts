import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keptListsNow } from '../../../jobs/weekly/keptListsNow';
import { defaultRules } from '../../../rules/rulesSchema';
import { slipBook } from '../../unit/weekly/scoredFixture';
import {
  ADMIN,
  BEN,
  customer,
  type ListBot,
  NOW,
  post,
  startListBot,
  submitActivity,
  tap,
  textActivity,
} from './actionHarness';
import { buttonData, cardRow } from './cardRows';

// The `list` card is its reader's: an admin's save on Ben's customer shows on it, with who can undo it
// rather than an Undo Ben could never use. The real handler through the real CloudAdapter, on Azurite.

const book = slipBook([
  { id: 'kiln', name: 'Kiln Bakery', owner: BEN.email, monthlyValue: 900, slip: true },
  { id: 'steady', name: 'Harbour Deli', owner: ADMIN.email, monthlyValue: 800, slip: false },
]);

describe("`list` after an admin's save on the rep's customer", () => {
  let bot: ListBot;

  beforeEach(async () => {
    const listsNow = keptListsNow({
      rules: async () => defaultRules(),
      readBook: async () => ({ book }),
      clock: () => NOW,
    });
    bot = await startListBot('listundo', listsNow);
  });
  afterEach(() => bot.close());

  /** The card of Ben's last `list`, as posted to his chat. */
  const bensList = async () => {
    expect(await post(bot.host.host.url, textActivity(bot.connector.url, BEN, 'list'))).toBe(200);
    const card = bot.connector.sent.filter((s) => s.method === 'POST').at(-1)?.body.attachments?.[0]?.content;
    if (!card) throw new Error('no card posted');
    return card;
  };

  it('shows the save and who can undo it, with no Undo; Ben gets his Undo back for his own save', async () => {
    expect(cardRow(await bensList(), 'Kiln Bakery').buttons).toContain('reached_out');
    expect(
      await post(
        bot.host.host.url,
        submitActivity(bot.connector.url, ADMIN, tap.reachedOut('kiln'), { replyToId: 'm-ada' }),
      ),
    ).toBe(200);
    const row = cardRow(await bensList(), 'Kiln Bakery');
    expect(row.texts).toContain('Reached out by Ada Admin, Tue 24 Nov · Ada Admin or an admin can undo');
    expect(row.buttons).toEqual([]);

    // Ada undoes hers by typing; Ben calls them himself: his own action, his Undo.
    expect(await post(bot.host.host.url, textActivity(bot.connector.url, ADMIN, 'undo'))).toBe(200);
    expect(
      await post(
        bot.host.host.url,
        submitActivity(bot.connector.url, BEN, tap.reachedOut('kiln'), { replyToId: 'm-ben' }),
      ),
    ).toBe(200);
    const mine = await bensList();
    expect(cardRow(mine, 'Kiln Bakery').texts).toContain('Reached out by Ben Ortiz, Tue 24 Nov');
    expect(buttonData(mine, 'Kiln Bakery', 'undo')).toMatchObject({ action: 'undo', customerId: 'kiln' });
  });

  it('shows no outcome of an earlier week, as the cards a tap refreshes do, whatever the stored dates say', async () => {
    // A state whose contact date reads this week (Mon 23 Nov) while the only standing action on the
    // customer is a call three weeks back: the product writes the two together, so only a store put
    // right by hand or half restored reads so; the `list` row still shows what this week's cards do.
    await bot.storage.state.writeChanged(new Map(), [
      customer('kiln', {
        name: 'Kiln Bakery',
        owner: BEN.email,
        monthlyValue: 900,
        lastContact: '2026-11-23',
      }),
    ]);
    await bot.storage.audit.record({
      id: 'old-card|kiln|reached_out',
      action: 'reached_out',
      customerId: 'kiln',
      customerName: 'Kiln Bakery',
      owner: BEN.email,
      actorId: BEN.userId,
      actorName: BEN.name,
      at: '2026-11-03T15:00:00.000Z',
      snapshot: customer('kiln', { name: 'Kiln Bakery', owner: BEN.email, monthlyValue: 900 }),
      cardMessageId: 'old-card',
      source: 'weekly',
    });
    const row = cardRow(await bensList(), 'Kiln Bakery');
    expect(row.texts.filter((t) => t.startsWith('Reached out by'))).toEqual([]);
    expect(row.buttons).toContain('reached_out');
  });
});
