import { describe, expect, it } from 'vitest';
import { FEED_RECHECK_MS } from '../../../feed/keptFeed';
import { keptRules } from '../../../feed/keptRules';
import { RulesError } from '../../../rules';
import type { GoodRules } from '../../../storage';
import { MemoryLog } from '../../integration/bot/recordingPorts';

// The rules file as a running instance follows it: what happens when storage does not answer.

describe('the kept rules file', () => {
  const textOf = (rules: object) => JSON.stringify(rules);
  const world = (kept: GoodRules | null = null) => {
    const w = {
      now: Date.parse('2026-11-23T09:00:00Z'),
      version: 'etag-1' as string | Error,
      file: textOf({ capPerRep: 3 }) as string | Error,
      reads: 0,
      kept,
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
        return { source: 'rules.json', text: w.file };
      },
      source: 'rules.json',
      store: {
        goodRules: async () => w.kept,
        keepGoodRules: async (rules) => {
          w.kept = rules;
        },
      },
      clock: () => new Date(w.now),
      log: w.log,
    }).then((k) => k.get);
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
    w.file = textOf({ capPerRep: 5 });
    w.now += FEED_RECHECK_MS;
    expect((await get()).capPerRep).toBe(5);
    expect(w.log.lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });

  it('requests arriving together at a check share one read', async () => {
    const { w, rules } = world();
    const get = await rules;
    w.version = 'etag-2';
    w.file = textOf({ capPerRep: 7 });
    w.now += FEED_RECHECK_MS;
    const all = await Promise.all([get(), get(), get()]);
    expect(all.map((r) => r.capPerRep)).toEqual([7, 7, 7]);
    expect(w.reads).toBe(2);
  });
});

// An admin saves the rules file with a mistake in it: what goes on, and what the runs are told.
describe('a rules file saved broken', () => {
  const source = 'rules.json';
  const instance = (file: { text: string; version: string }, kept: { current: GoodRules | null }) => {
    const log = new MemoryLog();
    let now = Date.parse('2026-11-23T09:00:00Z');
    const kept$ = keptRules({
      version: async () => file.version,
      read: async () => ({ source, text: file.text }),
      source,
      store: {
        goodRules: async () => kept.current,
        keepGoodRules: async (rules) => {
          kept.current = rules;
        },
      },
      clock: () => new Date(now),
      log,
    });
    return { kept$, log, wait: (ms: number) => (now += ms) };
  };

  it('is not taken: the last valid file goes on, the runs are told what is wrong, and the fix is taken', async () => {
    const file = { text: '{"capPerRep": 3}', version: 'v1' };
    const store = { current: null as GoodRules | null };
    const { kept$, log } = instance(file, store);
    const kept = await kept$;
    expect(store.current).toMatchObject({ source, text: file.text, at: '2026-11-23T09:00:00.000Z' });
    Object.assign(file, { text: '{"capPerRep": 3,\n "pauseDays": 14,}', version: 'v2' });
    const broken = await kept.now();
    expect(broken.rules?.capPerRep).toBe(3);
    expect(broken.broken).toMatchObject({
      source,
      problems: [expect.stringMatching(/rules\.json is not valid JSON: .*\(line 2, column 18\)/)],
      lastGood: { at: '2026-11-23T09:00:00.000Z' },
    });
    expect((await kept.get()).capPerRep).toBe(3);
    // Saved again unchanged (a new time on the file): the same mistake, not logged again.
    file.version = 'v2, saved again';
    expect((await kept.now()).broken?.version).toBe(broken.broken?.version);
    expect(log.lines.filter((l) => l.startsWith('error'))).toHaveLength(1);
    Object.assign(file, { text: '{"capPerRep": 0}', version: 'v3' });
    const refused = await kept.now();
    expect(refused.broken?.problems).toEqual([expect.stringMatching(/^capPerRep: /)]);
    // Each broken version has a version of its own (its content), which keys the admins' notice.
    expect(refused.broken?.version).not.toBe(broken.broken?.version);
    expect(log.lines.filter((l) => l.startsWith('error'))).toHaveLength(2);
    Object.assign(file, { text: '{"capPerRep": 4}', version: 'v4' });
    expect(await kept.now()).toEqual({ rules: expect.objectContaining({ capPerRep: 4 }), broken: null });
    expect(store.current?.text).toBe('{"capPerRep": 4}');
  });

  it('an instance started while the file is broken goes on with the valid file another instance kept', async () => {
    const store = { current: null as GoodRules | null };
    await (await instance({ text: '{"capPerRep": 6}', version: 'v1' }, store).kept$).now();
    const started = await instance({ text: '{"capPerRep": "six"}', version: 'v2' }, store).kept$;
    expect((await started.get()).capPerRep).toBe(6);
    expect((await started.now()).broken?.problems).toEqual([expect.stringMatching(/^capPerRep: /)]);
  });

  it('with no valid file ever read there are no rules: the runs are told so, and the bot gets the error', async () => {
    const kept = await instance({ text: '[]', version: 'v1' }, { current: null }).kept$;
    expect(await kept.now()).toMatchObject({ rules: null, broken: { source, lastGood: null } });
    await expect(kept.get()).rejects.toBeInstanceOf(RulesError);
  });
});
