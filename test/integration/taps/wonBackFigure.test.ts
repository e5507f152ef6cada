import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import { summaryCardFor } from '../../../jobs/monthly/summaryCardFor';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Storage } from '../../../storage';
import { saveSentCard, type TableCardStore } from '../../../storage/cardStore';
import { bookFromRows } from '../../helpers/bookFromRows';
import { weeklyData } from '../../helpers/weeklyCardData';
import { ofType, perRepFigures } from '../../unit/cards/cardWalk';
import {
  ANA,
  ANA_IN_TAB,
  actionStores,
  customer,
  handlerDeps,
  NOW,
  openActionStorage,
  post,
  seed,
  startActionBotHost,
  startConnector,
  submitActivity,
  TIME_ZONE,
  tabServiceOn,
  tap,
} from './actionHarness';
import { cardRow } from './cardRows';

// A UK team (CURRENCY=GBP, LOCALE=en-GB) whose monthly values are derived from orders, so they have
// pence: Oak Stores is worth £109.87 a month and its row reads "£110/month". A rep taps Won back and
// saves the box as it came, through the real bot over HTTP; the figure must read the same on the
// card, in the tap's update, in the monthly summary and in the tab.

const money = { currency: 'GBP', locale: 'en-GB' };
const oak = customer('oak', { name: 'Oak Stores', monthlyValue: 109.87 });
const elm = customer('elm', { name: 'Elm Foods', monthlyValue: 2400 });

describe('a value won back reads the same everywhere', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let host: Awaited<ReturnType<typeof startActionBotHost>>;
  const card = { ...weeklyData([oak, elm]), ...money };

  beforeEach(async () => {
    ({ storage, cards } = await openActionStorage('figure'));
    await seed(storage, [oak, elm]);
    await saveSentCard(cards, 'card-1', ANA.userId, card, { conversationId: `a:${ANA.userId}`, now: NOW });
    connector = await startConnector();
    const stores = actionStores(storage, cards);
    host = await startActionBotHost(storage, handlerDeps(stores, { cardFormat: money }));
  });
  afterEach(async () => {
    await host?.host.close();
    await connector?.close();
  });

  /** Saves the row's Won back box with `typed`, or as it came; the card as the tap updated it. */
  async function wonBack(customerId: string, row: number, typed?: string) {
    const shown = buildWeeklyCard(card);
    const box = ofType(shown, 'Input.Text').find((n) => n.id === `value_${row}`);
    const value = typed ?? String(box?.value);
    expect(
      await post(host.host.url, submitActivity(connector.url, ANA, tap.wonBack(customerId, value, row))),
    ).toBe(200);
    return connector.sent.filter((s) => s.method === 'PUT').at(-1)?.body.attachments?.[0]?.content;
  }

  /** Each rep's line of figures on the 1st's summary. */
  const summaryLines = async () =>
    Object.values(
      perRepFigures(
        (
          await summaryCardFor(storage, '2026-11', {
            timeZone: TIME_ZONE,
            lossReasons: defaultRules().lossReasons,
            ...money,
          })
        ).card,
      ),
    );

  it('saved as prefilled: "£110/month" on the row, in the update, the summary and the tab', async () => {
    expect(cardRow(buildWeeklyCard(card), 'Oak Stores').texts).toContain('£110/month');
    const updated = await wonBack('oak', 0);
    expect(cardRow(updated, 'Oak Stores').texts).toContain('Won back £110/month by Ana Ruiz, Tue 24 Nov');
    expect((await storage.state.get('oak'))?.state.recoveredValue).toBe(110);
    expect((await summaryLines()).join('\n')).toMatch(/Value won back £110$/m);
    const book = bookFromRows({ customers: [{ id: 'oak', name: oak.name, owner: ANA.email }], orders: [] });
    const tabs = tabServiceOn(storage, cards, book, money);
    const page = await tabs.customer(ANA_IN_TAB, 'oak');
    expect(page.timeline.map((e) => e.detail)).toContain('Ana Ruiz · £110 a month · weekly card');
  });

  it('typed with pence: "£1,250.50" in the update and the summary alike', async () => {
    const updated = await wonBack('elm', 1, '1250.50');
    expect(cardRow(updated, 'Elm Foods').texts).toContain('Won back £1,250.50/month by Ana Ruiz, Tue 24 Nov');
    expect((await summaryLines()).join('\n')).toMatch(/Value won back £1,250\.50$/m);
  });
});
