import { describe, expect, it } from 'vitest';
import { repNamesOf } from '../../../cards/repNames';
import {
  countOutcomes,
  ledgerSummary,
  namesWithRemoved,
  notReached,
  type RepOutcome,
  type WeeklyRunDone,
  weeklyReportText,
} from '../../../jobs/weekly/weeklyReport';
import { runRowsAt, surfacedRowId } from '../../../jobs/weekly/weeklySurfaced';

/** A team in Chicago, its run on Mon 23 Nov 2026. */
const WORDING = { timeZone: 'America/Chicago', today: '2026-11-23' };

const outcomes: RepOutcome[] = [
  { rep: 'a@x.com', status: 'delivered', activityId: '1', customers: 3, earlier: true },
  { rep: 'b@x.com', status: 'delivered', activityId: '2', customers: 1, earlier: false },
  { rep: 'c@x.com', status: 'nothing_to_send', earlier: false },
  { rep: 'd@x.com', status: 'unreachable', code: 'MessageWritesBlocked', earlier: false },
  { rep: 'e@x.com', status: 'no_conversation' },
  { rep: 'f@x.com', status: 'failed', error: 'HTTP 500: boom' },
];
/** With a rep whose own send time (her zone's) is later: she is not one of those not reached. */
const withWaiting: RepOutcome[] = [
  ...outcomes,
  { rep: 'g@x.com', status: 'waiting', until: '2026-11-23T16:03:00.000Z' },
];

function report(list: RepOutcome[]): WeeklyRunDone {
  return {
    status: 'completed',
    runKey: 'weekly-2026-W48',
    localDate: '2026-11-23',
    forced: false,
    resumed: true,
    attempt: 1,
    retry: 'none',
    feed: { customers: 10, rowsSkipped: 0 },
    bookChanges: { notInFeed: { count: 0, examples: [] }, moved: [] },
    refused: [],
    gates: {
      customers: 10,
      atRisk: 4,
      surfaced: 4,
      overCap: 0,
      keptOff: { lost: 0, paused: 0, cooling_down: 0, silent_past_value_window: 0, below_floor: 0 },
    },
    stateWrites: { written: 10, transactions: 1, keptForRep: 0, reapplied: 0 },
    surfacedRows: { recorded: 4, alreadyThere: 0 },
    holdout: { percent: 0, heldOut: 0, recorded: 0, alreadyThere: 0 },
    listings: { status: 'recorded', recorded: 4, alreadyThere: 0 },
    counts: countOutcomes(list),
    deliveredEarlier: 1,
    notReached: notReached(list),
    sends: { attempts: 4, retries: 1, throttled: 0 },
    storage: { requests: 40, transactions: 3, cardSaves: 1 },
    // The text as the notice itself carries it: what became of the notice is not known yet.
    adminNotice: 'not_needed',
    durationMs: 1234,
    phasesMs: { prepare: 200, deliver: 1000, storeRest: 500 },
    outcomes: list,
  };
}

