import { describe, expect, it } from 'vitest';
import { keptRules } from '../../../feed/keptRules';
import { MemoryLog } from '../bot/recordingPorts';
import { openTestStorage } from './support';

// The last valid rules file is kept in the run ledger, which holds about half a megabyte of it: a
// file larger than that could be in force on one instance and gone on the next.
describe('a rules file too large to keep', () => {
  it('is refused as a rules problem: the valid file goes on, and an instance started later has it too', async () => {
    const storage = await openTestStorage('rulesTooLarge');
    const source = 'rules.json';
    const file = { text: '{"capPerRep": 3}', version: 'v1' };
    let now = Date.parse('2026-11-20T15:00:00Z');
    const instance = () =>
      keptRules({
        version: async () => file.version,
        read: async () => ({ source, text: file.text }),
        source,
        store: storage.runs,
        clock: () => new Date(now),
        log: new MemoryLog(),
      });
    const first = await instance();
    expect((await first.get()).capPerRep).toBe(3);

    // Another file saved under its name: valid JSON, but 600,000 characters of it.
    now = Date.parse('2026-11-23T10:00:00Z');
    Object.assign(file, { text: `{"capPerRep": 5${' '.repeat(600_000)}}`, version: 'v2' });
    const big = await first.now();
    expect(big.rules?.capPerRep).toBe(3);
    expect(big.broken?.problems).toEqual([
      'rules.json is 600,016 characters: a rules file is a few pages of JSON, and one over 479,984 characters is not read. Was another file saved under its name?',
    ]);
    expect(big.broken?.lastGood?.at).toBe('2026-11-20T15:00:00.000Z');

    // Then broken outright; an instance started now goes on with the file read valid on Friday.
    Object.assign(file, { text: '{"capPerRep": 6,}', version: 'v3' });
    const later = await instance();
    expect((await later.get()).capPerRep).toBe(3);
    expect((await later.now()).broken?.lastGood?.at).toBe('2026-11-20T15:00:00.000Z');
  });
});
