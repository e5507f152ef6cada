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
