import { RestError, TableClient } from '@azure/data-tables';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { CardSender } from '../../../bot/ports';
import { buildMonthlySummaryCard } from '../../../cards';
import { runMonthlySummary, SUMMARY_CHANNEL_RECIPIENT, summaryCardFor } from '../../../jobs';
import { outcomesFromBook } from '../../../jobs/monthly';
import { summaryFeedFigures } from '../../../jobs/monthly/summaryFeedFigures';
import { renderSummaryText } from '../../../jobs/monthly/summaryText';
import type { AdminNotifier, NoticeResult } from '../../../jobs/weekly/weeklyNotice';
import { surfacedRowId } from '../../../jobs/weekly/weeklySurfaced';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Delivery, Storage } from '../../../storage';
import type { AuditRow } from '../../../storage/auditRow';
import { idKey } from '../../../storage/keys';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { bookFromRows } from '../../helpers/bookFromRows';
import { chartsOf, withChartFallbacks } from '../../helpers/cardCharts';
import { heldNotifier } from '../../helpers/heldNotifier';
import { perRepFigures, texts } from '../../unit/cards/cardWalk';
import { LOSS_REASONS, Rows, snapshotSurfacedOn } from '../../unit/monthly/auditRows';
import { ANA, BEN, november } from '../../unit/monthly/novemberFixture';
import { MemoryLog } from '../bot/recordingPorts';
import { openTestStorage } from '../storage/support';

// The summary computed from rows written through the real audit store on Azurite.

const TZ = 'America/Chicago';
const options = { timeZone: TZ, lossReasons: LOSS_REASONS };
const schedule = { timeZone: TZ, hour: 9, minute: 0 };

async function record(storage: Storage, rows: readonly AuditRow[]): Promise<void> {
  for (const row of rows) await storage.audit.record(row);
}

const channel = {
  teamId: 'team-1',
  channelId: 'team-1',
  tenantId: 'tenant-1',
  serviceUrl: 'http://localhost:1/_connector',
  reference: {
    channelId: 'msteams',
    serviceUrl: 'http://localhost:1/_connector',
    conversation: { id: 'team-1' },
  },
};

/** A sender that records what it was asked to post and answers as told. */
function recordingSender(answers: Awaited<ReturnType<CardSender>>[] = []) {
  const calls: { reference: Record<string, unknown>; card: Record<string, unknown>; text: string }[] = [];
  const sender: CardSender = async (reference, card, text) => {
    calls.push({ reference, card, text });
    return answers.shift() ?? { status: 'delivered', activityId: `act-${calls.length}` };
  };
  return { sender, calls };
}

