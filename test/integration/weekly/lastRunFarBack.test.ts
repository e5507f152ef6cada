import { describe, expect, it } from 'vitest';
import { lastCardsOptions } from '../../../jobs/weekly/weeklyLastRun';
import { openTestStorage } from '../storage/support';

// The last finished weekly run is looked for in the recent weeks first; a team back after months
// without a run (the app stopped over the summer) must still find the one before the pause.
describe('the last weekly run, however far back', () => {
  const finished = async (
    runs: Awaited<ReturnType<typeof openTestStorage>>['runs'],
    key: string,
    day: string,
  ) => {
    await runs.startRun(key, `${day}T07:03:00.000Z`);
    await runs.finishRun(key, `${day}T07:09:00.000Z`, { localDate: day, feed: { lastOrderDay: day } });
  };

  it('a run finished twenty weeks before this week is last week’s list for every rep', async () => {
    const { runs } = await openTestStorage('lastRunFarBack');
    await finished(runs, 'weekly-2026-W10', '2026-03-02');
    await finished(runs, 'weekly-2026-W25', '2026-06-15');
    const options = await lastCardsOptions(runs, 'weekly-2026-W45', 'Europe/London', 'run');
    expect(options).toEqual({ lastRun: { on: '2026-06-15', feedTo: '2026-06-15' } });
  });

  it('a recent finished run, and a later one that died after one card, are both found', async () => {
    const { runs } = await openTestStorage('lastRunRecent');
    await finished(runs, 'weekly-2026-W20', '2026-05-11');
    await finished(runs, 'weekly-2026-W40', '2026-09-28');
    await runs.startRun('weekly-2026-W43', '2026-10-19T07:03:00.000Z');
    await runs.recordDelivery('weekly-2026-W43', 'ana@contoso.com', {
      activityId: 'a1',
      at: '2026-10-19T07:04:00.000Z',
      status: 'delivered',
    });
    const options = await lastCardsOptions(runs, 'weekly-2026-W45', 'Europe/London', 'run');
    expect(options.lastRun).toEqual({ on: '2026-09-28', feedTo: '2026-09-28' });
    expect([...(options.lastRunByRep ?? new Map())]).toEqual([
      ['ana@contoso.com', { on: '2026-10-19', feedTo: null }],
    ]);
  });

  it('with no run ever finished, a run started long ago and died means no list last week', async () => {
    const { runs } = await openTestStorage('lastRunNeverFinished');
    await runs.startRun('weekly-2026-W02', '2026-01-05T07:03:00.000Z');
    expect(await lastCardsOptions(runs, 'weekly-2026-W45', 'Europe/London', 'run')).toEqual({
      lastWeek: 'none',
    });
  });
});
