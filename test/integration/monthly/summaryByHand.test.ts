import { beforeAll, describe, expect, inject, it } from 'vitest';
import { summaryCardFor } from '../../../jobs';
import { surfacedRowId } from '../../../jobs/weekly/weeklySurfaced';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Storage } from '../../../storage';
import { createTabService } from '../../../tabs/api/tabService';
import type { TabUser } from '../../../tabs/api/tabToken';
import { runSummaryCommand } from '../../../tools/cli/summaryCommand';
import { bookFromRows } from '../../helpers/bookFromRows';
import { capture } from '../../helpers/capture';
import { LOSS_REASONS, Rows } from '../../unit/monthly/auditRows';
import { openTestStorage } from '../storage/support';

// November in Chicago, placed by hand on Azurite: taps and undos, a tap at 23:30 on the last
// evening (05:30 UTC on 1 December), a rep who left, a customer handed to another rep mid-month,
// a card the weekly run could not deliver, two customers held out. Every figure below is counted
// from these rows, then read off the channel card, the `summary` command and the Team tab.

const TZ = 'America/Chicago';
const ANA = 'ana@x.com';
const BEN = 'ben@x.com';
const CAL = 'cal@x.com'; // left in November: no install, their customer handed to Ben
const BOSS: TabUser = { userId: 'aad-boss', name: 'Boss', email: 'boss@x.com', tenantId: 't' };
const W45 = 'weekly-2026-W45';
const W46 = 'weekly-2026-W46';
const MON_2 = '2026-11-02T14:03:00.000Z';
const MON_9 = '2026-11-09T14:03:00.000Z';