describe('monthly summary from the audit store', () => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await openTestStorage('summary', { timeZone: TZ });
    const { rows, priorRows, laterRows } = november();
    await record(storage, [...priorRows, ...rows, ...laterRows]);
    await storage.conversations.saveRep({
      userId: 'aad-ana',
      name: 'Ana Ruiz',
      email: 'Ana@Demo.Example',
      tenantId: 'tenant-1',
      serviceUrl: 'http://localhost:1/_connector',
      reference: {},
    });
  });

  it('reads the month with its neighbours and gives every figure, net of undos', async () => {
    const { summary, card } = await summaryCardFor(storage, '2026-11', options);
    expect(summary).toMatchObject({
      headline: 'The team won back $3,400 of monthly revenue in November from 2 at-risk customers. 4 lost.',
      saves: 2,
      recoveredValue: 3400,
      surfaced: 8,
      reachedOut: 3,
      lost: 4,
      winBackRate: 0.25,
      medianDaysToWinBack: 14,
      undone: 3,
      hints: ['2 of 4 losses were price: that is a pricing conversation.'],
    });
    expect(summary.losses.map((l) => [l.code, l.count, l.share])).toEqual([
      ['price', 2, 0.5],
      ['went_quiet', 1, 0.25],
      ['other', 1, 0.25],
    ]);
    // Rep names come from the installs (email matched case-insensitively).
    expect(summary.reps.map((r) => [r.owner, r.name, r.wonBack, r.valueWonBack])).toEqual([
      [BEN, BEN, 1, 2200],
      [ANA, 'Ana Ruiz', 1, 1200],
    ]);
    expect(summary.reChurn.map((c) => c.customerId)).toEqual(['c10']);
    // The store gives the same card the pure builder gives from the same rows.
    expect(card).toEqual(buildMonthlySummaryCard(summary));
    expect(chartsOf(card).map((c) => [c.type, (c.fallback as { type: string }).type])).toEqual([
      ['Chart.Donut', 'FactSet'],
      ['Chart.HorizontalBar', 'FactSet'],
    ]);
    expect(adaptiveCardErrors(withChartFallbacks(card))).toEqual([]);
  });

  it('an empty month says so', async () => {
    const { summary, card } = await summaryCardFor(storage, '2026-06', options);
    expect(summary.isEmpty).toBe(true);
    expect(summary.headline).toBe(
      'Nothing was recorded in June: no customer was flagged and no button was tapped.',
    );
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it('flags count only on cards the weekly run delivered, by its ledger', async () => {
    const ledgered = await openTestStorage('ledger', { timeZone: TZ });
    const run = 'weekly-2026-W41';
    const at = '2026-10-05T14:00:00.000Z';
    const r = new Rows();
    r.add('surfaced', 'a1', at, { id: surfacedRowId(run, 'a1'), owner: ANA });
    for (const id of ['b1', 'b2', 'b3'])
      r.add('surfaced', id, at, { id: surfacedRowId(run, id), owner: BEN });
    await record(ledgered, r.all);
    await ledgered.runs.startRun(run, at);
    // Only Ana had a chat with the bot: Ben's card never went out (no ledger row for him).
    await ledgered.runs.recordDelivery(run, ANA, { at, status: 'delivered', activityId: 'act-1' });
    const { summary, card } = await summaryCardFor(ledgered, '2026-10', options);
    expect(summary).toMatchObject({ surfaced: 1, notDelivered: 3 });
    expect(summary.reps.map((rep) => rep.owner)).toEqual([ANA]);
    expect(JSON.stringify(card)).toContain('Flagged, card not delivered (not counted)');
  });

  it('a save relisted past the card’s first page is at risk again, when that card reached the rep', async () => {
    const listed = await openTestStorage('relisted', { timeZone: TZ });
    const r = new Rows();
    r.wonBack('p2', '2026-09-10T15:00:00Z', 400);
    r.wonBack('q2', '2026-09-10T15:00:00Z', 400, { owner: BEN });
    await record(listed, r.all);
    const run = 'weekly-2026-W47';
    const week = (owner: string) => ({
      run,
      day: '2026-11-16',
      owner,
      kind: 'slipping' as const,
      chance: 60,
      rank: 14,
      page: 2,
      heldOut: false,
    });
    await listed.listings.append([
      { customerId: 'p2', week: week(ANA) },
      { customerId: 'q2', week: week(BEN) },
    ]);
    await listed.runs.startRun(run, '2026-11-16T14:03:00.000Z');
    // Ana's card went out; Ben's never did (no ledger row for him): his list's later pages were never seen.
    await listed.runs.recordDelivery(run, ANA, { at: '2026-11-16T14:03:00.000Z', status: 'delivered' });
    const { summary } = await summaryCardFor(listed, '2026-11', options);
    expect(summary.reChurn.map((c) => [c.customerId, c.owner, c.wonBackOn, c.atRiskAgainOn])).toEqual([
      ['p2', ANA, '2026-09-10', '2026-11-16'],
    ]);
  });

  it('a month with only losses', async () => {
    const only = await openTestStorage('losses', { timeZone: TZ });
    const r = new Rows();
    r.lost('a', '2026-10-03T15:00:00.000Z', 'went_quiet');
    r.lost('b', '2026-10-04T15:00:00.000Z', 'went_quiet');
    r.lost('c', '2026-10-05T15:00:00.000Z', 'price');
    await record(only, r.all);
    const { summary, card } = await summaryCardFor(only, '2026-10', options);
    expect(summary.headline).toBe('No customer was won back in October. 3 lost.');
    expect(summary.hints).toEqual(['2 of 3 losses went quiet: flag earlier, tighten the weights.']);
    expect(chartsOf(card).map((c) => c.type)).toEqual(['Chart.Donut']);
    expect(adaptiveCardErrors(withChartFallbacks(card))).toEqual([]);
  });

  it("a rep whose saves were one-order customers' second orders is not shown as winning back $0", async () => {
    const once = await openTestStorage('second', { timeZone: TZ });
    const r = new Rows();
    const oneOrder = (id: string) => ({
      ...snapshotSurfacedOn(id, '2026-10-03'),
      valueKind: 'second_order' as const,
    });
    r.wonBack('once', '2026-10-10T15:00:00.000Z', 888, { snapshot: oneOrder('once') });
    await record(once, r.all);
    const { summary, card } = await summaryCardFor(once, '2026-10', options);
    expect(summary.headline).toBe(
      'The team won back $888 of one-off orders in October from 1 at-risk customer. None lost.',
    );
    // The per-rep row, on the card and in the CLI's text, says what the headline says.
    expect(Object.values(perRepFigures(card))).toEqual([
      expect.stringMatching(/Value won back \$888 in one-off orders$/),
    ]);
    expect(texts(card)).not.toContain('$0');
    expect(renderSummaryText(summary)).toMatch(/\$888 in one-off orders/);
  });

  it("a one-order customer's save of the order placed the day before the tap retains that order", async () => {
    const storage = await openTestStorage('retained', { timeZone: TZ });
    const r = new Rows();
    const before = { ...snapshotSurfacedOn('once', '2026-10-03'), valueKind: 'second_order' as const };
    r.wonBack('once', '2026-10-10T15:00:00.000Z', 888, { snapshot: before });
    await record(storage, r.all);
    const book = bookFromRows({
      customers: [{ id: 'once', owner: before.owner }],
      orders: [
        { customerId: 'once', date: '2026-06-02', amount: 410 },
        { customerId: 'once', date: '2026-10-09', amount: 888 },
      ],
    });
    const saved = { ...before, wonBackAt: '2026-10-10', recoveredValue: 888 };
    const feed = summaryFeedFigures(book, [saved], defaultRules(), '2026-10', '2026-10-31');
    const { summary } = await summaryCardFor(storage, '2026-10', { ...options, saves: feed.saves });
    expect(summary.headline).toMatch(/^The team won back \$888 of one-off orders in October/);
    expect(summary.savesHeld).toMatchObject({ valueRecordedSecondOrder: 888, valueRetained: 888 });
    expect(renderSummaryText(summary)).toMatch(
      /Value retained since the saves\s+\$888 ordered \(recorded \$888 in one-off orders\)/,
    );
  });
});

