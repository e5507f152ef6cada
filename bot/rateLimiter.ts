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

/** At most `limit` requests in any `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * Teams' published bot limits (NOTES.md): about 50 requests/s per app per tenant, and per conversation
 * 7 per second, 8 per 2 s, 60 per 30 s, 1800 per hour.
 */
export const TEAMS_GLOBAL_LIMITS: RateLimit[] = [{ limit: 50, windowMs: 1_000 }];
export const TEAMS_CONVERSATION_LIMITS: RateLimit[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

/**
 * A token bucket sized so that no window of `windowMs` ever sees more than `limit` takes: a bucket of
 * capacity b refilling at r per ms admits at most b + r * windowMs in any window, so b + r * windowMs = limit.
 * The limit is split between burst (b = burstShare of it) and sustained rate (the rest, per window).
 * `headroom` (0..1) keeps a share of the limit unused, for clock skew between us and the service.
 */
class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(limit: RateLimit, headroom: number, burstShare: number, now: number) {
    const allowed = Math.max(1, Math.floor(limit.limit * (1 - headroom)));
    this.capacity = Math.max(1, Math.min(Math.floor(allowed * burstShare), allowed - 1));
    this.perMs = Math.max(0, allowed - this.capacity) / limit.windowMs;
    this.tokens = this.capacity;
    this.last = now;
  }

  /** Milliseconds until a token is there (0 = now). */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    // With no refill (allowed <= 1) a token comes back once a whole window has passed.
    return this.perMs > 0 ? Math.ceil((1 - this.tokens) / this.perMs) : Number.POSITIVE_INFINITY;
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
  }
}

export interface RateLimiterOptions {
  clock?: Clock;
  global?: RateLimit[];
  perConversation?: RateLimit[];
  /** Share of each limit kept unused; default 0.1 (45/s of Teams' 50/s). */
  headroom?: number;
  /**
   * Share of each global limit allowed as a burst; default 0.05 (2 of 45/s), so bulk sends go out
   * evenly at about 43/s, the steadiest way to stay under a one-second window.
   */
  globalBurstShare?: number;
  /**
   * Share of each per-conversation limit allowed as a burst; default 0.5, so a card update right
   * after a send is not held back by the hourly window (1800/h would otherwise pace it to one per 2 s).
   */
  conversationBurstShare?: number;
}

/** Paces sends to Teams: every send waits until the global buckets and its conversation's buckets all have a token. */
export class RateLimiter {
  private readonly clock: Clock;
  private readonly conversationLimits: RateLimit[];
  private readonly headroom: number;
  private readonly conversationBurstShare: number;
  private readonly global: TokenBucket[];
  private readonly conversations = new Map<string, TokenBucket[]>();

  constructor(options: RateLimiterOptions = {}) {
    const {
      clock = systemClock,
      global = TEAMS_GLOBAL_LIMITS,
      perConversation = TEAMS_CONVERSATION_LIMITS,
      headroom = 0.1,
      globalBurstShare = 0.05,
      conversationBurstShare = 0.5,
    } = options;
    if (!(headroom >= 0 && headroom < 1)) throw new Error(`headroom must be in [0, 1), got ${headroom}`);
    for (const share of [globalBurstShare, conversationBurstShare]) {
      if (!(share >= 0 && share <= 1)) throw new Error(`burst shares must be in [0, 1], got ${share}`);
    }
    this.clock = clock;
    this.conversationLimits = perConversation;
    this.headroom = headroom;
    this.conversationBurstShare = conversationBurstShare;
    this.global = this.buckets(global, globalBurstShare);
  }

  /** Waits until a send to `conversationId` is allowed, takes its tokens, and returns how long it waited (ms). */
  async acquire(conversationId: string): Promise<number> {
    const started = this.clock.now();
    const own = this.conversationBuckets(conversationId);
    // Loop: while we slept, another send may have taken the token we were waiting for.
    for (;;) {
      const now = this.clock.now();
      const wait = Math.max(0, ...this.global.map((b) => b.waitMs(now)), ...own.map((b) => b.waitMs(now)));
      if (wait === 0) {
        for (const b of this.global) b.take(now);
        for (const b of own) b.take(now);
        return now - started;
      }
      await this.clock.sleep(wait);
    }
  }

  /** Conversations with buckets in memory (one per rep reached in this run). */
  get conversationCount(): number {
    return this.conversations.size;
  }

  private conversationBuckets(conversationId: string): TokenBucket[] {
    let buckets = this.conversations.get(conversationId);
    if (!buckets) {
      buckets = this.buckets(this.conversationLimits, this.conversationBurstShare);
      this.conversations.set(conversationId, buckets);
    }
    return buckets;
  }

  private buckets(limits: RateLimit[], burstShare: number): TokenBucket[] {
    const now = this.clock.now();
    return limits.map((l) => new TokenBucket(l, this.headroom, burstShare, now));
  }
}
