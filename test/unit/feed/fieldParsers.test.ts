import { describe, expect, it } from 'vitest';
import {
  daysFromCivil,
  parseAmount,
  parseIsoDay,
  parseOwner,
  parseSentiment,
  parseTicketOpen,
} from '../../../feed/fieldParsers';
import { dayOf } from '../../../rules/book';

describe('parseIsoDay', () => {
  it.each([
    ['2026-11-20', '2026-11-20'],
    ['2024-02-29', '2024-02-29'],
    ['2026-11-20T08:03', '2026-11-20'],
    ['2026-11-20T23:59:59.999Z', '2026-11-20'],
    ['2026-11-20 23:59:59', '2026-11-20'],
    ['2026-11-20T23:30:00-05:00', '2026-11-20'],
    ['2026-11-20T00:30:00+0100', '2026-11-20'],
  ])('%s is the calendar date %s as written', (text, date) => {
    expect(parseIsoDay(text)).toBe(dayOf(date));
  });

  it.each([
    '31/12/2025',
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-1-5',
    '20261120',
    '2026-11-20T25:00',
    '0201-05-03',
    ' 2026-11-20',
    'yesterday',
  ])('rejects %s', (text) => {
    expect(parseIsoDay(text)).toEqual({ problem: 'not a date' });
  });

  it('agrees with Date.UTC over four centuries of days', () => {
    for (let day = dayOf('1900-01-01'); day <= dayOf('2199-12-31'); day += 17) {
      const d = new Date(day * 86_400_000);
      expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(day);
    }
  });
});

describe('parseAmount', () => {
  it.each([
    ['12.50', 12.5],
    ['0', 0],
    ['-0', 0],
    ['1e3', 1000],
    ['.5', 0.5],
    ['+7', 7],
  ])('%s is %d', (text, value) => {
    expect(parseAmount(text)).toBe(value);
  });

  it.each(['12,50', '$12.50', '1,234.00', 'NaN', 'Infinity', '1e999', 'twelve', '12.5.0'])(
    '%s is not a number',
    (text) => {
      expect(parseAmount(text)).toEqual({ problem: 'not a number' });
    },
  );

  it('rejects a negative amount', () => {
    expect(parseAmount('-3')).toEqual({ problem: 'negative' });
  });
});

describe('owner, sentiment, status', () => {
  it('lower-cases an email or UPN and rejects anything else', () => {
    expect(parseOwner('Ana.Ruiz@Contoso.Example')).toBe('ana.ruiz@contoso.example');
    expect(parseOwner('ana ruiz@contoso.example')).toEqual({ problem: 'not an email or UPN' });
    expect(parseOwner('ana.ruiz')).toEqual({ problem: 'not an email or UPN' });
  });

  it('maps sentiment and status case-insensitively', () => {
    expect([parseSentiment('NEGATIVE'), parseSentiment('Neutral'), parseSentiment('positive')]).toEqual([
      -1, 0, 1,
    ]);
    expect(parseSentiment('sour')).toEqual({ problem: 'not negative, neutral or positive' });
    expect([parseTicketOpen('Open'), parseTicketOpen('CLOSED')]).toEqual([1, 0]);
    expect(parseTicketOpen('pending')).toEqual({ problem: 'not open or closed' });
  });
});