describe('re-churn after a long cool-down, from the audit store', () => {
  it('reads back as far as the cool-down reaches and says whether the save ever held', async () => {
    const storage = await openTestStorage('rechurn', { timeZone: TZ });
    const r = new Rows();
    // Won back in July: four months before November, past the three months a summary read before.
    r.wonBack('held', '2026-07-02T15:00:00.000Z', 400);
    r.wonBack('hope', '2026-07-02T15:00:00.000Z', 400);
    // A 120-day cool-down kept both off the lists to 30 Oct; both slipped again in November.
    r.surfaced('held', '2026-11-16T14:03:00.000Z');
    r.surfaced('hope', '2026-11-16T14:03:00.000Z');
    await record(storage, r.all);
    // The feed kept up to the end of November (another customer's orders): 'hope' truly ordered nothing.
    const book = bookFromRows({
      customers: [{ id: 'held' }, { id: 'hope' }, { id: 'other' }],
      orders: [
        { customerId: 'held', date: '2026-08-20', amount: 120 },
        { customerId: 'other', date: '2026-11-30', amount: 80 },
      ],
    });
    const outcomes = outcomesFromBook(book, '2026-12-01');

    const fixed = await summaryCardFor(storage, '2026-11', { ...options, outcomes });
    expect(fixed.summary.reChurn).toEqual([]);

    const { summary, card } = await summaryCardFor(storage, '2026-11', {
      ...options,
      outcomes,
      coolDownDays: 120,
    });
    expect(summary.reChurn.map((c) => [c.customerId, c.wonBackOn, c.orderedSince])).toEqual([
      ['held', '2026-07-02', true],
      ['hope', '2026-07-02', false],
    ]);
    expect(texts(card)).toEqual(
      expect.arrayContaining([
        'At risk again within 148 days of a save: 2',
        'Customer held: won back 2 Jul, ordered again, at risk again 16 Nov',
        'Customer hope: won back 2 Jul, no order since, at risk again 16 Nov',
      ]),
    );
    expect(adaptiveCardErrors(withChartFallbacks(card))).toEqual([]);
  });
});

