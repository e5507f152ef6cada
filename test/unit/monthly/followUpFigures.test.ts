import { describe, expect, it } from 'vitest';
import { buildMonthlySummaryCard } from '../../../cards/monthlySummaryCard';
import { computeMonthlySummary, renderSummaryText } from '../../../jobs/monthly';
import { initialState } from '../../../rules/customerState';
import { texts } from '../cards/cardWalk';
import { Rows } from './auditRows';

const contacted = (id: string, lastContact: string) => ({
  ...initialState({ customerId: id, name: `Customer ${id}`, owner: 'ana@demo.example', monthlyValue: 1000 }),
  lastContact,
});

/** December: two digest rows (one acted on, one undone), two reach-outs (one saved 4 days on), two went-quiet losses after silence. */
function december(): Rows {
  const r = new Rows();
  r.add('reached_out', 'a', '2026-12-01T15:00:00Z');
  r.add('reached_out', 'b', '2026-12-02T15:00:00Z');
  r.add('follow_up', 'a', '2026-12-04T15:03:00Z', {
    actorId: 'churn-predictor:follow-ups',
    cardMessageId: 'digest-1',
    reason: 'ordered',
  });
  r.add('follow_up', 'b', '2026-12-09T15:03:00Z', {
    actorId: 'churn-predictor:follow-ups',
    cardMessageId: 'digest-2',
    reason: 'no_order',
  });
  r.wonBack('a', '2026-12-05T15:00:00Z', 900, {
    cardMessageId: 'digest-1',
    snapshot: contacted('a', '2026-12-01'),
  });
  const snooze = r.add('snoozed', 'b', '2026-12-09T16:00:00Z', { cardMessageId: 'digest-2' });
  r.undo(snooze, '2026-12-09T16:01:00Z');
  // Quiet 31 days after the contact: one tapped by Ana, one marked by the product.
  r.lost('c', '2026-12-10T15:00:00Z', 'went_quiet', { snapshot: contacted('c', '2026-11-09') });
  r.lost('d', '2026-12-10T15:03:00Z', 'went_quiet', {
    actorId: 'churn-predictor:follow-ups',
    actorName: 'Churn Predictor',
    snapshot: contacted('d', '2026-11-05'),
  });
  // Quiet, but only 10 days after the contact: not "after silence".
  r.lost('e', '2026-12-11T15:00:00Z', 'went_quiet', { snapshot: contacted('e', '2026-12-01') });
  // Long after the contact, but the customer said why (a competitor): that is no silence.
  r.lost('f', '2026-12-11T15:05:00Z', 'competitor', { snapshot: contacted('f', '2026-10-01') });
  return r;
}

