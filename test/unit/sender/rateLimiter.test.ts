import { describe, expect, it } from 'vitest';
import { RateLimiter, TEAMS_CONVERSATION_LIMITS, TEAMS_GLOBAL_LIMITS } from '../../../bot/rateLimiter';
import { fakeClock } from './fakeClock';

/** Most sends in any window of `windowMs` ending at a send. */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (const end of times) best = Math.max(best, times.filter((t) => t > end - windowMs && t <= end).length);
  return best;
}

describe('RateLimiter', () => {
  it('keeps 200 sends to 200 conversations under 50 in any second, at about 43 per second', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock });
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      await limiter.acquire(`conv-${i}`);
      times.push(clock.now());
    }
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(45);
    // Bound: 200 / 50 per second = 4 s. The limiter's 10% headroom gives about 198 / 43 s.
    expect(clock.now()).toBeGreaterThan(4000);
    expect(clock.now()).toBeLessThan(4000 * 1.25);
  });

  it('keeps one conversation under every published per-conversation window', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock });
    const times: number[] = [];
    for (let i = 0; i < 120; i++) {
      await limiter.acquire('conv-1');
      times.push(clock.now());
    }
    for (const { limit, windowMs } of TEAMS_CONVERSATION_LIMITS.slice(0, 3)) {
      expect(maxInWindow(times, windowMs)).toBeLessThanOrEqual(limit);
    }
  });

  it('lets a card update follow its send at once, then paces the conversation', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock, global: [] });
    expect(await limiter.acquire('a')).toBe(0);
    expect(await limiter.acquire('a')).toBe(0);
    expect(await limiter.acquire('a')).toBe(0);
    const waited = await limiter.acquire('a');
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBe(clock.sleeps.reduce((s, x) => s + x, 0));
  });

  it('a limiter with no headroom comes close to but never passes the limit', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ clock, headroom: 0, global: TEAMS_GLOBAL_LIMITS, perConversation: [] });
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      await limiter.acquire(`c${i}`);
      times.push(clock.now());
    }
    const peak = maxInWindow(times, 1000);
    expect(peak).toBeLessThanOrEqual(50);
    expect(peak).toBeGreaterThanOrEqual(47); // waits round up to whole milliseconds
  });

  it('refuses a nonsensical headroom', () => {
    expect(() => new RateLimiter({ headroom: 1 })).toThrow(/headroom/);
    expect(() => new RateLimiter({ conversationBurstShare: 2 })).toThrow(/burst/);
  });
});