describe('runMonthlySummary', () => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await openTestStorage('monthlyrun', { timeZone: TZ });
    const { rows, priorRows, laterRows } = november();
    await record(storage, [...priorRows, ...rows, ...laterRows]);
  });

  const run = (now: string, sender: CardSender, notifyAdmins?: AdminNotifier) =>
    runMonthlySummary({
      storage,
      sender,
      now: new Date(now),
      config: { ...options, schedule },
      ...(notifyAdmins ? { notifyAdmins } : {}),
    });

  /** An admin notifier that keeps what it was asked to post. */
  const admins = () => {
    const told: string[] = [];
    const notify: AdminNotifier = async (text) => {
      told.push(text);
      return 'posted';
    };
    return { told, notify };
  };

  it('waits for 09:00 on the 1st in the team’s zone', async () => {
    const { sender, calls } = recordingSender();
    // 08:45 in Chicago on 1 December.
    expect(await run('2026-12-01T14:45:00Z', sender)).toEqual({
      status: 'not_due',
      runKey: 'monthly-2026-11',
      reason: 'before_send_time',
    });
    expect(calls).toEqual([]);
  });

  it('without a channel says what to do and records nothing', async () => {
    const { sender, calls } = recordingSender();
    const report = await run('2026-12-01T15:00:00Z', sender);
    expect(report).toEqual({
      status: 'no_channel',
      runKey: 'monthly-2026-11',
      message: 'no summary channel: add the app to a team (or type "summary here" in a channel)',
      adminNotice: 'not_configured',
    });
    expect(calls).toEqual([]);
    expect(await storage.runs.getRun('monthly-2026-11')).toBeNull();
  });

  it('a failed send records no delivery, so the next tick posts it, once', async () => {
    await storage.conversations.setSummaryChannel(channel);
    const { sender, calls } = recordingSender([{ status: 'failed', error: 'HTTP 502: bad gateway' }]);
    expect(await run('2026-12-01T15:00:00Z', sender)).toMatchObject({
      status: 'failed',
      error: 'HTTP 502: bad gateway',
    });
    expect(await storage.runs.listRun('monthly-2026-11')).toEqual([]);

    const second = await run('2026-12-01T15:15:00Z', sender);
    expect(second).toEqual({
      status: 'delivered',
      runKey: 'monthly-2026-11',
      month: '2026-11',
      activityId: 'act-2',
      headline: 'The team won back $3,400 of monthly revenue in November from 2 at-risk customers. 4 lost.',
    });
    expect(calls).toHaveLength(2);
    expect(calls[1].reference).toEqual(channel.reference);
    expect(calls[1].text).toBe(second.status === 'delivered' ? second.headline : '');

    const third = await run('2026-12-01T15:30:00Z', sender);
    expect(third).toMatchObject({ status: 'already_done', runKey: 'monthly-2026-11' });
    expect(calls).toHaveLength(2);
    expect(await storage.runs.listRun('monthly-2026-11')).toEqual([
      {
        repId: SUMMARY_CHANNEL_RECIPIENT,
        status: 'delivered',
        activityId: 'act-2',
        at: '2026-12-01T15:15:00.000Z',
      },
    ]);
  });

  /** A run that recorded the channel's answer, then stopped before it was closed. */
  const recordedBeforeCrash = async (key: string, at: string, outcome: Omit<Delivery, 'repId' | 'at'>) => {
    await storage.runs.startRun(key, at);
    await storage.runs.recordDelivery(key, SUMMARY_CHANNEL_RECIPIENT, { at, ...outcome });
  };

  it('a post recorded before a crash is not repeated: the run is only closed', async () => {
    const key = 'monthly-2026-12';
    await recordedBeforeCrash(key, '2027-01-01T15:00:01.000Z', { status: 'delivered', activityId: 'x' });
    const { sender, calls } = recordingSender();
    expect(await run('2027-01-01T15:15:00Z', sender)).toMatchObject({ status: 'already_done', runKey: key });
    expect(calls).toEqual([]);
    expect((await storage.runs.getRun(key))?.finishedAt).toBe('2027-01-01T15:15:00.000Z');
  });

  it('an app removed from the team is reported, the month closed and the admins told once', async () => {
    const { sender } = recordingSender([{ status: 'unreachable', code: 'MessageWritesBlocked' }]);
    const { told, notify } = admins();
    const report = await run('2027-02-01T15:00:00Z', sender, notify);
    expect(report).toMatchObject({
      status: 'unreachable',
      runKey: 'monthly-2027-01',
      code: 'MessageWritesBlocked',
      adminNotice: 'posted',
    });
    expect(await storage.runs.listRun('monthly-2027-01')).toMatchObject([{ status: 'unreachable' }]);
    expect(told).toEqual([
      expect.stringMatching(
        /^The monthly summary of January 2027 was not posted: the team's channel refused it \(MessageWritesBlocked\)\.\n/,
      ),
    ]);
    expect(await run('2027-02-01T15:15:00Z', sender, notify)).toMatchObject({ status: 'already_done' });
    expect(told).toHaveLength(1);
  });

  it('a refusal recorded before a crash tells the admins when the run is closed', async () => {
    const key = 'monthly-2027-02';
    await recordedBeforeCrash(key, '2027-03-01T15:00:01.000Z', { status: 'unreachable' });
    const { told, notify } = admins();
    expect(await run('2027-03-01T15:15:00Z', recordingSender().sender, notify)).toMatchObject({
      status: 'already_done',
    });
    expect(told).toEqual([expect.stringContaining('The monthly summary of February 2027 was not posted')]);
    expect(JSON.parse((await storage.runs.getRun(key))?.report ?? '{}')).toMatchObject({
      status: 'unreachable',
      adminNotice: 'posted',
    });
  });

  it('a channel Teams no longer has (404 ConversationNotFound): the admins are told it is gone, with the code, after a crash too', async () => {
    const gone = [
      "The monthly summary of August 2027 was not posted: the team's channel refused it (ConversationNotFound).",
      'The channel no longer exists in Teams. Type "summary here" in the channel it should go to; meanwhile the bot\'s "summary" command shows the card.',
    ].join('\n');
    const { sender } = recordingSender([{ status: 'unreachable', code: 'ConversationNotFound' }]);
    const first = admins();
    await run('2027-09-01T14:00:00Z', sender, first.notify);
    expect(first.told).toEqual([gone]);
    // The ledger keeps Teams' code: a run closed after a crash tells it as the first tick would have.
    const [row] = await storage.runs.listRun('monthly-2027-08');
    expect(row).toMatchObject({ status: 'unreachable', code: 'ConversationNotFound' });
    await recordedBeforeCrash('monthly-2027-09', '2027-10-01T14:00:01.000Z', {
      status: row.status,
      ...(row.code ? { code: row.code } : {}),
    });
    const later = admins();
    await run('2027-10-01T14:15:00Z', recordingSender().sender, later.notify);
    expect(later.told).toEqual([gone.replace('August', 'September')]);
  });

  it('a post that keeps failing is retried on every tick, and told to the admins once past the 3rd', async () => {
    const failing: CardSender = async () => ({ status: 'failed', error: 'HTTP 503: service unavailable' });
    const { told, notify } = admins();
    // 1 April 09:00 in Chicago is 14:00 UTC (daylight time).
    expect(await run('2027-04-01T14:00:00Z', failing, notify)).toMatchObject({
      status: 'failed',
      runKey: 'monthly-2027-03',
      adminNotice: 'not_yet',
    });
    expect(await run('2027-04-03T13:45:00Z', failing, notify)).toMatchObject({ adminNotice: 'not_yet' });
    expect(told).toEqual([]);
    expect(await run('2027-04-03T14:00:00Z', failing, notify)).toMatchObject({
      status: 'failed',
      adminNotice: 'posted',
    });
    expect(told).toEqual([
      expect.stringMatching(
        /^The monthly summary of March 2027 has not been posted yet: every try since the 1st failed\.\nLast error: HTTP 503: service unavailable\n/,
      ),
    ]);
    expect(await run('2027-04-20T14:00:00Z', failing, notify)).toMatchObject({
      status: 'failed',
      adminNotice: 'told_earlier',
    });
    expect(told).toHaveLength(1);
    // Mended, it goes out.
    expect(await run('2027-04-20T14:15:00Z', recordingSender().sender, notify)).toMatchObject({
      status: 'delivered',
    });
  });

  it('two instances on the same tick post the summary once', async () => {
    // A post that takes a moment, so the second instance comes while the first is still sending.
    const calls: string[] = [];
    const slow: CardSender = async () => {
      calls.push('post');
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { status: 'delivered', activityId: `act-slow-${calls.length}` };
    };
    // 1 May 09:00 in Chicago is 14:00 UTC.
    const reports = await Promise.all([run('2027-05-01T14:00:00Z', slow), run('2027-05-01T14:00:00Z', slow)]);
    expect(calls).toHaveLength(1);
    expect(reports.map((r) => r.status).sort()).toEqual(['delivered', 'failed']);
    expect(reports.find((r) => r.status === 'failed')).toMatchObject({
      error: expect.stringContaining('still under way'),
    });
    expect(await run('2027-05-01T14:15:00Z', slow)).toMatchObject({ status: 'already_done' });
    expect(calls).toHaveLength(1);
  });

  it('a post whose delivery row storage keeps refusing goes out at most once more, however many ticks fail', async () => {
    const refusing: Storage = {
      ...storage,
      runs: Object.assign(Object.create(storage.runs) as Storage['runs'], {
        recordDelivery: async () => {
          throw new Error('injected: storage refused the delivery row');
        },
      }),
    };
    const { sender, calls } = recordingSender();
    const tick = (now: string) =>
      runMonthlySummary({ storage: refusing, sender, now: new Date(now), config: { ...options, schedule } });
    // 1 June 09:00 in Chicago is 14:00 UTC; one tick every 15 minutes for an hour and a half.
    for (const now of ['14:00', '14:15', '14:30', '14:45', '15:00', '15:15']) {
      await tick(`2027-06-01T${now}:00Z`).catch((error: unknown) => error);
    }
    expect(calls).toHaveLength(2);
    expect(await tick('2027-06-01T15:30:00Z')).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('may have arrived'),
    });
    expect(calls).toHaveLength(2);
  });

  it('a post Teams never answered (it may be in the channel) goes out at most once more', async () => {
    const calls: string[] = [];
    const unanswered: CardSender = async () => {
      calls.push('post');
      return { status: 'failed', error: 'no answer from the connector within 10000 ms', unanswered: true };
    };
    // 1 July 09:00 in Chicago is 14:00 UTC.
    for (const now of ['14:00', '14:15', '14:30', '14:45', '15:00', '15:15']) {
      expect(await run(`2027-07-01T${now}:00Z`, unanswered)).toMatchObject({ status: 'failed' });
    }
    expect(calls).toHaveLength(2);
  });
});

