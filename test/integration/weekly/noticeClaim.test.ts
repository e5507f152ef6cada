import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { CLAIM_HOLD_MS, MAX_UNCONFIRMED_SENDS } from '../../../jobs/weekly/weeklyClaims';
import {
  type NoticeResult,
  type NoticeRuns,
  noticeToKeep,
  postOnce,
  retryNotice,
} from '../../../jobs/weekly/weeklyNotice';
import { claimedNoticeLine } from '../../../jobs/weekly/weeklyReport';
import { openStorage } from '../../../storage';
import { heldNotifier } from '../../helpers/heldNotifier';

// The admins' notice of a run goes out once however many instances close the run on one tick, and a
// post whose record never reached the ledger goes out at most once more. On Azurite.

const RUN_KEY = 'weekly-2026-W48';
const TICK = new Date('2026-11-23T14:00:00Z');
const MINUTE = 60_000;
const TEXT = 'Weekly run weekly-2026-W48: 1 rep got no card\n- carl@x.com: the app is not installed for them';

/** Two instances' run ledgers on the same tables, each with its own client. */
async function twoInstances(): Promise<[NoticeRuns, NoticeRuns]> {
  const config = {
    connectionString: inject('azuriteConnectionString'),
    tablePrefix: `tnclaim${randomBytes(4).toString('hex')}`,
  };
  const retry = { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 50 };
  const first = await openStorage(config, { retry });
  const second = await openStorage(config, { retry });
  return [first.runs, second.runs];
}

/** A tick of the run at `at`, closing it with the notice. */
const notice = (at: Date) => ({ runKey: RUN_KEY, at: at.toISOString(), kind: 'run' as const });

/** A ledger whose notice records storage refuses, as after Teams took the post. */
function refusingRecords(runs: NoticeRuns): NoticeRuns {
  return Object.assign(Object.create(runs) as NoticeRuns, {
    recordNotice: async () => {
      throw new Error('storage refused the notice row');
    },
  });
}

