import { describe, expect, it } from 'vitest';
import {
  actionKey,
  latestOpenAction,
  nextGeneration,
  openCardAction,
  undoKey,
} from '../../../bot/taps/auditHistory';
import { authoriseOnCustomer, checkTenant } from '../../../bot/taps/authorise';
import { outcomeOfRow, withOutcome } from '../../../bot/taps/cardOutcome';
import { helpFor } from '../../../bot/taps/replies';
import { parseCardSubmit as parseSubmit } from '../../../cards/cardSubmit';
import { localDate, localMonth, shiftMonth } from '../../../rules/calendar';
import { CHUNK_BYTES, decodeCard, encodeCard, type SentCard } from '../../../storage/cardStore';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { row } from './fixtures';

describe('idempotency keys and history', () => {
  it('builds keys from card message, customer, action and generation; bounded to 400 characters', () => {
    expect(actionKey('msg-1', 'cust-1', 'lost', 2)).toBe('msg-1|cust-1|lost|2');
    expect(undoKey('msg-1|cust-1|lost|2')).toBe('undo|msg-1|cust-1|lost|2');
    const long = actionKey('m', 'c'.repeat(400), 'won_back', 1);
    expect(long).toMatch(/^h\|[0-9a-f]{64}$/);
    expect(actionKey('m', 'c'.repeat(400), 'won_back', 1)).toBe(long);
    expect(actionKey('m', 'c'.repeat(400), 'won_back', 2)).not.toBe(long);
  });

  it('counts a card’s actions on a customer so a tap after an undo gets a fresh key', () => {
    const history = [
      row({ id: 'undo|a1', action: 'undo', undoes: 'a1' }),
      row({ id: 'a1', action: 'reached_out' }),
      row({ id: 'other', action: 'lost', cardMessageId: 'msg-9' }),
      row({ id: 's', action: 'surfaced', cardMessageId: 'msg-1' }),
    ];
    expect(nextGeneration(history, 'msg-1')).toBe(2);
    expect(nextGeneration([], 'msg-1')).toBe(1);
    expect(openCardAction(history, 'msg-1')).toBeNull();
    expect(openCardAction(history, 'msg-9')?.id).toBe('other');
    expect(latestOpenAction(history)?.id).toBe('other');
  });

  it('an undo that was itself cancelled (lost a race) leaves its target open, as the summary counts it', () => {
    const history = [
      row({ id: 'undo|undo|a1', action: 'undo', undoes: 'undo|a1' }),
      row({ id: 'undo|a1', action: 'undo', undoes: 'a1' }),
      row({ id: 'a1', action: 'reached_out', cardMessageId: 'msg-1' }),
    ];
    expect(latestOpenAction(history)?.id).toBe('a1');
    expect(openCardAction(history, 'msg-1')?.id).toBe('a1');
  });
});

describe('authorisation', () => {
  const policy = { tenantId: 'tenant-1', adminUserIds: ['aad-admin'] };

  it('lets the owner act, matching the stored email case-insensitively', () => {
    expect(
      authoriseOnCustomer({ userId: 'u', email: 'ANA@demo.example ' }, 'ana@demo.example', 'G', policy),
    ).toEqual({
      ok: true,
      asAdmin: false,
    });
  });

  it('lets an admin act on anyone’s customer', () => {
    expect(
      authoriseOnCustomer({ userId: 'aad-admin', email: null }, 'ana@demo.example', 'G', policy),
    ).toEqual({
      ok: true,
      asAdmin: true,
    });
  });

  it('refuses another rep, and a user whose email is unknown', () => {
    expect(
      authoriseOnCustomer(
        { userId: 'u', email: 'ben@demo.example' },
        'ana@demo.example',
        'Greenfield Cafe',
        policy,
      ),
    ).toEqual({
      ok: false,
      reason: 'not_allowed',
      message:
        'Greenfield Cafe belongs to another rep; only they or an admin can change it. Nothing was changed.',
    });
    expect(authoriseOnCustomer({ userId: 'u', email: null }, 'ana@demo.example', 'G', policy)).toMatchObject({
      ok: false,
      reason: 'not_allowed',
    });
    // An empty owner never matches an empty email, nor one of spaces (which compares equal once trimmed).
    expect(authoriseOnCustomer({ userId: 'u', email: '' }, '', 'G', policy).ok).toBe(false);
    expect(authoriseOnCustomer({ userId: 'u', email: ' ', upn: ' ' }, '  ', 'G', policy).ok).toBe(false);
  });

  it('refuses another tenant only when a tenant is configured', () => {
    expect(checkTenant('tenant-1', policy)).toBeNull();
    expect(checkTenant('tenant-2', policy)).toMatchObject({ ok: false, reason: 'not_allowed' });
    expect(checkTenant('anything', { tenantId: '', adminUserIds: [] })).toBeNull();
  });
});

