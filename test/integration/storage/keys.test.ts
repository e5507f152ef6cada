import { describe, expect, it } from 'vitest';
import { localMonth } from '../../../rules/calendar';
import { decodeKey, encodeKey, idKey } from '../../../storage';
import { newestFirstKey } from '../../../storage/keys';
import { fullState, openTestStorage } from './support';

// The Table service's rules for PartitionKey/RowKey (its data model page): strings up to 1 KiB,
// with none of / \ # ? and no control characters. Stated here, not taken from the product.
const SERVICE_KEY_BYTES = 1024;

function isValidKey(key: string): boolean {
  return [...key].every((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return !'/\\#?'.includes(ch) && code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

describe('key encoding (pure; runs with the storage suite)', () => {
  const samples = [
    'A/B#1',
    'back\\slash',
    'what?',
    '100%',
    "o'brien",
    'tab\there\nnewline\u0000nul\u007fdel\u0085nel',
    'ünïcødé 客户 🙂',
    '~already~escaped~41',
    '',
    'lone \ud800 surrogate',
  ];

  it.each(samples)('round-trips %j and yields a valid key', (id) => {
    const key = encodeKey(id);
    expect(isValidKey(key)).toBe(true);
    expect(key).not.toMatch(/[%']/);
    expect(decodeKey(key)).toBe(id);
    expect(() => encodeURIComponent(key)).not.toThrow(); // no lone surrogate reaches the wire
  });

  it('leaves safe ids unchanged, so they keep their order', () => {
    expect(encodeKey('c00042')).toBe('c00042');
    expect(encodeKey('2026-11-23T08:03:00.123Z')).toBe('2026-11-23T08:03:00.123Z');
    expect(encodeKey('A/B#1')).toBe('A~2FB~231');
  });

  it('is injective on tricky neighbours', () => {
    const ids = ['a/b', 'a~2Fb', 'a~b', 'a~7Eb', '~', ''];
    expect(new Set(ids.map(encodeKey)).size).toBe(ids.length);
  });

  it('rejects keys it could not have produced', () => {
    expect(() => decodeKey('a~zz')).toThrow(/Malformed/);
    expect(() => decodeKey('a~2')).toThrow(/Malformed/);
  });

  it('hashes ids too long for a key, deterministically and distinctly', () => {
    const long = '/'.repeat(2000);
    const key = idKey(long);
    expect(Buffer.byteLength(key, 'utf8')).toBeLessThanOrEqual(SERVICE_KEY_BYTES);
    // Ids just past the limit that need no escaping, in one-byte and in two-byte characters.
    for (const id of ['a'.repeat(1_100), '\u00e9'.repeat(600)]) {
      expect(Buffer.byteLength(idKey(id), 'utf8'), id.slice(0, 3)).toBeLessThanOrEqual(SERVICE_KEY_BYTES);
    }
    expect(isValidKey(key)).toBe(true);
    expect(idKey(long)).toBe(key);
    expect(idKey(`${long}x`)).not.toBe(key);
    expect(idKey('short')).toBe('short');
  });

  it("names the month in the team's zone", () => {
    expect(localMonth('2026-12-01T03:00:00Z')).toBe('2026-12');
    expect(localMonth('2026-12-01T03:00:00Z', 'America/Chicago')).toBe('2026-11');
    expect(localMonth('2026-10-31T23:30:00Z', 'Europe/London')).toBe('2026-10');
    expect(() => localMonth('soon')).toThrow(/Not a timestamp/);
  });

  it('newest-first keys sort in reverse time order', () => {
    const times = ['2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.001Z', '2027-01-01T00:00:00.000Z'];
    const keys = times.map(newestFirstKey);
    expect([...keys].sort()).toEqual([...keys].reverse());
    expect(keys.every((k) => k.length === 16)).toBe(true);
  });
});

describe('forbidden-character ids round-trip through Azurite', () => {
  it('every sample id is a working RowKey and PartitionKey', async () => {
    const storage = await openTestStorage('keysAz');
    const ids = ['A/B#1', 'x\\y?z', '100%', "o'brien", 'nul\u0000ctl\u001f', '客户🙂', '~7E'];
    await storage.state.writeChanged(
      new Map(),
      ids.map((id) => fullState(id)),
    );
    for (const id of ids) {
      expect((await storage.state.get(id))?.state.customerId).toBe(id);
      // As a PartitionKey too (audit rows are partitioned by customer).
      await storage.audit.record({
        id: `tap|${id}`,
        action: 'lost',
        customerId: id,
        customerName: 'n',
        owner: 'o',
        actorId: 'a',
        actorName: 'A',
        at: '2026-11-23T08:03:00.000Z',
      });
      expect((await storage.audit.latestForCustomer(id)).map((r) => r.customerId)).toEqual([id]);
    }
  });
});