describe('the summary when the 1st is a day off', () => {
  // A Chicago team with HOLIDAYS=US closed from Christmas Eve to New Year's Eve: New Year's Day 2027,
  // a Friday, is a public holiday and the weekend follows, so December's summary comes on Monday 4
  // January at 09:00, once; the timer stepped every 15 minutes from 31 December to 4 January, and on
  // 31 January and 1 February.
  it("posts December's summary once, on the first working day after New Year's Day, and January's on 1 February", async () => {
    const storage = await openTestStorage('monthlyoff', { timeZone: TZ });
    await storage.conversations.setSummaryChannel(channel);
    const { sender, calls } = recordingSender();
    const closed = {
      ...schedule,
      holidays: 'US',
      closedDays: [{ from: '2026-12-24', to: '2026-12-31' }],
      workingDays: [1, 2, 3, 4, 5],
    };
    // November's went out on 1 December.
    await storage.runs.startRun('monthly-2026-11', '2026-12-01T15:00:00.000Z');
    await storage.runs.finishRun('monthly-2026-11', '2026-12-01T15:00:01.000Z', { status: 'delivered' });
    const posted: { at: string; month: string; headline: string }[] = [];
    const spans = [
      ['2026-12-31T00:00:00Z', '2027-01-05T00:00:00Z'],
      ['2027-01-31T00:00:00Z', '2027-02-02T00:00:00Z'],
    ];
    for (const [from, to] of spans)
      for (let t = Date.parse(from); t < Date.parse(to); t += 15 * 60_000) {
        const now = new Date(t);
        const config = { ...options, schedule: closed };
        const report = await runMonthlySummary({ storage, sender, now, config });
        if (report.status === 'delivered')
          posted.push({ at: now.toISOString(), month: report.month, headline: report.headline });
      }
    expect(posted).toEqual([
      {
        at: '2027-01-04T15:00:00.000Z',
        month: '2026-12',
        headline: 'Nothing was recorded in December: no customer was flagged and no button was tapped.',
      },
      {
        at: '2027-02-01T15:00:00.000Z',
        month: '2027-01',
        headline: 'Nothing was recorded in January: no customer was flagged and no button was tapped.',
      },
    ]);
    expect(calls).toHaveLength(2);
  });
});

