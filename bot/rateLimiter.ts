/** Time as the sender sees it; injected so tests can drive limits and backoff without real waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock: wall time and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * Monotonic time and timers: the limiter's default. Its windows are durations, and wall time steps
 * when NTP corrects it: back, a full window would hold sends for the step too; forward, it would end early.
 */
export const monotonicClock: Clock = {
  now: () => performance.now(),
  sleep: systemClock.sleep,
};

/** At most `limit` requests in any `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * Teams' published bot limits: about 50 requests/s per app per tenant, and per conversation
 * 7 per second, 8 per 2 s, 60 per 30 s, 1800 per hour.
 */
export const TEAMS_GLOBAL_LIMITS: RateLimit[] = [{ limit: 50, windowMs: 1_000 }];
export const TEAMS_CONVERSATION_LIMITS: RateLimit[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

/** A send let through: call done() once its response (or failure) is back. */
export interface Permit {
  /** How long the send waited for room (ms). */
  waitedMs: number;
  done(): void;
}

/** While sends in flight fill a window, how often to look again (ms). */
const IN_FLIGHT_POLL_MS = 10;

/**
 * The service's own rule, "at most `limit` in any `windowMs`", as a log of sends. Teams stamps a
 * request somewhere between our letting it go and our getting its response, so a send counts from
 * when it is let through until `windowMs` after its response: the next send then arrives at least a
 * window after it whatever the network did. A sliding log rather than a token bucket, because a
 * bucket that never breaks the window sustains only limit - capacity per window, while the log sends
 * the full limit per window (50 at once, the next 50 a window later), so 200 reps take 3 windows, not 4.
 */
class SlidingLog {
  /** Response times of finished sends still counting, oldest first. */
  private readonly finished: number[] = [];
  private inFlight = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until one more send fits (0 = now). */
  waitMs(now: number): number {
    this.expire(now);
    const over = this.inFlight + this.finished.length - this.limit; // sends that must leave the window first, less one
    if (over < 0) return 0;
    if (over >= this.finished.length) return IN_FLIGHT_POLL_MS; // only a response can make room
    return this.finished[over] + this.windowMs - now;
  }

  take(): void {
    this.inFlight++;
  }

  release(now: number): void {
    this.inFlight--;
    this.expire(now);
    this.finished.push(now);
  }

  /** True when no send counts any more: the log is as a new one. */
  idle(now: number): boolean {
    this.expire(now);
    return this.inFlight === 0 && this.finished.length === 0;
  }

  /** Drops the sends whose window has passed (a chat only answered, never paced, would keep them all). */
  private expire(now: number): void {
    let expired = 0;
    while (expired < this.finished.length && this.finished[expired] + this.windowMs <= now) expired++;
    if (expired > 0) this.finished.splice(0, expired);
  }
}

export interface RateLimiterOptions {
  clock?: Clock;
  global?: RateLimit[];
  perConversation?: RateLimit[];
}

/** Paces sends to Teams: every send waits until the global windows and its conversation's windows all have room. */
export class RateLimiter {
  private readonly clock: Clock;
  private readonly conversationLimits: RateLimit[];
  private readonly global: SlidingLog[];
  private readonly conversations = new Map<string, SlidingLog[]>();
  /** The longest per-conversation window: a chat's logs are forgotten at most this long after its last request. */
  private readonly sweepEveryMs: number;
  private lastSweep: number;

  constructor(options: RateLimiterOptions = {}) {
    const {
      clock = monotonicClock,
      global = TEAMS_GLOBAL_LIMITS,
      perConversation = TEAMS_CONVERSATION_LIMITS,
    } = options;
    for (const { limit, windowMs } of [...global, ...perConversation]) {
      if (!(Number.isInteger(limit) && limit >= 1 && windowMs > 0)) {
        throw new Error(
          `a rate limit needs a whole limit >= 1 and a window > 0, got ${limit} per ${windowMs} ms`,
        );
      }
    }
    this.clock = clock;
    this.conversationLimits = perConversation;
    this.global = global.map((l) => new SlidingLog(l.limit, l.windowMs));
    this.sweepEveryMs = Math.max(0, ...perConversation.map((l) => l.windowMs));
    this.lastSweep = clock.now();
  }

  /** Waits until a send to `conversationId` is allowed and counts it; call done() on the permit when it is answered. */
  async acquire(conversationId: string): Promise<Permit> {
    const started = this.clock.now();
    // Loop: while we slept, another send may have taken the room we were waiting for. The chat's logs
    // are looked up each time: an idle chat's may have been forgotten while this send waited.
    for (;;) {
      const logs = [...this.global, ...this.conversationLogs(conversationId)];
      const now = this.clock.now();
      const wait = Math.max(0, ...logs.map((l) => l.waitMs(now)));
      if (wait === 0) {
        for (const l of logs) l.take();
        let released = false;
        return {
          waitedMs: now - started,
          done: () => {
            if (released) return;
            released = true;
            const at = this.clock.now();
            for (const l of logs) l.release(at);
          },
        };
      }
      await this.clock.sleep(wait);
    }
  }

  /**
   * Counts a request to `conversationId` that went out without waiting (a turn's answer to the user,
   * which is not held back), so the paced sends after it leave room for it in the windows.
   */
  record(conversationId: string): void {
    const at = this.clock.now();
    for (const l of [...this.global, ...this.conversationLogs(conversationId)]) {
      l.take();
      l.release(at);
    }
  }

  /** Conversations with logs in memory: those with a request still counting in one of their windows. */
  get conversationCount(): number {
    return this.conversations.size;
  }

  private conversationLogs(conversationId: string): SlidingLog[] {
    this.forgetIdle();
    let logs = this.conversations.get(conversationId);
    if (!logs) {
      logs = this.conversationLimits.map((l) => new SlidingLog(l.limit, l.windowMs));
      this.conversations.set(conversationId, logs);
    }
    return logs;
  }

  /**
   * Forgets the chats none of whose windows still counts a request (their logs are as new ones), at
   * most once per longest window: one instance answers every chat of the tenant for days.
   */
  private forgetIdle(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    for (const [id, logs] of this.conversations)
      if (logs.every((l) => l.idle(now))) this.conversations.delete(id);
  }
}
