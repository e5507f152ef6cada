import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeed } from '../../../feed/readFeed';
import { dayOf } from '../../../rules/book';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { customerRow, scoredById } from '../../../tabs/api/customerViews';
import { main } from '../../../tools/cli/main';
import { capture } from '../../helpers/capture';

// A customer whose only order was refunded in full has no order left in the book, as a cancelled
// one. They read "No orders yet" in the tab and counted as "with no order yet" in `score`, which
// tells the rep they never ordered: they did, and got their money back.

const AS_OF = '2026-11-23';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feed-refunded-'));
  await writeFile(
    join(dir, 'customers.csv'),
    [
      'customer_id,name,owner',
      'C-1,Greenfield Cafe,ana@contoso.example',
      'C-2,Corner Deli,ana@contoso.example',
      'C-3,Blue Door,ana@contoso.example',
      'C-4,Oak Bistro,ana@contoso.example',
      'C-5,Elm Bakery,ana@contoso.example',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'orders.csv'),
    [
      'order_id,customer_id,ordered_at,amount',
      // Ordered once, refunded in full three days later (a refund row of the order).
      'O-1,C-1,2026-11-03,120.00',
      'O-1,C-1,2026-11-06,-120.00',
      // Ordered twice, each credited in full by a credit note of its own number.
      'O-2,C-2,2026-10-01,80.00',
      'CN-1,C-2,2026-10-01,(80.00)',
      'O-3,C-2,2026-10-20,50.00',
      'CN-2,C-2,2026-10-27,(50.00)',
      // Refunded in part: still an order.
      'O-4,C-3,2026-11-02,100.00',
      'O-4,C-3,2026-11-04,-40.00',
      'O-5,C-4,2026-11-09,60.00',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a customer whose every order was refunded in full', () => {
  it('is said to have ordered and been refunded, not "No orders yet", in the reasons and the tab', async () => {
    const { book } = await readFeed(dir, { asOf: AS_OF });
    const scored = scoredById(scoreBook(book, defaultRules(), dayOf(AS_OF)));
    const green = scored.get('C-1');
    expect(green?.reasons).toEqual(['Ordered once, 20 days ago, and refunded in full 17 days ago']);
    expect(green?.segment).toBeNull();
    expect(scored.get('C-2')?.reasons).toEqual([
      'Ordered 2 times, each refunded in full; the last order 34 days ago',
    ]);
    expect(scored.get('C-5')?.reasons).toEqual(['No orders yet']);
    const row = (id: string) =>
      customerRow(
        initialState({ customerId: id, name: id, owner: 'ana@contoso.example', monthlyValue: 0 }),
        scored.get(id),
      );
    expect(row('C-1').kind).toBe('refunded_in_full');
    expect(row('C-2').kind).toBe('refunded_in_full');
    expect(row('C-5').kind).toBe('no_orders');
    expect(row('C-3').kind).not.toBe('refunded_in_full');
  });

  it('is counted apart from those with no order yet by `score`', async () => {
    const out = capture();
    const code = await main(['score', '--feed', dir, '--as-of', AS_OF], out.stream, capture().stream);
    expect(code).toBe(0);
    expect(out.text()).toContain(', 1 with no order yet, 2 whose every order was refunded in full.');
    expect(out.text()).not.toContain('3 with no order yet');
  });
});
