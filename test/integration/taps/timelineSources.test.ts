import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestCardData } from '../../../cards/digestCardModels';
import { saveSentCard } from '../../../storage/cardStore';
import { tapInTab } from '../../../tabs/api/tabActions';
import { bookFromRows } from '../../helpers/bookFromRows';
import { weeklyData } from '../../helpers/weeklyCardData';
import {
  type ActionChat,
  ANA,
  ANA_IN_TAB,
  customer,
  NOW,
  openActionStorage,
  seed,
  startActionChat,
  tabActionDeps,
  tabServiceOn,
  tap,
} from './actionHarness';

// Ana reaches out to four customers, each from another place: the weekly card, a `list` card, the
// daily digest and the tab. Each customer's timeline in the tab names where it was done.

const oak = customer('oak', { name: 'Oak' });
const elm = customer('elm', { name: 'Elm' });
const ivy = customer('ivy', { name: 'Ivy', lastContact: '2026-11-16' });
const fir = customer('fir', { name: 'Fir' });
const ana = ANA_IN_TAB;

const digest: DigestCardData = {
  kind: 'digest',
  runKey: 'daily-2026-11-24',
  rows: [
    {
      customerId: 'ivy',
      name: 'Ivy',
      monthlyValue: 1200,
      reason: { kind: 'no_order', contactOn: '2026-11-16', days: 8 },
    },
  ],
  quietReason: 'No order since the call',
  lossReasons: weeklyData([]).lossReasons,
};

describe("the customer's timeline names where each action was taken", () => {
  let chat: ActionChat;
  let tabs: ReturnType<typeof tabServiceOn>;
  beforeAll(async () => {
    const { storage, cards } = await openActionStorage('tlsource');
    await seed(storage, [oak, elm, ivy, fir]);
    const chatId = { conversationId: `a:${ANA.userId}`, now: NOW };
    await saveSentCard(cards, 'weekly-card', ANA.userId, weeklyData([oak]), chatId);
    await saveSentCard(cards, 'list-card', ANA.userId, { ...weeklyData([elm]), kind: 'list' }, chatId);
    await saveSentCard(cards, 'digest-card', ANA.userId, digest, chatId);
    chat = await startActionChat(storage, cards);
    const book = bookFromRows({
      customers: [oak, elm, ivy, fir].map((c) => ({ id: c.customerId, name: c.name, owner: ANA.email })),
      orders: [oak, elm, ivy, fir].map((c) => ({
        customerId: c.customerId,
        date: '2026-10-01',
        amount: 500,
      })),
    });
    tabs = tabServiceOn(storage, cards, book);

    expect(await chat.tapAs(ANA, tap.reachedOut('oak'), 'weekly-card')).toBe(200);
    expect(await chat.tapAs(ANA, tap.reachedOut('elm'), 'list-card')).toBe(200);
    const lost = { action: 'lost', customerId: 'ivy', runKey: digest.runKey, v: 1 };
    expect(await chat.tapAs(ANA, { ...lost, preset: { reason: 'went_quiet' } }, 'digest-card')).toBe(200);
    const inTab = await tapInTab(tabActionDeps(storage, cards), ana, 'fir', { action: 'reached_out' });
    expect(inTab.ok).toBe(true);
  });
  afterAll(async () => {
    await chat.close();
  });

  const actionDetail = async (customerId: string) =>
    (await tabs.customer(ana, customerId)).timeline.find(
      (e) => e.kind === 'action' && e.id.startsWith('action-'),
    )?.detail;

  it('a tap on the weekly card, a list card, the digest and in the tab', async () => {
    expect(await actionDetail('oak')).toBe('Ana Ruiz · weekly card');
    expect(await actionDetail('elm')).toBe('Ana Ruiz · list card');
    expect(await actionDetail('ivy')).toBe('Ana Ruiz · Went quiet · follow-up digest');
    expect(await actionDetail('fir')).toBe('Ana Ruiz · tab');
  });
});