/** One tick of the monthly run at `now`, on its own storage. */
const monthlyTick = (
  storage: Storage,
  now: string,
  sender: CardSender,
  notifyAdmins: AdminNotifier,
  log?: MemoryLog,
) =>
  runMonthlySummary({
    storage,
    sender,
    now: new Date(now),
    config: { ...options, schedule },
    notifyAdmins,
    ...(log ? { log } : {}),
  });

/** An admin notifier that answers as told, in turn (then posts), keeping what it was asked to post. */
function answeringAdmins(answers: NoticeResult[]) {
  const told: string[] = [];
  const notify: AdminNotifier = async (text) => {
    told.push(text);
    return answers.shift() ?? 'posted';
  };
  return { told, notify };
}

describe("a refused post whose admins' notice cannot be posted either", () => {
  it('keeps the notice on the closed run: later ticks of the month post it, once', async () => {
    const storage = await openTestStorage('monthlynoticefails', { timeZone: TZ });
    await storage.conversations.setSummaryChannel(channel);
    const refused = recordingSender([{ status: 'unreachable', code: 'MessageWritesBlocked' }]);
    const { told, notify } = answeringAdmins(['failed', 'no_recipient', 'posted']);
    const tick = (now: string) => monthlyTick(storage, now, refused.sender, notify);
    expect(await tick('2026-12-01T15:00:00Z')).toMatchObject({
      status: 'unreachable',
      adminNotice: 'failed',
    });
    expect(await tick('2026-12-01T15:15:00Z')).toMatchObject({
      status: 'already_done',
      adminNotice: 'no_recipient',
    });
    expect(await tick('2026-12-01T15:30:00Z')).toMatchObject({
      status: 'already_done',
      adminNotice: 'posted',
    });
    expect(await tick('2026-12-01T15:45:00Z')).toMatchObject({ status: 'already_done' });
    expect(told).toHaveLength(3);
    expect(new Set(told)).toEqual(
      new Set([
        expect.stringMatching(
          /^The monthly summary of November 2026 was not posted: the team's channel refused it \(MessageWritesBlocked\)\./,
        ),
      ]),
    );
    // The summary itself was posted once: the channel's refusal is final.
    expect(refused.calls).toHaveLength(1);
  });

  it('a refusal recorded before a crash whose notice fails when the run is closed: a later tick posts it', async () => {
    const storage = await openTestStorage('monthlycrashnotice', { timeZone: TZ });
    await storage.conversations.setSummaryChannel(channel);
    const key = 'monthly-2026-11';
    await storage.runs.startRun(key, '2026-12-01T15:00:01.000Z');
    await storage.runs.recordDelivery(key, SUMMARY_CHANNEL_RECIPIENT, {
      at: '2026-12-01T15:00:01.000Z',
      status: 'unreachable',
      code: 'MessageWritesBlocked',
    });
    const { told, notify } = answeringAdmins(['failed']);
    const { sender, calls } = recordingSender();
    const tick = (now: string) => monthlyTick(storage, now, sender, notify);
    expect(await tick('2026-12-01T15:15:00Z')).toMatchObject({ status: 'already_done' });
    expect(await tick('2026-12-01T15:30:00Z')).toMatchObject({
      status: 'already_done',
      adminNotice: 'posted',
    });
    await tick('2026-12-01T15:45:00Z');
    expect(told).toEqual([told[0], told[0]]);
    expect(told[0]).toContain('The monthly summary of November 2026 was not posted');
    expect(calls).toEqual([]);
  });
});

