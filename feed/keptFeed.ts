import { FeedError } from './feedError';
import { feedOptionsFrom } from './feedOptions';
import type { FeedResult } from './readFeed';

/**
 * How often a kept feed asks whether the feed changed (a listing of the container or a stat of the
 * folder, not a download). Reading and scoring a 30,000-customer book takes seconds, and the export
 * changes about once a day or once a week: the read is kept until it does.
 */
export const FEED_RECHECK_MS = 2 * 60_000;

/** One read a kept feed may answer from what it keeps. */
export interface FeedReading {
  /** What the read depends on besides the feed's files (feedReadKey): another key is another read. */
  key: string;
  read: () => Promise<FeedResult>;
  /**
   * Ask whether the feed changed even when it was asked less than FEED_RECHECK_MS ago: a timer run
   * must score the export that is there when it runs (one uploaded a minute before 08:03), not the
   * one a tab read a minute earlier. The question is a listing or a stat; only a change downloads.
   */
  recheck?: boolean;
}

export interface KeptFeedDeps {
  /**
   * What the feed is now, found without reading it (the blobs' ETags, the files' sizes and times):
   * a read is kept until this changes. Without it a read is kept for FEED_RECHECK_MS.
   */
  version?: () => Promise<string>;
  clock: () => Date;
}

/** The feed read once and kept while it stays the same: what the tabs and the follow-up ticks read. */
export interface KeptFeed {
  /**
   * The feed as `reading` reads it: the kept result while the feed's version and the key are the
   * same (asked at most every FEED_RECHECK_MS), else a new read. The result is shared by every
   * caller: none may change it.
   */
  read(reading: FeedReading): Promise<FeedResult>;
  /**
   * `read`, or when it joins a timer run's read (`recheck`: the weekly run reading Monday's export)
   * that does not come within READ_PROMPT_MS, the last read that completed, with `newerUnderWay`
   * set: for pages a person waits on, which answer from the feed as last read rather than wait for
   * a run's read that takes minutes on a large book. A read of its own (a new day, a new export seen
   * by the page) is waited for, as is any read before the first one completed, and the run's read
   * when the last one was of a book too large to hold beside it (LAST_READ_KEPT_MAX_CUSTOMERS).
   */
  readOrLast(reading: FeedReading): Promise<{ result: FeedResult; newerUnderWay: boolean }>;
}

/**
 * How long readOrLast waits for the read asked before answering from the last one: a kept read or a
 * version check (a listing of the container) comes within it, a download of the feed does not.
 */
const READ_PROMPT_MS = 500;

/**
 * The largest book whose last read is held for readOrLast once a newer read has started. A larger
 * one is held only as long as nothing else keeps it: at a million customers a read and the tabs'
 * scoring of it come near a gigabyte, which the weekly run reading the next export on the same
 * instance does not have to spare (docs/scale.md: about 200 MB), so the pages then wait for the
 * run's read.
 */
export const LAST_READ_KEPT_MAX_CUSTOMERS = 300_000;

/**
 * What a read of the feed depends on besides its files: the as-of day and what the rules file says
 * about reading it (columns, formats, owner names), as feedOptionsFrom takes them. The team's
 * settings it also takes (TIME_ZONE, CURRENCY) are the process's own, the same for every read of
 * one kept feed: the timer runs and the tabs share a read.
 */
export function feedReadKey(rules: Parameters<typeof feedOptionsFrom>[0], asOf: string): string {
  return JSON.stringify(feedOptionsFrom(rules, asOf));
}

interface Kept {
  key: string;
  /** The feed's version before it was read (null: not known, read again at the next check). */
  version: string | null;
  /** When the version was last compared with the feed's (the clock's milliseconds). */
  checkedAt: number;
  result: Promise<FeedResult>;
}

/** A KeptFeed over the feed's version check. */
export function keptFeed(deps: KeptFeedDeps): KeptFeed {
  let kept: Kept | null = null;
  /** The last read that completed, whatever its key: weakly held for a large book. */
  let lastDone: FeedResult | WeakRef<FeedResult> | null = null;
  /** The read a timer run (a `recheck` reading) started, while it is under way. */
  let runReading: Promise<FeedResult> | null = null;
  /** One check at a time per key: a page's requests arriving together share it. */
  const checking = new Map<string, Promise<Kept>>();

  const read = (reading: FeedReading, version: string | null, now: number): Kept => {
    const entry: Kept = { key: reading.key, version, checkedAt: now, result: reading.read() };
    if (reading.recheck) runReading = entry.result;
    const settled = () => {
      if (runReading === entry.result) runReading = null;
    };
    entry.result.then((result) => {
      lastDone = result.book.customers.length <= LAST_READ_KEPT_MAX_CUSTOMERS ? result : new WeakRef(result);
      settled();
    }, settled);
    entry.result.catch((error: unknown) => {
      // The same files read the same way fail the same way: a FeedError of a known version is kept
      // (a run the feed stopped does not download it again each tick). Anything else (storage
      // unreachable for a moment) is read again next time.
      if (kept === entry && !(error instanceof FeedError && version !== null)) kept = null;
    });
    kept = entry;
    return entry;
  };

  const check = async (reading: FeedReading, now: number): Promise<Kept> => {
    let version: string | null;
    try {
      version = deps.version ? await deps.version() : null;
    } catch {
      // Not known (storage unreachable for a moment, the feed gone): the read says what is wrong.
      return read(reading, null, now);
    }
    if (kept && kept.key === reading.key && version !== null && version === kept.version) {
      kept.checkedAt = now;
      return kept;
    }
    return read(reading, version, now);
  };

  const feed: KeptFeed = {
    async read(reading) {
      const now = deps.clock().getTime();
      if (kept && kept.key === reading.key && !reading.recheck) {
        const since = now - kept.checkedAt;
        // A clock moved back (the local stack's) asks again as well.
        if (since >= 0 && since < FEED_RECHECK_MS) return kept.result;
      }
      let pending = checking.get(reading.key);
      if (!pending) {
        pending = check(reading, now).finally(() => checking.delete(reading.key));
        checking.set(reading.key, pending);
      }
      return (await pending).result;
    },
    async readOrLast(reading) {
      const last = lastDone instanceof WeakRef ? (lastDone.deref() ?? null) : lastDone;
      const asked = feed.read(reading);
      if (last === null) return { result: await asked, newerUnderWay: false };
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), READ_PROMPT_MS);
      });
      try {
        const result = await Promise.race([asked, late]);
        if (result !== null) return { result, newerUnderWay: false };
      } finally {
        clearTimeout(timer);
      }
      // Only a run's read is not waited for; it goes on, its failure for the run to tell.
      if (runReading === null || kept?.result !== runReading)
        return { result: await asked, newerUnderWay: false };
      asked.catch(() => undefined);
      return { result: last, newerUnderWay: true };
    },
  };
  return feed;
}
