import { describe, expect, it } from 'vitest';
import { FEED_RECHECK_MS } from '../../../feed/keptFeed';
import { keptRules } from '../../../feed/keptRules';
import { parseRules, type Rules } from '../../../rules';
import { MemoryLog } from '../../integration/bot/recordingPorts';

// The rules file as a running instance follows it: what happens when storage does not answer.

describe('the kept rules file', () => {
  const world = () => {
    const w = {
      now: Date.parse('2026-11-23T09:00:00Z'),
      version: 'etag-1' as string | Error,
      file: parseRules({ capPerRep: 3 }) as Rules | Error,
      reads: 0,
      log: new MemoryLog(),
    };
    const rules = keptRules({
      version: async () => {
        if (w.version instanceof Error) throw w.version;
        return w.version;
      },
      read: async () => {
        w.reads++;
        if (w.file instanceof Error) throw w.file;
        return w.file;
      },
      clock: () => new Date(w.now),
      log: w.log,
    });
    return { w, rules };
  };

  it('storage that does not answer keeps the rules, and a change is read once it answers again', async () => {
    const { w, rules } = world();
    const get = await rules;
    w.version = new Error('ECONNRESET');
    w.now += FEED_RECHECK_MS;
    expect((await get()).capPerRep).toBe(3);
    // The file changed meanwhile, and its read fails once: tried again at the next check, not
    // kept until the file changes again.
    w.version = 'etag-2';
    w.file = new Error('socket hang up');
    w.now += FEED_RECHECK_MS;
    expect((await get()).capPerRep).toBe(3);
    w.file = parseRules({ capPerRep: 5 });
    w.now += FEED_RECHECK_MS;
    expect((await get()).capPerRep).toBe(5);
    expect(w.log.lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });

  it('requests arriving together at a check share one read', async () => {
    const { w, rules } = world();
    const get = await rules;
    w.version = 'etag-2';
    w.file = parseRules({ capPerRep: 7 });
    w.now += FEED_RECHECK_MS;
    const all = await Promise.all([get(), get(), get()]);
    expect(all.map((r) => r.capPerRep)).toEqual([7, 7, 7]);
    expect(w.reads).toBe(2);
  });
});
