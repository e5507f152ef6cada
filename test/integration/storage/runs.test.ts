import { describe, expect, it } from 'vitest';
import { openTestStorage } from './support';

describe('run ledger on Azurite', () => {
  it('a rerun skips the reps already delivered and records only the rest', async () => {
    const storage = await openTestStorage('runsRerun');
    const runKey = 'weekly-2026-W48';
    const reps = ['rep-a', 'rep-b', 'rep/c#3', 'rep-d'];
    const sent: string[] = [];
    const deliver = async (crashAfter: number) => {
      let n = 0;
      const handled = new Set((await storage.runs.listRun(runKey)).map((d) => d.repId));
      for (const repId of reps) {
        if (handled.has(repId)) continue;
        if (n === crashAfter) throw new Error('crash');
        sent.push(repId);
        const result = await storage.runs.recordDelivery(runKey, repId, {
          activityId: `act-${repId}`,
          at: '2026-11-30T14:03:00.000Z',
          status: 'delivered',
        });
        expect(result.recorded).toBe(true);
        n++;
      }
    };
    expect((await storage.runs.startRun(runKey, '2026-11-30T14:03:00.000Z')).started).toBe(true);
    await expect(deliver(2)).rejects.toThrow('crash');
    const again = await storage.runs.startRun(runKey, '2026-11-30T14:18:00.000Z');
    expect(again).toEqual({ started: false, run: { runKey, startedAt: '2026-11-30T14:03:00.000Z' } });
    await deliver(Number.POSITIVE_INFINITY);
    expect(sent).toEqual(reps);
    const rows = await storage.runs.listRun(runKey);
    expect(rows.map((r) => r.repId).sort()).toEqual([...reps].sort());
    expect(rows.find((r) => r.repId === 'rep/c#3')).toEqual({
      repId: 'rep/c#3',
      activityId: 'act-rep/c#3',
      at: '2026-11-30T14:03:00.000Z',
      status: 'delivered',
    });
  });

  it('recording the same delivery twice keeps the first', async () => {
    const storage = await openTestStorage('runsTwice');
    const at = '2026-11-30T14:03:00.000Z';
    expect(await storage.runs.recordDelivery('weekly-2026-W48', 'r1', { at, status: 'unreachable' })).toEqual(
      {
        recorded: true,
      },
    );
    expect(
      await storage.runs.recordDelivery('weekly-2026-W48', 'r1', {
        at,
        status: 'delivered',
        activityId: 'x',
      }),
    ).toEqual({ recorded: false });
    expect(await storage.runs.listRun('weekly-2026-W48')).toEqual([
      { repId: 'r1', at, status: 'unreachable' },
    ]);
    expect(await storage.runs.listRun('weekly-2026-W49')).toEqual([]);
  });

  it('keeps a run-level row: started, then finished with its report', async () => {
    const storage = await openTestStorage('runsRow');
    expect(await storage.runs.getRun('monthly-2026-11')).toBeNull();
    await storage.runs.startRun('monthly-2026-11', '2026-12-01T15:00:00.000Z');
    const finished = await storage.runs.finishRun('monthly-2026-11', '2026-12-01T15:00:09.000Z', {
      delivered: 12,
      unreachable: ['rep-x'],
    });
    expect(await storage.runs.getRun('monthly-2026-11')).toEqual(finished);
    expect(JSON.parse(finished.report ?? '')).toEqual({ delivered: 12, unreachable: ['rep-x'] });
    expect(finished.startedAt).toBe('2026-12-01T15:00:00.000Z');
    // The run row is not a delivery.
    expect(await storage.runs.listRun('monthly-2026-11')).toEqual([]);
    await expect(
      storage.runs.finishRun('monthly-2026-11', '2026-12-01T15:00:09.000Z', 'x'.repeat(40_000)),
    ).rejects.toThrow(/limit/);
  });

  it('a send claim goes to one caller; a takeover needs the ETag it read; a released claim is claimed anew', async () => {
    const storage = await openTestStorage('runsClaim');
    const runKey = 'weekly-2026-W48';
    const at = '2026-11-23T14:03:00.000Z';
    const later = '2026-11-23T14:18:00.000Z';
    const claims = await Promise.all([1, 2, 3].map(() => storage.runs.claimSend(runKey, 'rep-a', at)));
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    const held = claims.find((c) => !c.claimed);
    if (!held || held.claimed) throw new Error('expected a claim already there');
    expect(held.claim).toMatchObject({ at, sends: 1 });
    expect(await storage.runs.retakeClaim(runKey, 'rep-a', held.claim, later)).toBe(true);
    // A second instance holding the same read loses the takeover.
    expect(await storage.runs.retakeClaim(runKey, 'rep-a', held.claim, later)).toBe(false);
    expect(await storage.runs.claimSend(runKey, 'rep-a', later)).toMatchObject({
      claimed: false,
      claim: { at: later, sends: 2 },
    });
    await storage.runs.releaseClaim(runKey, 'rep-a');
    await storage.runs.releaseClaim(runKey, 'rep-a');
    expect(await storage.runs.claimSend(runKey, 'rep-a', later)).toEqual({ claimed: true });
    // Claims are not deliveries; a delivery keeps the customers its card listed.
    expect(await storage.runs.listRun(runKey)).toEqual([]);
    await storage.runs.recordDelivery(runKey, 'rep-a', {
      at,
      status: 'delivered',
      activityId: 'act-1',
      customerIds: ['C-1', 'C/2#x'],
    });
    expect(await storage.runs.listRun(runKey)).toEqual([
      { repId: 'rep-a', at, status: 'delivered', activityId: 'act-1', customerIds: ['C-1', 'C/2#x'] },
    ]);
  });

  it('notices of each kind are recorded apart; a finished run keeps the notice it could not post', async () => {
    const storage = await openTestStorage('runsNotice');
    const runKey = 'weekly-2026-W48';
    await storage.runs.recordNotice(runKey, '2026-11-23T14:03:00.000Z', 'feed');
    expect(await storage.runs.noticeSent(runKey, 'feed')).toBe(true);
    expect(await storage.runs.noticeSent(runKey)).toBe(false);
    await storage.runs.startRun(runKey, '2026-11-23T14:03:00.000Z');
    await storage.runs.finishRun(
      runKey,
      '2026-11-23T14:04:00.000Z',
      {},
      { text: 'Weekly run: not reached', kind: 'run' },
    );
    expect(await storage.runs.getRun(runKey)).toMatchObject({ pendingNotice: 'Weekly run: not reached' });
    expect((await storage.runs.getRun(runKey))?.pendingKind).toBeUndefined();
    // A notice of the end of a wait: one per end, apart from the run's, and kept with its kind.
    const kind = 'wait_2026-11-23T16:03:00.000Z' as const;
    await storage.runs.recordNotice(runKey, '2026-11-23T16:18:00.000Z', kind);
    expect(await storage.runs.noticeSent(runKey, kind)).toBe(true);
    expect(await storage.runs.noticeSent(runKey, 'wait_2026-11-23T18:03:00.000Z')).toBe(false);
    await storage.runs.finishRun(
      runKey,
      '2026-11-23T16:19:00.000Z',
      {},
      { text: 'No card after the wait', kind },
    );
    expect(await storage.runs.getRun(runKey)).toMatchObject({
      pendingNotice: 'No card after the wait',
      pendingKind: kind,
    });
  });

  it('each notice keeps the reps it named, thousands too; the run row keeps them with a notice it could not post', async () => {
    const storage = await openTestStorage('runsNamed');
    const runKey = 'weekly-2026-W48';
    const other = 'weekly-2026-W49';
    expect(await storage.runs.namedInNotices(runKey)).toEqual(new Set());
    // 3,000 reps named: well over the 32K characters a Table Storage string holds.
    const many = Array.from({ length: 3000 }, (_, i) => `no_conversation:zoë.ortiz${i}@contoso.example`);
    await storage.runs.recordNotice(runKey, '2026-11-23T14:03:00.000Z', 'run', { named: many });
    await storage.runs.recordNotice(runKey, '2026-11-24T16:18:00.000Z', 'more_ab12', {
      named: ['failed:carl@x.com'],
    });
    // A notice of another run, and one that named nobody, change nothing.
    await storage.runs.recordNotice(other, '2026-11-30T14:03:00.000Z', 'run', {
      named: ['failed:dan@x.com'],
    });
    await storage.runs.recordNotice(runKey, '2026-11-24T16:20:00.000Z', 'feed', { about: 'x' });
    expect(await storage.runs.namedInNotices(runKey)).toEqual(new Set([...many, 'failed:carl@x.com']));

    await storage.runs.startRun(runKey, '2026-11-23T14:03:00.000Z');
    await storage.runs.finishRun(
      runKey,
      '2026-11-24T16:33:00.000Z',
      {},
      {
        text: 'Weekly run: 3000 reps',
        kind: 'more_cd34',
        named: many,
      },
    );
    expect(await storage.runs.getRun(runKey)).toMatchObject({
      pendingKind: 'more_cd34',
      pendingNamed: many,
    });
    await storage.runs.finishRun(runKey, '2026-11-24T16:48:00.000Z', {});
    expect((await storage.runs.getRun(runKey))?.pendingNamed).toBeUndefined();
  });

  it('a notice naming more reps than a row holds is recorded with the leading ones, not refused once posted', async () => {
    const storage = await openTestStorage('runsNamedMany');
    const runKey = 'weekly-2026-W48';
    // 10,000 reps without the app: about 640,000 characters of names, more than a row keeps.
    const many = Array.from(
      { length: 10_000 },
      (_, i) => `no_conversation:firstname.lastname${i}@contoso-corporation.example`,
    );
    await storage.runs.recordNotice(runKey, '2026-11-23T14:03:00.000Z', 'run', { named: many });
    expect(await storage.runs.noticeSent(runKey)).toBe(true);
    const named = [...(await storage.runs.namedInNotices(runKey))];
    expect(named.length).toBeGreaterThan(4000);
    expect(named).toEqual(many.slice(0, named.length));

    await storage.runs.startRun(runKey, '2026-11-23T14:03:00.000Z');
    const kept = await storage.runs.finishRun(
      runKey,
      '2026-11-23T14:10:00.000Z',
      {},
      {
        text: 'Weekly run: 10000 reps',
        kind: 'run',
        named: many,
      },
    );
    const pendingNamed = (await storage.runs.getRun(runKey))?.pendingNamed ?? [];
    expect(pendingNamed).toEqual(named);
    expect(kept.pendingNamed).toEqual(named);
  });

  it('keeps the last valid rules file whole, a long one too (a Table Storage string holds 32K characters)', async () => {
    const storage = await openTestStorage('runsRules');
    expect(await storage.runs.goodRules()).toBeNull();
    // A rules file naming a few thousand reps by name ("owners"), with letters outside ASCII.
    const owners = Object.fromEntries(
      Array.from({ length: 2500 }, (_, i) => [`Zoë Ortiz ${i}`, `zoe.ortiz${i}@contoso.example`]),
    );
    const text = JSON.stringify({ owners }, null, 2);
    expect(text.length).toBeGreaterThan(100_000);
    const kept = { source: 'feed/rules.json', version: 'abc', text, at: '2026-11-20T15:00:00.000Z' };
    await storage.runs.keepGoodRules(kept);
    expect(await storage.runs.goodRules()).toEqual(kept);
    await storage.runs.keepGoodRules({ ...kept, version: 'def', text: '{}' });
    expect(await storage.runs.goodRules()).toEqual({ ...kept, version: 'def', text: '{}' });
  });
});
