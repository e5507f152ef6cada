import { describe, expect, it } from 'vitest';
import {
  type ListedWeek,
  listedOnCardOf,
  parseListedWeeks,
  UnreadableListedWeeks,
} from '../../../rules/listedWeeks';

const week = (run: string, owner: string, heldOut = false): ListedWeek => ({
  run,
  day: '2026-11-23',
  owner,
  kind: 'slipping',
  chance: 60,
  rank: heldOut ? null : 1,
  page: heldOut ? null : 1,
  heldOut,
});

describe('listedOnCardOf', () => {
  it("names the rep whose card that run listed the customer on, not another week's", () => {
    const weeks = [week('weekly-2026-W47', 'ben@demo.example'), week('weekly-2026-W48', 'ana@demo.example')];
    expect(listedOnCardOf(weeks, 'weekly-2026-W48')).toBe('ana@demo.example');
    expect(listedOnCardOf(weeks, 'weekly-2026-W47')).toBe('ben@demo.example');
  });

  it('names nobody for a run that did not list them, or drew them for the holdout', () => {
    expect(listedOnCardOf([week('weekly-2026-W47', 'ana@demo.example')], 'weekly-2026-W48')).toBeNull();
    expect(listedOnCardOf([week('weekly-2026-W48', 'ana@demo.example', true)], 'weekly-2026-W48')).toBeNull();
  });
});

describe('parseListedWeeks', () => {
  it('a row that is not JSON, or not the schema, is an UnreadableListedWeeks saying which', () => {
    expect(() => parseListedWeeks('{not json')).toThrow(
      new UnreadableListedWeeks('listed weeks are not JSON'),
    );
    const notTheSchema = () => parseListedWeeks(JSON.stringify([{ run: 'W47' }]));
    expect(notTheSchema).toThrow(UnreadableListedWeeks);
    expect(notTheSchema).toThrow(/^listed weeks are not the schema: .*run/s);
  });
});

describe('parseListedWeeks on a long row not the schema', () => {
  const unreadable = (json: string): string => {
    try {
      parseListedWeeks(json);
    } catch (error) {
      if (error instanceof UnreadableListedWeeks) return error.message;
    }
    throw new Error('expected UnreadableListedWeeks');
  };

  it('names the first thing wrong and how many more, on one line: the message goes into log lines', () => {
    // A later version's year of weeks, each with a field this one does not know.
    const later = Array.from({ length: 52 }, () => ({
      ...week('weekly-2026-W47', 'ana@demo.example'),
      region: 'north',
    }));
    expect(unreadable(JSON.stringify(later))).toBe(
      'listed weeks are not the schema: Unrecognized key: "region" at [0] (and 51 more)',
    );
  });

  it('keeps a hand-pasted key or value from making the message long', () => {
    const message = unreadable(JSON.stringify([{ ['k'.repeat(5000)]: 1 }]));
    expect(message).toMatch(/^listed weeks are not the schema: /);
    expect(message.length).toBeLessThanOrEqual(200);
    expect(message).not.toContain('\n');
  });
});
