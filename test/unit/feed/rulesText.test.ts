import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRulesText, readRulesFile } from '../../../feed/readRulesFile';
import { RulesError } from '../../../rules/rulesSchema';

// A rules file as users write it: in Notepad, by hand, with the mistakes hands make.

const errorOf = (text: string): string => {
  try {
    parseRulesText(text, 'rules.json');
  } catch (e) {
    expect(e).toBeInstanceOf(RulesError);
    return (e as Error).message;
  }
  return expect.unreachable('no error');
};

describe('a rules file as users write it', () => {
  it('reads a file saved with a UTF-8 byte-order mark (Notepad, Excel)', () => {
    const rules = parseRulesText('\uFEFF{ "columns": { "orders": { "amount": "Total" } } }', 'rules.json');
    expect(rules.columns.orders?.amount).toBe('Total');
  });

  it('reads a file Notepad saved as ANSI (Windows-1252) or Unicode (UTF-16): a German header keeps its umlaut', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rules-encoding-'));
    try {
      const json =
        '{ "columns": { "tickets": { "opened_at": "Eröffnet am", "ticket_id": "Reklamationsnr." } } }';
      // "ö" is the one byte 0xF6 in Windows-1252, which is not UTF-8.
      const ansi = Buffer.from(json, 'latin1');
      const unicode = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
      for (const [name, bytes] of [
        ['ansi.json', ansi],
        ['unicode.json', unicode],
      ] as const) {
        await writeFile(join(dir, name), bytes);
        const rules = await readRulesFile(join(dir, name));
        expect(rules.columns.tickets?.opened_at).toBe('Eröffnet am');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says on which line and column the JSON breaks', () => {
    expect(
      errorOf('{\n  "columns": {\n    "orders": { "order_id": "Name" "amount": "Total" }\n  }\n}\n'),
    ).toMatch(/^Invalid rules file:\n {2}rules\.json is not valid JSON: .*\(line 3, column 36\)$/);
  });

  it('a comma left before a closing bracket is named, with its line and column, and the file is not quoted back', () => {
    // Node's own message for a stray comma in a list gives no position and quotes the text instead.
    const text = '{\n  "lossReasons": [\n    { "code": "price", "label": "Price" },\n  ]\n}\n';
    expect(errorOf(text)).toBe(
      "Invalid rules file:\n  rules.json is not valid JSON: Unexpected token ']' (line 4, column 3): " +
        'a comma before a closing ] is not allowed in JSON; remove the one at line 3, column 42',
    );
    expect(errorOf('{ "capPerRep": tru }')).toMatch(/ \(line 1, column 19\)$/);
  });

  it('names the file, and a misspelt mapping key is told the keys it could be', () => {
    expect(errorOf('{ "columns": { "customers": { "customerid": "Email" } } }')).toBe(
      'Invalid rules file rules.json:\n' +
        '  columns.customers: Unrecognized key: "customerid" (the keys are the feed\'s column names: customer_id, name, owner, monthly_value, email; the values are your headers)',
    );
    expect(errorOf('{ "columns": { "order": { "amount": "Total" } } }')).toBe(
      'Invalid rules file rules.json:\n  columns: Unrecognized key: "order" (the files are customers, orders and tickets)',
    );
  });
});
