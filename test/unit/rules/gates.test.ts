import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../rules/book';
import { classifyGates, type GateInput } from '../../../rules/gates';
import { defaultRules, parseRules } from '../../../rules/rulesSchema';

const rules = parseRules({ pauseDays: 14, coolDownDays: 60, valueFloor: 100 });
const today = dayOf('2024-06-03');
const atRisk: GateInput = { band: 'at_risk', monthlyValue: 500, daysSinceLastOrder: 40 };
type GateState = NonNullable<GateInput['state']>;
const state = (over: Partial<GateState>): GateState => ({
  status: 'active',
  lostAt: null,
  lastContact: null,
  wonBackAt: null,
  ...over,
});

describe('classifyGates', () => {
  it('surfaces an at-risk, active, valuable customer with no recent contact', () => {
    expect(classifyGates(atRisk, rules, today)).toEqual({ surfaced: true });
    expect(classifyGates({ ...atRisk, state: state({}) }, rules, today)).toEqual({ surfaced: true });
  });

  it('stops customers who are not at risk', () => {
    expect(classifyGates({ ...atRisk, band: 'watch' }, rules, today)).toEqual({
      surfaced: false,
      gate: 'not_at_risk',
    });
    expect(classifyGates({ ...atRisk, band: 'steady' }, rules, today)).toEqual({
      surfaced: false,
      gate: 'not_at_risk',
    });
  });

  it('stops lost customers', () => {
    expect(classifyGates({ ...atRisk, state: state({ status: 'lost' }) }, rules, today)).toEqual({
      surfaced: false,
      gate: 'lost',
    });
  });

  it('pauses for pauseDays after the last contact, inclusive of the contact day', () => {
    const contacted = (date: string) =>
      classifyGates({ ...atRisk, state: state({ lastContact: date }) }, rules, today);
    expect(contacted('2024-06-03')).toEqual({ surfaced: false, gate: 'paused' });
    expect(contacted('2024-05-21')).toEqual({ surfaced: false, gate: 'paused' }); // 13 days ago
    expect(contacted('2024-05-20')).toEqual({ surfaced: true }); // 14 days ago
  });

  it('cools down for coolDownDays after a win-back', () => {
    const wonBack = (date: string) =>
      classifyGates({ ...atRisk, state: state({ wonBackAt: date }) }, rules, today);
    expect(wonBack('2024-04-05')).toEqual({ surfaced: false, gate: 'cooling_down' }); // 59 days ago
    expect(wonBack('2024-04-04')).toEqual({ surfaced: true }); // 60 days ago
  });

  it('as of a day, a tap dated after it had not happened yet: last week replayed keeps who a rep acted on since', () => {
    const lastMonday = dayOf('2024-05-27');
    const tapped = (over: Partial<GateState>) =>
      classifyGates({ ...atRisk, state: state(over) }, rules, lastMonday);
    expect(tapped({ lastContact: '2024-05-28' })).toEqual({ surfaced: true });
    expect(tapped({ wonBackAt: '2024-05-29' })).toEqual({ surfaced: true });
    expect(tapped({ status: 'lost', lostAt: '2024-05-28' })).toEqual({ surfaced: true });
    // The same taps as of a day after them gate as always.
    const now = (over: Partial<GateState>) => classifyGates({ ...atRisk, state: state(over) }, rules, today);
    expect(now({ lastContact: '2024-05-28' })).toEqual({ surfaced: false, gate: 'paused' });
    expect(now({ wonBackAt: '2024-05-29' })).toEqual({ surfaced: false, gate: 'cooling_down' });
    expect(now({ status: 'lost', lostAt: '2024-05-28' })).toEqual({ surfaced: false, gate: 'lost' });
  });

  it('stops customers at or below the value floor', () => {
    expect(classifyGates({ ...atRisk, monthlyValue: 100 }, rules, today)).toEqual({
      surfaced: false,
      gate: 'below_floor',
    });
    expect(classifyGates({ ...atRisk, monthlyValue: 100.01 }, rules, today)).toEqual({ surfaced: true });
    expect(classifyGates({ ...atRisk, monthlyValue: 0 }, defaultRules(), today)).toEqual({
      surfaced: false,
      gate: 'below_floor',
    });
  });

  it('stops a customer with no order in the value window (a year by default), however much they are worth', () => {
    const silent = (days: number | null) =>
      classifyGates({ ...atRisk, monthlyValue: 2400, daysSinceLastOrder: days }, defaultRules(), today);
    expect(silent(364)).toEqual({ surfaced: true });
    expect(silent(365)).toEqual({ surfaced: false, gate: 'silent_past_value_window' });
    expect(silent(900)).toEqual({ surfaced: false, gate: 'silent_past_value_window' });
    expect(silent(null)).toEqual({ surfaced: true });
    // Said as the silence, not as a value at the floor, where both hold.
    expect(
      classifyGates({ ...atRisk, monthlyValue: 0, daysSinceLastOrder: 400 }, defaultRules(), today),
    ).toEqual({ surfaced: false, gate: 'silent_past_value_window' });
  });

  it('checks the gates in order: band, lost, paused, cooling down, silence, floor', () => {
    const everything = state({ status: 'lost', lastContact: '2024-06-01', wonBackAt: '2024-06-01' });
    expect(
      classifyGates(
        { band: 'watch', monthlyValue: 0, daysSinceLastOrder: 400, state: everything },
        rules,
        today,
      ),
    ).toMatchObject({
      gate: 'not_at_risk',
    });
    expect(
      classifyGates(
        { band: 'at_risk', monthlyValue: 0, daysSinceLastOrder: 400, state: everything },
        rules,
        today,
      ),
    ).toMatchObject({
      gate: 'lost',
    });
    const active: GateState = { ...everything, status: 'active' };
    expect(
      classifyGates(
        { band: 'at_risk', monthlyValue: 0, daysSinceLastOrder: 400, state: active },
        rules,
        today,
      ),
    ).toMatchObject({
      gate: 'paused',
    });
    const notContacted: GateState = { ...active, lastContact: null };
    expect(
      classifyGates(
        { band: 'at_risk', monthlyValue: 0, daysSinceLastOrder: 400, state: notContacted },
        rules,
        today,
      ),
    ).toMatchObject({
      gate: 'cooling_down',
    });
    const notWonBack: GateState = { ...notContacted, wonBackAt: null };
    expect(
      classifyGates(
        { band: 'at_risk', monthlyValue: 0, daysSinceLastOrder: 400, state: notWonBack },
        rules,
        today,
      ),
    ).toMatchObject({ gate: 'silent_past_value_window' });
  });
});