describe('a saved customer whose Listings row cannot be read', () => {
  /** The November fixture, with two saves listed past the card's first page in a week whose card went out. */
  async function listedSaves(name: string): Promise<Storage> {
    const storage = await openTestStorage(name, { timeZone: TZ });
    await storage.conversations.setSummaryChannel(channel);
    const r = new Rows();
    r.wonBack('p2', '2026-09-10T15:00:00Z', 400);
    r.wonBack('q2', '2026-09-10T15:00:00Z', 400);
    await record(storage, r.all);
    const run = 'weekly-2026-W47';
    const week = {
      run,
      day: '2026-11-16',
      owner: ANA,
      kind: 'slipping' as const,
      chance: 60,
      rank: 14,
      page: 2,
      heldOut: false,
    };
    await storage.listings.append([
      { customerId: 'p2', week },
      { customerId: 'q2', week },
    ]);
    await storage.runs.startRun(run, '2026-11-16T14:03:00.000Z');
    await storage.runs.recordDelivery(run, ANA, { at: '2026-11-16T14:03:00.000Z', status: 'delivered' });
    return storage;
  }

  it('counts it as no later-page listing and names the customer in the log; the summary goes out', async () => {
    const storage = await listedSaves('monthlybadlisting');
    // q2's row as no release of the app writes it: not the schema of a customer's weeks.
    const listings = TableClient.fromConnectionString(
      inject('azuriteConnectionString'),
      storage.tables.listings,
      { allowInsecureConnection: true },
    );
    await listings.upsertEntity(
      {
        partitionKey: 'weeks',
        rowKey: idKey('q2'),
        customerId: 'q2',
        weeks: JSON.stringify([{ run: 'W47' }]),
      },
      'Replace',
    );
    const { sender, calls } = recordingSender();
    const log = new MemoryLog();
    const report = await monthlyTick(
      storage,
      '2026-12-01T15:00:00Z',
      sender,
      answeringAdmins([]).notify,
      log,
    );
    expect(report).toMatchObject({ status: 'delivered', runKey: 'monthly-2026-11' });
    expect(calls).toHaveLength(1);
    const { summary } = await summaryCardFor(storage, '2026-11', options);
    expect(summary.reChurn.map((c) => c.customerId)).toEqual(['p2']);
    expect(log.lines.filter((l) => l.startsWith('warn '))).toEqual([
      expect.stringMatching(/^warn saved customer q2: their weeks on the lists not read.*"customerId":"q2"/),
    ]);
  });

  it('a storage outage while reading them still fails the tick, and the next tick posts the summary', async () => {
    const storage = await listedSaves('monthlylistingoutage');
    const busy: Storage = {
      ...storage,
      listings: {
        ...storage.listings,
        readRow: async () => {
          throw new RestError('The server is busy.', { statusCode: 503, code: 'ServerBusy' });
        },
      },
    };
    const { sender, calls } = recordingSender();
    const notify = answeringAdmins([]).notify;
    await expect(monthlyTick(busy, '2026-12-01T15:00:00Z', sender, notify)).rejects.toThrow(
      'The server is busy.',
    );
    expect(calls).toEqual([]);
    expect(await monthlyTick(storage, '2026-12-01T15:15:00Z', sender, notify)).toMatchObject({
      status: 'delivered',
    });
    expect(calls).toHaveLength(1);
  });
});