describe('card submits', () => {
  const base = {
    action: 'won_back',
    customerId: 'cust-1',
    runKey: 'weekly-2026-W48',
    v: 1,
    fields: { value: 'value_0' },
  };

  it('reads the row’s input named by `fields`', () => {
    expect(parseSubmit({ ...base, value_0: '1500', value_1: '9' })?.inputs).toEqual({ value: '1500' });
  });

  it.each([
    ['an unknown action', { ...base, action: 'delete_everything' }],
    ['no customer', { ...base, customerId: '' }],
    ['a wrong version', { ...base, v: 2 }],
    ['a customer id over 400 characters', { ...base, customerId: 'c'.repeat(401) }],
    ['an input id that is not a row input', { ...base, fields: { value: '__proto__' } }],
    ['not an object', 'reached_out'],
  ])('rejects %s', (_, value) => {
    expect(parseSubmit(value)).toBeNull();
  });

  it('ignores `__proto__` keys: nothing is polluted, and they are never read as inputs', () => {
    const forged = JSON.parse(
      '{"action":"lost","customerId":"cust-1","runKey":"weekly-2026-W48","v":1,"fields":{"reason":"reason_0","note":"note_0"},"__proto__":{"reason_0":"price","polluted":true}}',
    );
    const parsed = parseSubmit(forged);
    expect(parsed?.inputs).toEqual({ reason: undefined, note: undefined });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('card outcome', () => {
  it('turns a row into what the card row shows, dated in the team’s zone', () => {
    expect(
      outcomeOfRow(
        row({ id: 'x', action: 'won_back', value: 900, at: '2026-11-25T03:00:00Z' }),
        'America/Chicago',
      ),
    ).toEqual({ kind: 'won_back', by: 'Ana Ruiz', at: '2026-11-24', value: 900 });
    expect(outcomeOfRow(row({ id: 'x', action: 'lost', reason: 'price', note: 'n' }), 'UTC')).toEqual({
      kind: 'lost',
      by: 'Ana Ruiz',
      at: '2026-11-24',
      reason: 'price',
      note: 'n',
    });
  });

  it('sets one customer’s outcome and leaves the others; null when the card lacks the customer', () => {
    const row = (customerId: string, name: string) => ({
      customerId,
      name,
      band: 'at_risk' as const,
      score: 50,
      monthlyValue: 100,
      reasons: [],
      play: 'Time-limited offer',
    });
    const data = {
      runKey: 'weekly-2026-W48',
      customers: [row('cust-1', 'Greenfield'), row('cust-2', 'Blue Door')],
      lossReasons: [{ value: 'price', title: 'Price' }],
    };
    const outcome = { kind: 'reached_out' as const, by: 'Ana', at: '2026-11-24' };
    const next = withOutcome(data, 'cust-2', outcome);
    expect(next?.customers.map((c) => c.outcome ?? null)).toEqual([null, outcome]);
    expect(withOutcome(data, 'cust-404', outcome)).toBeNull();
  });
});

describe('card store encoding', () => {
  const card = (names: string[]): SentCard => ({
    messageId: 'msg-1',
    repUserId: 'aad-ana',
    conversationId: 'a:chat',
    savedAt: '2026-11-23T14:03:00.000Z',
    data: {
      runKey: 'weekly-2026-W48',
      customers: names.map((name, i) => ({
        customerId: `c${i}`,
        name,
        band: 'at_risk',
        score: 70,
        monthlyValue: 100,
        reasons: [name],
        play: 'Time-limited offer',
      })),
      lossReasons: [{ value: 'price', title: 'Price' }],
    },
  });

  it('round-trips the card data through gzip', () => {
    const original = card(['Greenfield Cafe']);
    const decoded = decodeCard(encodeCard(original));
    expect(decoded).toMatchObject({ messageId: 'msg-1', repUserId: 'aad-ana', conversationId: 'a:chat' });
    expect(weeklyRows(decoded)[0].name).toBe('Greenfield Cafe');
  });

  it('splits data that does not compress into several binary properties under 64 KiB', () => {
    // Random names barely compress: 25 customers of ~8 KB each is ~200 KB of JSON.
    const names = Array.from({ length: 25 }, () =>
      Array.from({ length: 8000 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join(''),
    );
    const columns = encodeCard(card(names));
    expect(columns.parts).toBeGreaterThan(1);
    for (let i = 0; i < Number(columns.parts); i++) {
      expect((columns[`p${i}`] as Uint8Array).length).toBeLessThanOrEqual(CHUNK_BYTES);
    }
    expect(weeklyRows(decodeCard(columns))[24].name).toBe(names[24]);
  });

  it('names the message when a row is damaged', () => {
    const columns = encodeCard(card(['x']));
    expect(() => decodeCard({ ...columns, parts: 2 })).toThrow('Card row for message msg-1 lacks part p1');
  });
});

describe('dates and help', () => {
  it('takes today and last month in the team’s zone', () => {
    const instant = new Date('2026-12-01T03:00:00Z');
    expect(localDate(instant, 'America/Chicago')).toBe('2026-11-30');
    expect(shiftMonth(localMonth(instant, 'America/Chicago'), -1)).toBe('2026-10');
    expect(shiftMonth(localMonth(instant, 'UTC'), -1)).toBe('2026-11');
    expect(shiftMonth(localMonth(new Date('2027-01-15T12:00:00Z'), 'UTC'), -1)).toBe('2026-12');
  });

  it('names what it did not understand, cut short', () => {
    expect(helpFor('delete')).toMatch(
      /^I did not get "delete"\.\n\nEvery week I send you a list of the customers worth a call/,
    );
    expect(helpFor('x'.repeat(100))).toContain(`"${'x'.repeat(59)}…"`);
  });
});
