import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../../feed/csvRecords';

describe('readCsvRecords over many 1 MB chunks', () => {
  let dir: string;
  const expected: { line: number; fields: string[] }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csv-records-'));
    // ~4 MB: quoted newlines, quoted commas, escaped quotes, blank lines and multi-byte characters
    // land on chunk boundaries somewhere.
    const parts = ['\ufeffid,name,note\r\n'];
    expected.push({ line: 1, fields: ['id', 'name', 'note'] });
    let line = 2;
    for (let i = 0; i < 60_000; i++) {
      if (i % 11 === 0) {
        parts.push('\r\n');
        line++;
      }
      const multi = i % 7 === 0;
      const name = multi ? `Café ${i}\r\nsecond line, with comma` : `Café "${i}"`;
      parts.push(`${i},"${name.replaceAll('"', '""')}",ü€${'x'.repeat(i % 40)}\r\n`);
      expected.push({ line, fields: [String(i), name, `ü€${'x'.repeat(i % 40)}`] });
      line += multi ? 2 : 1;
    }
    await writeFile(join(dir, 'big.csv'), parts.join(''));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives every record with the physical line it starts on', async () => {
    const got: { line: number; fields: string[] }[] = [];
    let broken = 0;
    await readCsvRecords(join(dir, 'big.csv'), (fields, line, brokenQuotes) => {
      if (brokenQuotes !== undefined) broken++;
      got.push({ line, fields });
    });
    expect(broken).toBe(0);
    expect(got.length).toBe(expected.length);
    const firstMismatch = got.findIndex((g, i) => JSON.stringify(g) !== JSON.stringify(expected[i]));
    expect(firstMismatch).toBe(-1);
  });

  it('stops with the error thrown by the handler', async () => {
    const stop = readCsvRecords(join(dir, 'big.csv'), (_fields, line) => {
      if (line === 5) throw new Error('stop here');
    });
    await expect(stop).rejects.toThrow('stop here');
  });
});

describe('readCsvRecords: small cases', () => {
  it('strips a BOM before a quoted header', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csv-bom-'));
    try {
      await writeFile(join(dir, 'q.csv'), '\ufeff"id","name"\r\n"1","a"\r\n');
      const got: string[][] = [];
      await readCsvRecords(join(dir, 'q.csv'), (fields) => got.push(fields));
      expect(got).toEqual([
        ['id', 'name'],
        ['1', 'a'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