describe('two instances on the 1st with no channel to post in', () => {
  it('tell the admins once: the second, reading while the first posts, leaves the notice to it', async () => {
    const storage = await openTestStorage('monthlytwice', { timeZone: TZ });
    const { sender, calls } = recordingSender();
    const held = heldNotifier('posted');
    const tick = (now: string, notifyAdmins: AdminNotifier) =>
      monthlyTick(storage, now, sender, notifyAdmins);
    const first = tick('2026-12-01T15:00:00Z', held.notify);
    await held.posting;
    let secondPosted = 0;
    const second = tick('2026-12-01T15:00:01Z', async () => {
      secondPosted++;
      return 'posted';
    }).finally(held.release);
    expect(await second).toMatchObject({ status: 'no_channel', adminNotice: 'under_way' });
    expect(await first).toMatchObject({ status: 'no_channel', adminNotice: 'posted' });
    expect(secondPosted).toBe(0);
    expect(held.told).toHaveLength(1);
    expect(held.told[0]).toMatch(
      /^The monthly summary of November 2026 has not been posted: the app is in no team yet/,
    );
    expect(calls).toEqual([]);
  });
});

describe('a refused post whose notice another instance claimed, then stopped while posting it', () => {
  it('leaves the run open while that notice is under way, so a later tick tells the admins, once', async () => {
    const storage = await openTestStorage('monthlyclaimed', { timeZone: TZ });
    await storage.conversations.setSummaryChannel(channel);
    const told: string[] = [];
    const tick = (now: string, sender: CardSender, notifyAdmins: AdminNotifier) =>
      monthlyTick(storage, now, sender, notifyAdmins);
    const refused = recordingSender([{ status: 'unreachable', code: 'MessageWritesBlocked' }]);
    // The first instance records the refusal, claims the notice, and stops while posting it: Teams
    // never answers it.
    const stopped = heldNotifier('posted');
    void tick('2026-12-01T15:00:00Z', refused.sender, stopped.notify);
    await stopped.posting;
    const notify: AdminNotifier = async (text) => {
      told.push(text);
      return 'posted';
    };
    // A second instance, a minute later, finds the refusal recorded and the notice's post under way.
    expect(await tick('2026-12-01T15:01:00Z', recordingSender().sender, notify)).toMatchObject({
      adminNotice: 'under_way',
    });
    expect(told).toEqual([]);
    // The next tick, past the claim's hold, posts it; the one after finds the month closed.
    await tick('2026-12-01T15:15:00Z', recordingSender().sender, notify);
    expect(await tick('2026-12-01T15:30:00Z', recordingSender().sender, notify)).toMatchObject({
      status: 'already_done',
    });
    expect(told).toEqual([
      expect.stringMatching(
        /^The monthly summary of November 2026 was not posted: the team's channel refused it/,
      ),
    ]);
    expect(refused.calls).toHaveLength(1);
  });
});