describe('the weekly report', () => {
  it('counts every status, zeros included', () => {
    expect(countOutcomes(withWaiting)).toEqual({
      delivered: 2,
      nothing_to_send: 1,
      unreachable: 1,
      no_conversation: 1,
      failed: 1,
      waiting: 1,
    });
    expect(countOutcomes([])).toEqual({
      delivered: 0,
      nothing_to_send: 0,
      unreachable: 0,
      no_conversation: 0,
      failed: 0,
      waiting: 0,
    });
  });

  it('lists the reps not reached with a reason an admin can act on', () => {
    expect(notReached(withWaiting)).toEqual([
      {
        rep: 'd@x.com',
        status: 'unreachable',
        detail:
          "they blocked the app's chat or removed the app (MessageWritesBlocked): ask them to unblock it or add Churn Predictor again, or, if they left, move their customers to another rep in the order feed",
        code: 'MessageWritesBlocked',
      },
      {
        rep: 'e@x.com',
        status: 'no_conversation',
        detail:
          'the app is not installed for them: install it for them (or ask them to add Churn Predictor in Teams), or, if they left, move their customers to another rep in the order feed',
      },
      { rep: 'f@x.com', status: 'failed', detail: 'HTTP 500: boom' },
    ]);
  });

  it('tells the admins, for each way a rep cannot be reached, what to do: the app again, or their customers to another rep', () => {
    const gone = (code: string): RepOutcome => ({
      rep: 'r@x.com',
      status: 'unreachable',
      code,
      earlier: false,
    });
    const detail = (o: RepOutcome) => notReached([o])[0]?.detail;
    const elseMove = 'or, if they left, move their customers to another rep in the order feed';
    expect(detail({ rep: 'r@x.com', status: 'no_conversation' })).toBe(
      `the app is not installed for them: install it for them (or ask them to add Churn Predictor in Teams), ${elseMove}`,
    );
    for (const code of ['BotNotInConversationRoster', 'ForbiddenOperationException'])
      expect(detail(gone(code))).toBe(
        `the app was removed for them (${code}: uninstalled, or they left the team it came with): ask them to add Churn Predictor again, ${elseMove}`,
      );
    expect(detail(gone('ConversationBlockedByUser'))).toBe(
      `they blocked the app's chat (ConversationBlockedByUser): ask them to unblock it and write to it, ${elseMove}`,
    );
    // Teams answers it for a bot blocked or uninstalled alike: the notice does not guess which.
    expect(detail(gone('MessageWritesBlocked'))).toBe(
      `they blocked the app's chat or removed the app (MessageWritesBlocked): ask them to unblock it or add Churn Predictor again, ${elseMove}`,
    );
    expect(detail(gone('BotDisabledByAdmin'))).toBe(
      `the organisation's Teams app policy blocks the app for them (BotDisabledByAdmin): allow it for them in the Teams admin center, ${elseMove}`,
    );
    expect(detail(gone('ConversationNotFound'))).toBe(
      `their chat with the app no longer exists (ConversationNotFound: they may have left the organisation): ask them to add Churn Predictor again, ${elseMove}`,
    );
  });

  it('the text names the counts and the reps not reached, capped at 20 lines', () => {
    expect(weeklyReportText(report(outcomes), WORDING)).toBe(
      [
        'Weekly run weekly-2026-W48 (2026-11-23): 1 card delivered by this run, 1 earlier this week, 1 with nothing to send, 1 unreachable, 1 without the app, 1 failed.',
        'Not reached:',
        "- d@x.com: they blocked the app's chat or removed the app (MessageWritesBlocked): ask them to unblock it or add Churn Predictor again, or, if they left, move their customers to another rep in the order feed",
        '- e@x.com: the app is not installed for them: install it for them (or ask them to add Churn Predictor in Teams), or, if they left, move their customers to another rep in the order feed',
        '- f@x.com: HTTP 500: boom',
      ].join('\n'),
    );
    const held = {
      ...report([]),
      holdout: { percent: 10, heldOut: 7, recorded: 7, alreadyThere: 0 },
      stateWrites: { written: 9, transactions: 1, keptForRep: 2, reapplied: 0 },
    };
    expect(weeklyReportText(held, WORDING).split('\n').slice(1)).toEqual([
      '7 customers held out at random (10% holdout): kept off the cards, audited held_out.',
      '2 customers were acted on by a rep during the run: their rows were kept as the rep left them.',
    ]);
    const retrying = weeklyReportText({ ...report(outcomes), attempt: 2, retry: 'next_tick' }, WORDING);
    expect(retrying.split('\n').slice(0, 2)).toEqual([
      'Weekly run weekly-2026-W48 (2026-11-23): 1 card delivered by this run, 1 earlier this week, 1 with nothing to send, 1 unreachable, 1 without the app, 1 failed (attempt 2).',
      'The 1 failed rep is tried again on the next tick.',
    ]);
    expect(
      weeklyReportText(
        {
          ...report(withWaiting),
          attempt: 4,
          retry: 'rep_time',
          nextSendAt: '2026-11-23T16:03:00.000Z',
        },
        WORDING,
      ).split('\n'),
    ).toEqual([
      expect.stringMatching(/, 1 failed, 1 waiting for their own send time \(attempt 4\)\.$/),
      'The 1 failed rep is tried again when the next card goes out.',
      "The next card goes out Mon 23 Nov at 10:03 AM, the send time in its rep's own time zone; the run finishes when every rep has theirs.",
      'Not reached:',
      "- d@x.com: they blocked the app's chat or removed the app (MessageWritesBlocked): ask them to unblock it or add Churn Predictor again, or, if they left, move their customers to another rep in the order feed",
      '- e@x.com: the app is not installed for them: install it for them (or ask them to add Churn Predictor in Teams), or, if they left, move their customers to another rep in the order feed',
      '- f@x.com: HTTP 500: boom',
    ]);
    expect(weeklyReportText({ ...report(outcomes), attempt: 4 }, WORDING).split('\n')[1]).toBe(
      '1 rep got no card after 4 attempts: none follows this week unless the run is forced.',
    );
    const many = Array.from(
      { length: 25 },
      (_, i): RepOutcome => ({ rep: `r${i}@x.com`, status: 'no_conversation' }),
    );
    const text = weeklyReportText(report(many), WORDING);
    expect(text.split('\n')).toHaveLength(2 + 20 + 1);
    expect(text).toContain('- and 5 more');
  });

  it('tells the failed reps the next tick tries from those Teams asked to wait past it, each until when', () => {
    const throttled = (rep: string, retryAt: string): RepOutcome => ({
      rep,
      status: 'failed',
      error: 'Teams asked to wait before the next message to them (HTTP 429, too many messages)',
      retryAt,
    });
    // The run ticks at 08:03 in Chicago; its next tick is 08:18.
    const list = [
      ...outcomes,
      throttled('h@x.com', '2026-11-23T14:05:00.000Z'),
      throttled('i@x.com', '2026-11-23T16:03:00.000Z'),
      throttled('j@x.com', '2026-11-24T15:00:00.000Z'),
    ];
    const lines = weeklyReportText(
      { ...report(list), retry: 'next_tick', nextTickAt: '2026-11-23T14:18:00.000Z' },
      WORDING,
    ).split('\n');
    // f failed with a 500 and h's wait ends before 08:18: the next tick tries both.
    expect(lines.slice(1, 3)).toEqual([
      'The 2 failed reps are tried again on the next tick.',
      '2 reps wait for Teams, tried once the wait is over: i@x.com until Mon 23 Nov at 10:03 AM; j@x.com until Tue 24 Nov at 9:00 AM.',
    ]);
    // Every failed rep waits past the next tick: none is said to be tried on it.
    const onlyWaits = [outcomes[0], throttled('i@x.com', '2026-11-23T16:03:00.000Z')];
    expect(
      weeklyReportText(
        { ...report(onlyWaits), retry: 'next_tick', nextTickAt: '2026-11-23T14:18:00.000Z' },
        WORDING,
      ).split('\n')[1],
    ).toBe('1 rep waits for Teams, tried once the wait is over: i@x.com until Mon 23 Nov at 10:03 AM.');
    // Reps waiting for their own send time: the tick at it tries f, not j, whose wait outlasts it.
    const atRepTime = weeklyReportText(
      {
        ...report([...outcomes, throttled('j@x.com', '2026-11-24T15:00:00.000Z')]),
        attempt: 4,
        retry: 'rep_time',
        nextSendAt: '2026-11-23T16:03:00.000Z',
      },
      WORDING,
    ).split('\n');
    expect(atRepTime.slice(1, 3)).toEqual([
      'The 1 failed rep is tried again when the next card goes out.',
      '1 rep waits for Teams, tried once the wait is over: j@x.com until Tue 24 Nov at 9:00 AM.',
    ]);
  });

  it('ends the rules file line once after a German date ("20. Nov.", not "20. Nov..")', () => {
    const rulesFile = {
      source: 'feed/rules.json',
      problems: ['windows.valueDays: expected a number'],
      validAt: '2026-11-20T08:00:00Z',
      validOn: 'Fr., 20. Nov.',
      adminNotice: 'not_configured' as const,
    };
    expect(weeklyReportText({ ...report(outcomes), rulesFile }, WORDING).split('\n')).toContain(
      'The rules file feed/rules.json is not valid: this run used it as it was read valid on Fr., 20. Nov.',
    );
  });

  it("says in the log what became of the admins' notice, a failed one included", () => {
    const secondLine = (adminNotice: WeeklyRunDone['adminNotice']) =>
      weeklyReportText({ ...report(outcomes), adminNotice }, WORDING).split('\n')[1];
    expect(secondLine('not_needed')).toBe('Not reached:');
    expect(secondLine('failed')).toBe(
      "The admins' notice could not be posted: it is tried again on each tick this week and next.",
    );
    expect(secondLine('no_recipient')).toContain('tried again on each tick this week and next');
    expect(secondLine('posted')).toBe('The admins were sent this account.');
    expect(secondLine('already_sent')).toContain('earlier this week');
    expect(secondLine('deferred')).toContain('waits for the last attempt');
    expect(secondLine('under_way')).toBe(
      "Another instance is posting the admins' notice: a later tick checks that it went out.",
    );
    expect(secondLine('unconfirmed')).toBe(
      "The admins' notice was started as often as it may be with no record that it went out (storage refused the record, or the process stopped): not posted again (the admins may or may not have it).",
    );
    const later = (laterNotice: WeeklyRunDone['laterNotice']) =>
      weeklyReportText({ ...report(outcomes), adminNotice: 'already_sent', laterNotice }, WORDING)
        .split('\n')
        .slice(1, 3);
    expect(later('posted')[1]).toBe(
      'The admins were sent a notice of the reps with no card since they were told of the run.',
    );
    expect(later('failed')[1]).toContain(
      'could not be posted: it is tried again on each tick this week and next',
    );
    expect(later('under_way')[1]).toContain('Another instance is posting the notice of these reps');
    expect(later(undefined)[1]).toBe('Not reached:');
  });

  it('the ledger copy drops the per-rep list and stays small for 2,000 failing reps', () => {
    const many = Array.from(
      { length: 2000 },
      (_, i): RepOutcome => ({ rep: `r${i}@x.com`, status: 'failed', error: 'x'.repeat(1000) }),
    );
    const summary = ledgerSummary(report(many));
    expect('outcomes' in summary).toBe(false);
    expect(summary.counts.failed).toBe(2000);
    expect(JSON.stringify(summary).length).toBeLessThan(30_000);
    expect(summary.notReachedCount).toBe(2000);
  });

  it('the ledger copy fits when a tenant policy blocks the app for 150 reps with long addresses, each reason whole', () => {
    const blockedAll = Array.from(
      { length: 150 },
      (_, i): RepOutcome => ({
        rep: `alexandra.whitmore-${String(i).padStart(3, '0')}@northwind-traders.example.com`,
        status: 'unreachable',
        code: 'BotDisabledByAdmin',
        earlier: false,
      }),
    );
    const summary = ledgerSummary(report(blockedAll));
    expect(JSON.stringify(summary).length).toBeLessThan(30_000);
    expect(summary.notReachedCount).toBe(150);
    expect(summary.notReached.length).toBeGreaterThan(20);
    expect(summary.notReached[0]).toEqual(notReached(blockedAll)[0]);
  });
});