describe('the follow-up figures of the monthly summary', () => {
  const summary = () =>
    computeMonthlySummary({
      month: '2026-12',
      timeZone: 'America/Chicago',
      rows: december().all,
      saves: {
        asOf: '2026-12-31',
        saves: [
          {
            customerId: 'x',
            name: 'X',
            owner: 'ana@demo.example',
            wonBackOn: '2026-10-01',
            recordedValue: 500,
            checks: [
              { days: 30, held: true },
              { days: 60, held: true },
              { days: 90, held: false },
            ],
            orderedSince: 1200,
            nextVisitOrderBySave: 0,
          },
          {
            customerId: 'y',
            name: 'Y',
            owner: 'ana@demo.example',
            wonBackOn: '2026-11-20',
            recordedValue: 300,
            checks: [{ days: 30, held: false }],
            orderedSince: 0,
            nextVisitOrderBySave: 0,
          },
        ],
      },
    });

  it('counts digest rows acted on (net of undos), reach-outs saved and the days between, losses after silence', () => {
    expect(summary().followUps).toEqual({
      sent: 2,
      actedOn: 1,
      reachedOut: 2,
      reachedOutThenWonBack: 1,
      medianDaysReachedOutToWonBack: 4,
      savesAfterReachOut: 1,
      lostAfterSilence: 2,
      lostAfterSilenceAutomatically: 1,
      silentAfterDays: 31,
    });
  });

  it('sums the saves that held per check day, and the value retained beside the value recorded', () => {
    expect(summary().savesHeld).toEqual({
      asOf: '2026-12-31',
      saves: 2,
      checks: [
        { days: 30, held: 1, of: 2 },
        { days: 60, held: 1, of: 1 },
        { days: 90, held: 0, of: 1 },
      ],
      valueRecorded: 800,
      valueRecordedSecondOrder: 0,
      valueRetained: 1200,
    });
  });

  it("a one-order customer's save recorded a second order: summed apart, not as monthly value", () => {
    // Fir had one order; the save on 24 Nov records $800, the worth of the order won back.
    const rows = new Rows();
    const fir = {
      ...initialState({ customerId: 'fir', name: 'Fir', owner: 'ana@demo.example', monthlyValue: 800 }),
      valueKind: 'second_order' as const,
    };
    rows.wonBack('fir', '2026-11-24T16:00:00Z', 800, { snapshot: fir });
    rows.wonBack('hazel', '2026-11-20T16:00:00Z', 1500, { snapshot: contacted('hazel', '2026-11-10') });
    const held = (customerId: string, wonBackOn: string, recordedValue: number, orderedSince: number) => ({
      customerId,
      name: customerId,
      owner: 'ana@demo.example',
      wonBackOn,
      recordedValue,
      checks: [],
      orderedSince,
      nextVisitOrderBySave: 0,
    });
    const november = computeMonthlySummary({
      month: '2026-11',
      timeZone: 'America/Chicago',
      rows: rows.all,
      saves: {
        asOf: '2026-11-30',
        saves: [held('fir', '2026-11-24', 800, 600), held('hazel', '2026-11-20', 1500, 0)],
      },
    });
    expect(november.savesHeld).toMatchObject({ valueRecorded: 1500, valueRecordedSecondOrder: 800 });
    expect(renderSummaryText(november)).toMatch(
      /Value retained since the saves\s+\$600 ordered \(recorded \$1,500\/month and \$800 in one-off orders\)/,
    );
  });

  it("writes the saves that held in the team's locale, their days too", () => {
    // Marathi writes its own digits: "30 days" among them would read as a figure from elsewhere.
    const text = renderSummaryText({ ...summary(), locale: 'mr-IN' });
    expect(text).toMatch(/usual pace ३० days after the save: १ of २; ६० days: १ of १; ९० days: ० of १/);
  });

  it('prints them with the other figures; digest rows and snoozes are not outcomes in the per-rep table', () => {
    const text = renderSummaryText(summary());
    expect(text).toMatch(/Follow-up digest rows acted on\s+1 of 2 \(50%\)/);
    // What silence is: no answer so many days after the rep reached out.
    expect(text).toMatch(/Marked lost, gone quiet 31\+ days after a reach-out\s+2 \(1 automatically\)/);
    // What held means, said with the figures: ordering again, at their pace, so long after the save.
    expect(text).toMatch(
      /Saves that held\s+of every saved customer's latest save, ordering again at their usual pace 30 days after the save: 1 of 2; 60 days: 1 of 1; 90 days: 0 of 1/,
    );
    expect(text).toMatch(/Value retained since the saves\s+\$1,200 ordered \(recorded \$800\/month\)/);
    // The saves that held are no tap: the last line says where they come from.
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'Flagged counts the customers on the weekly lists; every other count is a button tap, net of undos. ' +
        'Read from the order feed: the saves that held and the value retained.',
    );
    expect(texts(buildMonthlySummaryCard(summary())).at(-1)).toBe(text.trimEnd().split('\n').at(-1));
    expect(summary().reps).toEqual([
      expect.objectContaining({ owner: 'ana@demo.example', wonBack: 1, lost: 4 }),
    ]);
  });

  it('leaves saves that held out without the feed', () => {
    expect(computeMonthlySummary({ month: '2026-12', rows: december().all }).savesHeld).toBeNull();
  });
});
