import { describe, expect, it } from 'vitest';
import { buildWeeklyCard, readCardSubmit } from '../../../cards';
import { findAll, type Node } from './cardWalk';
import { representativeWeek } from './weeklyCardFixtures';

const base = { customerId: 'cust-001', runKey: 'weekly-2026-W48', v: 1 };

describe('readCardSubmit', () => {
  it('reads the Undo of a row acted on by a rep with a very long name as the card sent it', () => {
    const week = representativeWeek();
    const acted = week.customers.find((c) => c.outcome);
    if (!acted?.outcome) throw new Error('fixture: a row acted on');
    acted.outcome.by = 'Ana '.repeat(250).trim();
    const undo = findAll(buildWeeklyCard(week), (n) => (n.data as Node | undefined)?.action === 'undo')[0];
    const { submit } = readCardSubmit(undo.data);
    expect(submit).toMatchObject({ action: 'undo', customerId: acted.customerId });
    expect(submit.action === 'undo' && submit.shown).toContain(acted.outcome.by);
  });

  it('reads an Undo whose `shown` no card could have carried as one without it', () => {
    const { submit } = readCardSubmit({ ...base, action: 'undo', shown: 'x'.repeat(5_000) });
    expect(submit).toEqual({ ...base, action: 'undo' });
  });

  it('reads a one-tap action with no inputs', () => {
    expect(readCardSubmit({ ...base, action: 'reached_out' })).toEqual({
      submit: { ...base, action: 'reached_out' },
      inputs: {},
    });
  });

  it("picks this row's value even when Teams merged every input of the card", () => {
    const value = {
      ...base,
      action: 'won_back',
      fields: { value: 'value_3' },
      value_0: '10',
      value_3: '1250',
      reason_3: 'price',
    };
    expect(readCardSubmit(value).inputs).toEqual({ value: '1250' });
  });

  it('picks reason and note of a Lost submit; a missing note is undefined', () => {
    const value = {
      ...base,
      action: 'lost',
      fields: { reason: 'reason_1', note: 'note_1' },
      reason_1: 'competitor',
    };
    expect(readCardSubmit(value).inputs).toEqual({ reason: 'competitor', note: undefined });
  });

  it('does not read inherited or __proto__ keys as inputs', () => {
    const forged = JSON.parse(
      '{"action":"won_back","customerId":"c","runKey":"weekly-2026-W48","v":1,"fields":{"value":"value_0"},"__proto__":{"value_0":"999"}}',
    );
    expect(readCardSubmit(forged).inputs.value).toBeUndefined();
  });

  it('rejects unknown actions, other versions, input ids outside the pattern and missing fields', () => {
    expect(() => readCardSubmit({ ...base, action: 'delete_all' })).toThrow();
    expect(() => readCardSubmit({ ...base, action: 'undo', v: 2 })).toThrow();
    expect(() => readCardSubmit({ ...base, action: 'won_back', fields: { value: 'constructor' } })).toThrow();
    expect(() => readCardSubmit({ ...base, action: 'lost' })).toThrow();
    expect(() => readCardSubmit('reached_out')).toThrow();
  });
});