describe("the admins' notice names the reps", () => {
  const rep = (email: string, name: string) => ({ userId: `aad-${email}`, name, email, upn: '' });

  it('by their Teams name beside the address, a line break in a name kept to its own line, and a rep without the app by address', () => {
    const names = repNamesOf([rep('d@x.com', 'Dee Ode\n- f@x.com: all fine'), rep('a@x.com', 'Ann Lee')]);
    const done = {
      ...report(outcomes),
      bookChanges: {
        notInFeed: { count: 0, examples: [] },
        moved: [{ customerId: 'C-1', from: 'a@x.com', to: 'z@x.com' }],
      },
    };
    const lines = weeklyReportText(done, WORDING, names).split('\n');
    expect(lines).toContain('- C-1: Ann Lee (a@x.com) to z@x.com');
    expect(lines).toContainEqual(
      expect.stringMatching(/^- Dee Ode - f@x\.com: all fine \(d@x\.com\): they blocked/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^- e@x\.com: the app is not installed/));
    expect(lines.filter((l) => l.startsWith('- f@x.com'))).toHaveLength(1);
  });

  it('a rep who removed the app by the name they had then', () => {
    const removed: RepOutcome = {
      rep: 'e@x.com',
      status: 'no_conversation',
      removedOn: 'Wed 25 Nov',
      removedName: 'Eve Ng',
    };
    const list = [...outcomes.filter((o) => o.rep !== 'e@x.com'), removed];
    const text = weeklyReportText(report(list), WORDING, namesWithRemoved(repNamesOf([]), list));
    expect(text).toContain('- Eve Ng (e@x.com): they removed the app on Wed 25 Nov');
  });
});