describe('November by hand: the card, the summary command and the Team tab agree', () => {
  let storage: Storage;
  const r = new Rows();
  const flag = (run: string, at: string, customerId: string, owner: string) =>
    r.add('surfaced', customerId, at, { id: surfacedRowId(run, customerId), owner, actorId: 'system' });
  const by = (owner: string) => ({ owner, actorId: `aad-${owner}`, actorName: owner });

  beforeAll(async () => {
    storage = await openTestStorage('byhand', { timeZone: TZ });
    // Monday 2 November: every rep got their card.
    flag(W45, MON_2, 'a1', ANA);
    flag(W45, MON_2, 'a2', ANA);
    flag(W45, MON_2, 'b1', BEN);
    flag(W45, MON_2, 'c1', CAL);
    // Monday 9 November: Ben's card could not be delivered; two customers held out at random.
    flag(W46, MON_9, 'a3', ANA);
    flag(W46, MON_9, 'b2', BEN);
    r.add('held_out', 'h1', MON_9, { id: `held_out_${W46}_h1`, owner: ANA, actorId: 'system' });
    r.add('held_out', 'h2', MON_9, { id: `held_out_${W46}_h2`, owner: BEN, actorId: 'system' });
    // a1: Won back $1,000, undone, won back again at $1,200.
    r.undo(r.wonBack('a1', '2026-11-03T16:00:00.000Z', 1000, by(ANA)), '2026-11-03T16:05:00.000Z');
    r.wonBack('a1', '2026-11-04T16:00:00.000Z', 1200, by(ANA));
    // a2: Lost for price, undone; for a competitor, undone; went quiet stands.
    r.undo(r.lost('a2', '2026-11-05T16:00:00.000Z', 'price', by(ANA)), '2026-11-05T16:01:00.000Z');
    r.undo(r.lost('a2', '2026-11-06T16:00:00.000Z', 'competitor', by(ANA)), '2026-11-06T16:01:00.000Z');
    r.lost('a2', '2026-11-07T16:00:00.000Z', 'went_quiet', by(ANA));
    // a3: lost at 23:30 on 30 November in Chicago (a November tap), a2's loss is not undone.
    r.lost('a3', '2026-12-01T05:30:00.000Z', 'other', by(ANA));
    // b1: won back at 00:30 on 1 December in Chicago: December's, not November's.
    r.wonBack('b1', '2026-12-01T06:30:00.000Z', 700, by(BEN));
    // c1: Cal reached out, left; Ben, who has the customer now, won it back.
    r.add('reached_out', 'c1', '2026-11-04T15:00:00.000Z', by(CAL));
    r.wonBack('c1', '2026-11-20T16:00:00.000Z', 500, by(BEN));
    // A November save of a1 tapped again and undone in December is not there: nothing else.
    for (const row of r.all) await storage.audit.record(row);
    await storage.runs.startRun(W45, MON_2);
    for (const rep of [ANA, BEN, CAL])
      await storage.runs.recordDelivery(W45, rep, {
        at: MON_2,
        status: 'delivered',
        activityId: `act-${rep}`,
      });
    await storage.runs.startRun(W46, MON_9);
    await storage.runs.recordDelivery(W46, ANA, { at: MON_9, status: 'delivered', activityId: 'act-ana-2' });
    await storage.runs.recordDelivery(W46, BEN, { at: MON_9, status: 'unreachable' });
  });

  // By hand: flagged on a delivered card a1, a2, b1, c1 (2 Nov) and a3 (9 Nov) = 5; b2 not delivered.
  // Saves a1 ($1,200) and c1 ($500): 2 of the 5 flagged, 40%. Lost: a2 (went quiet), a3 (other).
  // Reached out: 1 (Cal). Undone: 3. Held out 2 vs listed 5.
  const byHand = {
    surfaced: 5,
    notDelivered: 1,
    saves: 2,
    customersWonBack: 2,
    recoveredValue: 1700,
    lost: 2,
    reachedOut: 1,
    winBackRate: 0.4,
    undone: 3,
  };

  it('the channel card', async () => {
    const { summary, card } = await summaryCardFor(storage, '2026-11', {
      timeZone: TZ,
      lossReasons: LOSS_REASONS,
    });
    expect(summary).toMatchObject({
      ...byHand,
      headline: 'The team won back $1,700 of monthly revenue in November from 2 at-risk customers. 2 lost.',
      holdout: expect.objectContaining({ heldOut: 2, listed: 5 }),
    });
    expect(summary.losses.map((l) => [l.code, l.count])).toEqual([
      ['went_quiet', 1],
      ['other', 1],
    ]);
    expect(
      summary.reps.map((rep) => [rep.owner, rep.surfaced, rep.reachedOut, rep.wonBack, rep.lost]),
    ).toEqual([
      [ANA, 3, 0, 1, 2],
      [BEN, 1, 0, 1, 0],
      [CAL, 1, 1, 0, 0],
    ]);
    expect(JSON.stringify(card)).toContain('Flagged, card not delivered (not counted)');
  });

  it('the summary command, as JSON', async () => {
    const out = capture();
    await runSummaryCommand(['--month', '2026-11', '--format', 'json'], out.stream, {
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: storage.tables.audit.slice(0, -'Audit'.length),
      TIME_ZONE: TZ,
    });
    expect(JSON.parse(out.text())).toMatchObject(byHand);
  });

  it('the Team tab, for everyone and for Ben', async () => {
    const book = bookFromRows({
      customers: ['a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'h1', 'h2'].map((id) => ({
        id,
        owner: id.startsWith('a') || id === 'h1' ? ANA : BEN,
        monthlyValue: 500,
      })),
      orders: [],
    });
    const tabs = createTabService({
      storage,
      cards: { pushRecentAction: async () => undefined },
      rules: defaultRules(),
      readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
      timeZone: TZ,
      access: { tenantId: '', adminUserIds: [], managerUserIds: [BOSS.userId] },
      clock: () => new Date('2026-12-03T15:00:00Z'),
    });
    const team = await tabs.team(BOSS, { rep: null, month: '2026-11' });
    expect(team.monthly.at(-1)).toEqual({
      month: '2026-11',
      surfaced: 5,
      reachedOut: 1,
      saves: 2,
      losses: 2,
      valueWonBack: 1700,
      oneOffWonBack: 0,
      // Ben's card of 9 November that never reached him: b2, said apart as on the card.
      flaggedNotDelivered: 1,
      followUpConversion: 1,
    });
    // Ben's card of 9 November never reached him: b2 is not one of his flags.
    const bens = await tabs.team(BOSS, { rep: BEN, month: '2026-11' });
    expect(bens.monthly.at(-1)).toMatchObject({ surfaced: 1, saves: 1, valueWonBack: 500 });
  });
});
