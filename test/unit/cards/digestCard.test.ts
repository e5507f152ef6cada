import { describe, expect, it } from 'vitest';
import { buildDigestCard } from '../../../cards/buildDigestCard';
import type { DigestCardData } from '../../../cards/digestCardModels';
import { MAX_DIGEST_ROWS } from '../../../cards/digestCardModels';
import { digestNotificationText } from '../../../jobs/followups/digestFor';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { findAll, type Node, ofType, oneLineTexts, texts } from './cardWalk';
import { digest } from './digestCardFixtures';

const rowContainers = (card: object): Node[] => ofType(card, 'Container');
/** A row's buttons in the order shown, over its action sets (a phone's line holds only a few). */
const buttons = (row: Node): string[] =>
  ofType(row, 'ActionSet').flatMap((set) => (set.actions as Node[]).map((a) => String(a.title)));

describe('buildDigestCard', () => {
  it('gives the year of a date in the year before the digest’s (the first working day of January)', () => {
    const january: DigestCardData = {
      ...digest(),
      runKey: 'daily-2027-01-04',
      rows: [
        {
          customerId: 'cust-004',
          name: 'Maple Bakery',
          monthlyValue: 410,
          reason: { kind: 'no_order', contactOn: '2026-12-21', days: 14 },
        },
        {
          customerId: 'cust-001',
          name: 'Greenfield Cafe',
          monthlyValue: 1200,
          reason: { kind: 'ordered', contactOn: '2026-12-28', orderOn: '2027-01-02', amount: 450 },
        },
      ],
    };
    const words = texts(buildDigestCard(january)).join('\n');
    expect(words).toContain('Reached out 14 days ago (Mon 21 Dec 2026), no order since.');
    expect(words).toContain('Ordered $450 on Sat 2 Jan, 5 days after you reached out: record the save?');
  });

  it('wraps every text, so a phone shows the value and the warnings in full rather than cut with an ellipsis', () => {
    expect(oneLineTexts(buildDigestCard(digest()))).toEqual([]);
  });

  it('matches the snapshot', () => {
    expect(buildDigestCard(digest())).toMatchSnapshot();
  });

  it('validates against the Adaptive Card 1.5 schema, the fullest digest included', () => {
    expect(adaptiveCardErrors(buildDigestCard(digest()))).toEqual([]);
    const row = digest().rows[3];
    const full: DigestCardData = {
      ...digest(),
      rows: Array.from({ length: MAX_DIGEST_ROWS }, (_, k) => ({
        ...row,
        customerId: `c-${k}`.padEnd(400, 'x'),
        name: 'N'.repeat(200),
      })),
    };
    const card = buildDigestCard(full);
    // Its size is the digest data's to keep (digestCardDataFor: as many rows as fit).
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it('says why each customer is here, in words with the dates and amounts', () => {
    const rows = rowContainers(buildDigestCard(digest()));
    expect(texts(buildDigestCard(digest()))[0]).toBe('Follow-ups for Fri 27 Nov · 5 customers');
    expect(texts(rows[0])).toContain(
      'Ordered $450 on Thu 26 Nov, 3 days after you reached out: record the save?',
    );
    expect(texts(rows[1])).toContain(
      'No order in the 31 days since you reached out (Tue 27 Oct): mark lost, went quiet?',
    );
    expect(texts(rows[2])).toEqual(
      expect.arrayContaining([
        'Won back on Tue 20 Oct, now 19 days without an order (usually every 9): slipping again.',
        '⚠ Won back twice this year: no discount',
      ]),
    );
    expect(texts(rows[3])).toContain('Reached out 7 days ago (Fri 20 Nov), no order since.');
    // Too few orders for a rhythm of their own: the gap is the book's, and the row says so.
    const twoOrders = digest();
    twoOrders.rows[2].reason = {
      kind: 'save_slipping',
      wonBackOn: '2026-11-10',
      daysSinceOrder: 14,
      cadenceDays: 7,
      ownRhythm: false,
    };
    expect(texts(rowContainers(buildDigestCard(twoOrders))[2])).toContain(
      "Won back on Tue 10 Nov, now 14 days without an order (the book's usual gap is 7 days): slipping again.",
    );
    // Already marked lost by the product: no question, the outcome and Undo.
    expect(texts(rows[4])).toEqual(
      expect.arrayContaining([
        'No order in the 38 days since you reached out (Tue 20 Oct).',
        'Lost: Went quiet. Marked by Churn Predictor, Fri 27 Nov',
      ]),
    );
  });

  it('the Won back box of a row valued at 0 starts empty with what to type (de-DE writes it 1.250,50)', () => {
    const data = digest();
    data.locale = 'de-DE';
    data.currency = 'EUR';
    data.rows = [{ ...data.rows[3], monthlyValue: 0 }];
    const [box] = ofType(buildDigestCard(data), 'Input.Text').filter((i) => i.id === 'value_0');
    expect(box).toMatchObject({ value: '', placeholder: 'e.g. 1.250,50' });
  });

  it('a one-order customer’s value is a second order’s, on the row and in the Won back box', () => {
    const data = digest();
    data.rows[3] = { ...data.rows[3], monthlyValue: 1656, valueKind: 'second_order' };
    const card = buildDigestCard(data);
    expect(texts(card)).toContain('$1,656 if they order again');
    expect(texts(card)).not.toContain('$1,656/month');
    expect(ofType(card, 'Input.Text').map((i) => i.label)).toContain('Value of the order won back (USD)');
    expect(digestNotificationText(data)).toBe(
      'Follow-ups: 5 customers (1 ordered after your call), $2,360/month + $1,656 in one-off orders',
    );
  });

  it('once a one-order customer has ordered since the call, the row and the notification state that order, not an "if"', () => {
    const data = digest();
    // rows[0] ordered $450 after the call; their first order was worth $1,656.
    data.rows[0] = { ...data.rows[0], monthlyValue: 1656, valueKind: 'second_order' };
    const card = buildDigestCard(data);
    expect(texts(card)).toContain('$450 order placed');
    expect(texts(card)).not.toContain('$1,656 if they order again');
    expect(digestNotificationText(data)).toBe(
      'Follow-ups: 5 customers (1 ordered after your call), $1,570/month + $450 in one-off orders',
    );
  });

  it('the preview does not call another rep\'s call "your call" (a customer moved to this rep since)', () => {
    const data = digest();
    data.rows[0] = { ...data.rows[0], contactBy: 'Ana Lopez' };
    expect(texts(buildDigestCard(data))).toContain(
      'Ordered $450 on Thu 26 Nov, 3 days after Ana Lopez reached out: record the save?',
    );
    expect(digestNotificationText(data)).toBe(
      'Follow-ups: 5 customers (1 ordered after a call), $2,770/month',
    );
  });

  it('writes the dates in the locale of the digest', () => {
    const card = buildDigestCard({ ...digest(), locale: 'de-DE' });
    expect(texts(card)[0]).toBe('Follow-ups for Fr., 27. Nov. · 5 customers');
    expect(texts(rowContainers(card)[3])).toContain(
      'Reached out 7 days ago (Fr., 20. Nov.), no order since.',
    );
  });

  it('gives each kind its buttons: the save first after an order, Lost in one tap after silence', () => {
    const rows = rowContainers(buildDigestCard(digest()));
    expect(buttons(rows[0])).toEqual(['Won back', 'Reached out again', 'Snooze a week']);
    expect(buttons(rows[1])).toEqual(['Lost: went quiet', 'Reached out again', 'Snooze a week']);
    expect(buttons(rows[2])).toEqual(['Reached out', 'Lost', 'Snooze a week']);
    expect(buttons(rows[3])).toEqual(['Reached out again', 'Won back', 'Lost', 'Snooze a week']);
    expect(buttons(rows[4])).toEqual(['Undo']);
  });

  it('sends the same submits as the weekly card, with the day’s run key', () => {
    const rows = rowContainers(buildDigestCard(digest()));
    const data = (row: Node) => findAll(row, (n) => n.type === 'Action.Submit').map((a) => a.data);
    expect(data(rows[0])).toEqual([
      {
        action: 'won_back',
        customerId: 'cust-001',
        runKey: 'daily-2026-11-27',
        v: 1,
        fields: { value: 'value_0' },
      },
      { action: 'reached_out', customerId: 'cust-001', runKey: 'daily-2026-11-27', v: 1 },
      { action: 'snoozed', customerId: 'cust-001', runKey: 'daily-2026-11-27', v: 1 },
    ]);
    // Won back opens prefilled with the monthly value.
    expect(ofType(rows[0], 'Input.Text')[0]).toMatchObject({ id: 'value_0', value: '1200' });
    expect(data(rows[1])[0]).toEqual({
      action: 'lost',
      customerId: 'cust-002',
      runKey: 'daily-2026-11-27',
      v: 1,
      preset: { reason: 'went_quiet' },
    });
  });

  it('counts the rows past the cap as "+N more"', () => {
    const card = buildDigestCard({ ...digest(), overflow: 4 });
    expect(texts(card)[0]).toBe('Follow-ups for Fri 27 Nov · 9 customers');
    expect(texts(card).at(-1)).toBe(
      '+4 more due today: the most urgent are above, the rest come in your next digest',
    );
  });

  it('refuses an empty digest and a bad run key', () => {
    expect(() => buildDigestCard({ ...digest(), rows: [] })).toThrow();
    expect(() => buildDigestCard({ ...digest(), runKey: 'weekly-2026-W48' })).toThrow();
  });
});