describe("the week's listings in the report", () => {
  const failed = (attempt: number, retry: WeeklyRunDone['retry']): WeeklyRunDone => ({
    ...report([]),
    attempt,
    retry,
    listings: { status: 'failed', error: 'Table Storage answered 503 ServerBusy' },
  });
  const line = (r: WeeklyRunDone) =>
    weeklyReportText(r, WORDING)
      .split('\n')
      .find((l) => l.includes('listings'));

  it("says a later tick records them while one will: the next tick, or the tick at a waiting rep's send time", () => {
    expect(line(failed(1, 'next_tick'))).toBe(
      "This week's listings could not be recorded (Table Storage answered 503 ServerBusy): the next tick records them.",
    );
    // The last attempt, with a rep waiting for their own send time: that tick runs the week again.
    expect(line(failed(4, 'rep_time'))).toBe(
      "This week's listings could not be recorded (Table Storage answered 503 ServerBusy): the tick at the next rep's send time records them.",
    );
  });

  it('says what goes without them when no later tick is left, and nothing when they were recorded', () => {
    expect(line(failed(4, 'none'))).toBe(
      "This week's listings could not be recorded after 4 attempts (Table Storage answered 503 ServerBusy): " +
        "the customer pages leave this week out, and a tap does not refresh the card this week's run listed the customer on for another rep.",
    );
    expect(line(report([]))).toBeUndefined();
    // Recorded by an earlier attempt: only what this one lists anew is missing.
    expect(
      line({
        ...failed(2, 'none'),
        listings: { status: 'failed', error: 'Table Storage answered 503 ServerBusy', recordedEarlier: true },
      }),
    ).toBe(
      "This week's listings were recorded by an earlier attempt; this one could not add to them (Table Storage answered 503 ServerBusy): a customer listed only since, by a newer feed, is left out.",
    );
  });
});

