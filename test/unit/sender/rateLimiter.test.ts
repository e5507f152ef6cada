import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Clock, RateLimiter, TEAMS_GLOBAL_LIMITS } from '../../../bot/rateLimiter';
import { fakeClock } from './fakeClock';

/**
 * Microsoft's "Optimize your bot with rate limiting in Teams", per bot per thread, sending to one
 * conversation: 7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per 3,600 s. Stated here, not read from the
 * product, so a wrong number in the limiter fails this test.
 */
const PUBLISHED_PER_CONVERSATION = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

/** Most sends in any window of `windowMs` ending at a send. */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (const end of times) best = Math.max(best, times.filter((t) => t > end - windowMs && t <= end).length);
  return best;
}

/** Sends one after another, each answered at once; returns when each was let through. */
async function sendTimes(limiter: RateLimiter, clock: Clock, conversations: string[]): Promise<number[]> {
  const times: number[] = [];
  for (const c of conversations) {
    const permit = await limiter.acquire(c);
    times.push(clock.now());
    permit.done();
  }
  return times;
}

const distinct = (n: number) => Array.from({ length: n }, (_, i) => `conv-${i}`);

describe('RateLimiter', () => {
  it('sends 200 cards to 200 conversations in three windows of Teams 50 per second', async () => {
    const clock = fakeClock();
    const times = await sendTimes(new RateLimiter({ clock }), clock, distinct(200));
    expect(maxInWindow(times, 1000)).toBe(50);
    // 50 at once, then 50 at each of 1, 2 and 3 s: under the steady bound of 200 / 50 s = 4 s.
    expect(times[49]).toBe(0);
    expect(times[50]).toBe(1000);
    expect(times[199]).toBe(3000);
  });

  it('keeps the long-run rate at the limit', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock, global: TEAMS_GLOBAL_LIMITS, perConversation: [] });
    const times = await sendTimes(limiter, clock, distinct(1000));
    expect(maxInWindow(times, 1000)).toBe(50);
    expect(maxInWindow(times, 1001)).toBe(100);
    expect(times[999]).toBe(19_000);
  });

  it('counts a send until a window after its response, so the service sees the window whatever the network did', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock, perConversation: [] });
    const first = await Promise.all(distinct(50).map((c) => limiter.acquire(c)));
    await clock.sleep(30); // the responses take 30 ms
    for (const permit of first) permit.done();
    const next = await limiter.acquire('conv-50');
    expect(clock.now()).toBe(1030);
    expect(next.waitedMs).toBe(1000);
  });

  it('while sends in flight fill the window, waits for a response before counting a second on', async () => {
    // A clock whose sleeps take real turns of the event loop, so the test can answer meanwhile.
    let t = 0;
    const clock: Clock = {
      now: () => t,
      sleep: (ms) =>
        new Promise((resolve) =>
          setImmediate(() => {
            t += ms;
            resolve();
          }),
        ),
    };
    const limiter = new RateLimiter({ clock, global: [{ limit: 2, windowMs: 1000 }], perConversation: [] });
    const a = await limiter.acquire('a');
    await limiter.acquire('b'); // never answered in this test
    let thirdAt: number | null = null;
    const third = limiter.acquire('c').then(() => {
      thirdAt = t;
    });
    while (t < 200) await new Promise((resolve) => setImmediate(resolve));
    expect(thirdAt).toBeNull(); // 200 ms on, both still in flight: no room
    a.done();
    const answeredAt = t;
    await third;
    expect(thirdAt).toBeGreaterThanOrEqual(answeredAt + 1000);
    expect(thirdAt).toBeLessThan(answeredAt + 1000 + 50);
  });

  it('keeps one conversation under every published per-conversation window, the hour included', async () => {
    const clock = fakeClock();
    // Past 1,800 sends, so the hour's window is the one that binds at the end.
    const times = await sendTimes(new RateLimiter({ clock }), clock, Array(1_900).fill('conv-1'));
    for (const { limit, windowMs } of PUBLISHED_PER_CONVERSATION) {
      expect(maxInWindow(times, windowMs), `${windowMs} ms`).toBeLessThanOrEqual(limit);
    }
    // And it uses what each window allows rather than holding back further.
    expect(maxInWindow(times, 1_000)).toBe(7);
    expect(maxInWindow(times, 30_000)).toBe(60);
    expect(maxInWindow(times, 3_600_000)).toBe(1_800);
    expect(times[1_800]).toBeGreaterThanOrEqual(3_600_000);
  });

  it('lets a card update follow its send at once, then paces the conversation', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock, global: [] });
    for (let i = 0; i < 7; i++) {
      const permit = await limiter.acquire('a');
      expect(permit.waitedMs).toBe(0);
      permit.done();
    }
    const eighth = await limiter.acquire('a');
    expect(eighth.waitedMs).toBe(1000);
    expect(eighth.waitedMs).toBe(clock.sleeps.reduce((s, x) => s + x, 0));
    // Another conversation is not held back by this one.
    expect((await limiter.acquire('b')).waitedMs).toBe(0);
  });

  it('forgets a chat once none of its windows holds a request: a long-lived instance does not keep every chat it ever answered', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock });
    // A day of answers in 500 chats (the bot's replies, counted without waiting), a paced send in one more.
    for (const chat of distinct(500)) limiter.record(chat);
    (await limiter.acquire('busy')).done();
    expect(limiter.conversationCount).toBe(501);
    // An hour on, the longest of Teams' windows: none of them still counts against anything.
    await clock.sleep(3_600_000);
    (await limiter.acquire('busy')).done();
    limiter.record('new');
    expect(limiter.conversationCount).toBe(2);
  });

  it('a permit answered twice counts once', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock, global: [{ limit: 1, windowMs: 1000 }], perConversation: [] });
    const permit = await limiter.acquire('a');
    permit.done();
    await clock.sleep(500);
    permit.done(); // would otherwise leave a phantom send that expires at 1,500
    await limiter.acquire('b');
    expect(clock.now()).toBe(1000);
  });

  describe('on the real clock, when the wall clock is stepped (NTP)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    const oneASecond = () => new RateLimiter({ global: [{ limit: 1, windowMs: 1000 }], perConversation: [] });

    it('a step back holds the next send one window, not the step as well', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'Date', 'performance'] });
      const limiter = oneASecond();
      (await limiter.acquire('a')).done();
      vi.setSystemTime(Date.now() - 3_600_000);
      let through = false;
      const next = limiter.acquire('b').then((permit) => {
        through = true;
        return permit;
      });
      await vi.advanceTimersByTimeAsync(1000);
      expect(through).toBe(true);
      (await next).done();
    });

    it('a step forward does not end the window early', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'Date', 'performance'] });
      const limiter = oneASecond();
      (await limiter.acquire('a')).done();
      vi.setSystemTime(Date.now() + 3_600_000);
      let through = false;
      const next = limiter.acquire('b').then((permit) => {
        through = true;
        return permit;
      });
      await vi.advanceTimersByTimeAsync(990);
      expect(through).toBe(false);
      await vi.advanceTimersByTimeAsync(20);
      expect(through).toBe(true);
      (await next).done();
    });
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new RateLimiter({ global: [{ limit: 0.5, windowMs: 1000 }] })).toThrow(/whole limit/);
    expect(() => new RateLimiter({ perConversation: [{ limit: 7, windowMs: 0 }] })).toThrow(/window/);
  });
});