describe("the admins' notice, claimed before it is posted", () => {
  it('of two instances closing the run on one tick, one posts: the other, reading while it posts, leaves it', async () => {
    const [first, second] = await twoInstances();
    const held = heldNotifier('posted');
    const posts: string[] = [];
    const firstTick = postOnce(TEXT, notice(TICK), { runs: first, notifyAdmins: held.notify });
    // Teams is slow: the second instance reads the ledger meanwhile.
    await held.posting;
    const secondTick = postOnce(TEXT, notice(new Date(TICK.getTime() + 2_000)), {
      runs: second,
      notifyAdmins: async () => {
        posts.push('second');
        return 'posted';
      },
    }).finally(held.release);
    expect(await secondTick).toBe('under_way');
    expect(await firstTick).toBe('posted');
    expect(held.told).toEqual([TEXT]);
    expect(posts).toEqual([]);
    // The ticks after find it recorded, on either instance.
    const later = notice(new Date(TICK.getTime() + 15 * MINUTE));
    const never = async (): Promise<NoticeResult> => {
      posts.push('later');
      return 'posted';
    };
    expect(await postOnce(TEXT, later, { runs: second, notifyAdmins: never })).toBe('already_sent');
    expect(await postOnce(TEXT, later, { runs: first, notifyAdmins: never })).toBe('already_sent');
    expect(held.told).toHaveLength(1);
    expect(posts).toEqual([]);
  });

  it('of six instances starting at once, one posts', async () => {
    const [first, second] = await twoInstances();
    let posts = 0;
    const notifyAdmins = async (): Promise<NoticeResult> => {
      posts++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return 'posted';
    };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        postOnce(TEXT, notice(TICK), { runs: i % 2 ? first : second, notifyAdmins }),
      ),
    );
    expect(posts).toBe(1);
    expect(results.filter((r) => r === 'posted')).toHaveLength(1);
    expect(results.filter((r) => r === 'under_way' || r === 'already_sent')).toHaveLength(5);
  });

  it('posted, then storage refuses its record: a tick past the hold posts it once more, and no tick after', async () => {
    const [runs] = await twoInstances();
    let posts = 0;
    const notifyAdmins = async (): Promise<NoticeResult> => {
      posts++;
      return 'posted';
    };
    const refusing = refusingRecords(runs);
    await expect(postOnce(TEXT, notice(TICK), { runs: refusing, notifyAdmins })).rejects.toThrow(
      'storage refused',
    );
    expect(posts).toBe(1);
    // Within the hold the claim is taken for a post under way: nothing more.
    const soon = new Date(TICK.getTime() + CLAIM_HOLD_MS - MINUTE);
    expect(await postOnce(TEXT, notice(soon), { runs: refusing, notifyAdmins })).toBe('under_way');
    expect(posts).toBe(1);
    // Every 15-minute tick after: one more post, then none, whatever storage does.
    for (let tick = 1; tick <= 6; tick++) {
      const at = new Date(TICK.getTime() + tick * 15 * MINUTE);
      const result = postOnce(TEXT, notice(at), { runs: tick < 4 ? refusing : runs, notifyAdmins });
      if (tick === 1) await expect(result).rejects.toThrow('storage refused');
      else expect(await result).toBe('unconfirmed');
    }
    expect(posts).toBe(MAX_UNCONFIRMED_SENDS);
  });

  it('a kept notice a later tick does not post again, its tries spent with no record, is logged as a warning', async () => {
    const [runs] = await twoInstances();
    const notifyAdmins = async (): Promise<NoticeResult> => 'posted';
    // Posted on each try, and each time storage refused its record: the tries are spent.
    const refusing = refusingRecords(runs);
    for (let tick = 0; tick < MAX_UNCONFIRMED_SENDS; tick++)
      await expect(
        postOnce(TEXT, notice(new Date(TICK.getTime() + tick * 15 * MINUTE)), {
          runs: refusing,
          notifyAdmins,
        }),
      ).rejects.toThrow('storage refused');
    const warned: { message: string; details?: Record<string, unknown> }[] = [];
    const log = {
      info: () => {},
      warn: (message: string, details?: Record<string, unknown>) => warned.push({ message, details }),
    };
    const later = new Date(TICK.getTime() + MAX_UNCONFIRMED_SENDS * 15 * MINUTE);
    const pending = { text: TEXT, kind: 'run' as const };
    expect(await retryNotice({ runs, notifyAdmins, log }, RUN_KEY, pending, later)).toBe('unconfirmed');
    expect(warned).toEqual([
      { message: `run ${RUN_KEY}: ${claimedNoticeLine('unconfirmed')}`, details: { runKey: RUN_KEY } },
    ]);
  });

  it('the process dies between the post and its record: the next tick posts it again and records it', async () => {
    const [runs, other] = await twoInstances();
    let posts = 0;
    const notifyAdmins = async (): Promise<NoticeResult> => {
      posts++;
      return 'posted';
    };
    await expect(
      postOnce(TEXT, notice(TICK), { runs: refusingRecords(runs), notifyAdmins }),
    ).rejects.toThrow();
    const next = new Date(TICK.getTime() + 15 * MINUTE);
    expect(await postOnce(TEXT, notice(next), { runs: other, notifyAdmins })).toBe('posted');
    expect(await postOnce(TEXT, notice(new Date(next.getTime() + 15 * MINUTE)), { runs, notifyAdmins })).toBe(
      'already_sent',
    );
    expect(posts).toBe(2);
  });

  it('a post Teams refused leaves no claim behind: the next try, however soon, posts it', async () => {
    const [runs] = await twoInstances();
    const answers: NoticeResult[] = ['failed', 'no_recipient', 'failed', 'posted'];
    let posts = 0;
    const notifyAdmins = async (): Promise<NoticeResult> => answers[posts++] ?? 'posted';
    for (let i = 0; i < answers.length; i++) {
      const at = new Date(TICK.getTime() + i * MINUTE);
      expect(await postOnce(TEXT, notice(at), { runs, notifyAdmins })).toBe(answers[i]);
    }
    expect(await postOnce(TEXT, notice(new Date(TICK.getTime() + 15 * MINUTE)), { runs, notifyAdmins })).toBe(
      'already_sent',
    );
    expect(posts).toBe(answers.length);
  });

  it('a notifier that throws before reaching anyone (reading whom to post to) leaves no claim: a later tick posts it', async () => {
    const [runs] = await twoInstances();
    let posts = 0;
    let reads = 0;
    const notifyAdmins = async (): Promise<NoticeResult> => {
      // The admins' conversations cannot be read on the first ticks: nothing is posted.
      if (++reads <= MAX_UNCONFIRMED_SENDS) throw new Error('the conversations table is unavailable');
      posts++;
      return 'posted';
    };
    for (let tick = 0; tick < MAX_UNCONFIRMED_SENDS; tick++)
      await expect(
        postOnce(TEXT, notice(new Date(TICK.getTime() + tick * 15 * MINUTE)), { runs, notifyAdmins }),
      ).rejects.toThrow('unavailable');
    const next = new Date(TICK.getTime() + MAX_UNCONFIRMED_SENDS * 15 * MINUTE);
    expect(await postOnce(TEXT, notice(next), { runs, notifyAdmins })).toBe('posted');
    expect(posts).toBe(1);
  });

  it('the instance that left the post to another keeps the notice: when that post fails, a later tick posts it', async () => {
    const [first, second] = await twoInstances();
    const held = heldNotifier('failed');
    const posts: string[] = [];
    const firstTick = postOnce(TEXT, notice(TICK), { runs: first, notifyAdmins: held.notify });
    await held.posting;
    const seen = await postOnce(TEXT, notice(TICK), {
      runs: second,
      notifyAdmins: async () => {
        posts.push('second');
        return 'posted';
      },
    }).finally(held.release);
    expect(seen).toBe('under_way');
    expect(await firstTick).toBe('failed');
    // Its run row, written after the first's, keeps the notice, which the next tick posts.
    const pending = { text: TEXT, kind: 'run' as const };
    expect(noticeToKeep(seen, pending)).toBe(pending);
    const log = { info: () => {}, warn: () => {} };
    const next = new Date(TICK.getTime() + 15 * MINUTE);
    const notifyAdmins = async (): Promise<NoticeResult> => {
      posts.push('next tick');
      return 'posted';
    };
    expect(await retryNotice({ runs: second, notifyAdmins, log }, RUN_KEY, pending, next)).toBe('posted');
    expect(await retryNotice({ runs: first, notifyAdmins, log }, RUN_KEY, pending, next)).toBe(
      'already_sent',
    );
    expect(held.told).toHaveLength(1);
    expect(posts).toEqual(['next tick']);
  });
});