describe('surfacedRowId', () => {
  it('is one id per run and customer, bounded to 400 characters', () => {
    expect(surfacedRowId('weekly-2026-W48', 'C-1')).toBe('surfaced_weekly-2026-W48_C-1');
    expect(surfacedRowId('weekly-2026-W49', 'C-1')).not.toBe(surfacedRowId('weekly-2026-W48', 'C-1'));
    const long = surfacedRowId('weekly-2026-W48', 'x'.repeat(1000));
    expect(long.length).toBeLessThanOrEqual(400);
    expect(long).not.toBe(surfacedRowId('weekly-2026-W48', `${'x'.repeat(999)}y`));
  });
});

describe('runRowsAt', () => {
  const start = '2026-11-30T14:03:00.000Z'; // Monday 08:03 in Chicago
  it("is the week's first start for every attempt in the same month", () => {
    expect(runRowsAt(start, new Date('2026-11-30T14:18:00Z'), 'America/Chicago')).toBe(start);
    // 1 December 05:59 UTC is still 30 November in Chicago.
    expect(runRowsAt(start, new Date('2026-12-01T05:59:00Z'), 'America/Chicago')).toBe(start);
  });

  it("is the start of the attempt's own month, in the team's zone, for an attempt in a later month", () => {
    expect(runRowsAt(start, new Date('2026-12-01T06:00:00Z'), 'America/Chicago')).toBe(
      '2026-12-01T06:00:00.000Z',
    );
    expect(runRowsAt(start, new Date('2026-12-03T15:00:00Z'), 'America/Chicago')).toBe(
      '2026-12-01T06:00:00.000Z',
    );
    expect(runRowsAt(start, new Date('2026-12-03T15:00:00Z'), 'Europe/London')).toBe(
      '2026-12-01T00:00:00.000Z',
    );
  });
});
