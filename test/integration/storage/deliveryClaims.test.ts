import { randomBytes } from 'node:crypto';
import { odata, RestError } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { DELIVERIES_KEPT, openCardStore } from '../../../storage/cardStore';
import { createTableClient, DEFAULT_RETRY, type PolicyConfig } from '../../../storage/tableClients';

// The card table's claims on messages that act (`list`, `summary`, `undo`): a message Teams delivers
// again is claimed once, whichever instance the deliveries reach, in one row per conversation.

async function openCards(policies: PolicyConfig[] = []) {
  const config = {
    connectionString: inject('azuriteConnectionString'),
    tablePrefix: `tclaims${randomBytes(4).toString('hex')}`,
  };
  const cards = await openCardStore(config, { retry: { maxRetries: 1, retryDelayInMs: 10 }, policies });
  const table = createTableClient(
    { storage: config, retry: DEFAULT_RETRY, policies: [] },
    `${config.tablePrefix}Cards`,
  );
  return { cards, table };
}

describe('delivery claims on Azurite', () => {
  it('claims a message once in its conversation; the same id in another chat is another message', async () => {
    const { cards } = await openCards();
    expect(await cards.claimDelivery('a:ana', '1733500000001')).toBe(true);
    expect(await cards.claimDelivery('a:ana', '1733500000001')).toBe(false);
    expect(await cards.claimDelivery('a:ben', '1733500000001')).toBe(true);
  });

  it('gives one of several deliveries arriving at once the claim', async () => {
    const { cards } = await openCards();
    const claims = await Promise.all(Array.from({ length: 6 }, () => cards.claimDelivery('a:ana', 'm-1')));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('keeps one row per conversation however many messages come: the oldest ids fall off', async () => {
    const { cards, table } = await openCards();
    for (let i = 0; i <= DELIVERIES_KEPT; i++)
      expect(await cards.claimDelivery('a:ana', `m-${i}`)).toBe(true);
    const rows = [];
    for await (const e of table.listEntities({ queryOptions: { filter: odata`RowKey eq 'delivered'` } }))
      rows.push(e);
    expect(rows).toHaveLength(1);
    expect(await cards.claimDelivery('a:ana', `m-${DELIVERIES_KEPT}`)).toBe(false);
    expect(await cards.claimDelivery('a:ana', 'm-0')).toBe(true);
  });

  it('leases a message being worked out: working while the lease runs, taken over after, answered once finished', async () => {
    const { cards } = await openCards();
    const first = await cards.claimWork('a:ana', 'm-1', { now: 1_000, leaseMs: 15_000 });
    expect(first.outcome).toBe('claimed');
    expect(await cards.claimWork('a:ana', 'm-1', { now: 15_999, leaseMs: 15_000 })).toEqual({
      outcome: 'working',
      until: 16_000,
    });
    // Renewed, it holds on; not renewed, the next delivery takes it over and the first can finish no more.
    const holder = first.outcome === 'claimed' ? first.holder : '';
    expect(await cards.renewWork('a:ana', 'm-1', holder, 40_000)).toBe(true);
    expect((await cards.claimWork('a:ana', 'm-1', { now: 39_000, leaseMs: 15_000 })).outcome).toBe('working');
    const taken = await cards.claimWork('a:ana', 'm-1', { now: 40_001, leaseMs: 15_000 });
    expect(taken.outcome).toBe('resumed');
    expect(await cards.finishWork('a:ana', 'm-1', holder)).toBe(false);
    expect(await cards.finishWork('a:ana', 'm-1', taken.outcome === 'resumed' ? taken.holder : '')).toBe(
      true,
    );
    expect(await cards.claimWork('a:ana', 'm-1', { now: 99_000, leaseMs: 15_000 })).toEqual({
      outcome: 'answered',
    });
    // A message claimed for good (`summary here`, `undo`) or before leases were kept is answered.
    expect(await cards.claimDelivery('a:ana', 'm-2')).toBe(true);
    expect(await cards.claimWork('a:ana', 'm-2', { now: 99_000, leaseMs: 15_000 })).toEqual({
      outcome: 'answered',
    });
    expect(await cards.claimDelivery('a:ana', 'm-1')).toBe(false);
  });

  it('keeps the row readable by the version before leases while a message is worked out (a rollback, an instance not yet updated)', async () => {
    const { cards, table } = await openCards();
    expect(await cards.claimDelivery('a:ana', 'm-0')).toBe(true);
    const claim = await cards.claimWork('a:ana', 'm-1', { now: 1_000, leaseMs: 15_000 });
    // That version reads the column as a list of ids and refuses the whole row otherwise: every
    // `list`, `undo` and page of the rep's chat would fail on it, for as long as the lease stayed in
    // the row (one whose worker died stays until 20 more messages push it off).
    const idsThatVersionReads = async () => {
      const row = await table.getEntity<{ activityIds: string }>('c_a:ana', 'delivered');
      return z.array(z.string()).parse(JSON.parse(row.activityIds));
    };
    await expect(idsThatVersionReads()).resolves.toEqual(['m-1', 'm-0']);
    // Its claim of the message (a delivery again reaching it) finds it claimed, as it always did.
    expect(claim.outcome).toBe('claimed');
    await cards.renewWork('a:ana', 'm-1', claim.outcome === 'claimed' ? claim.holder : '', 30_000);
    await expect(idsThatVersionReads()).resolves.toEqual(['m-1', 'm-0']);
    expect(await cards.claimWork('a:ana', 'm-1', { now: 29_000, leaseMs: 15_000 })).toEqual({
      outcome: 'working',
      until: 30_000,
    });
  });

  it('claims a forged id of any length once, without a table error', async () => {
    const { cards } = await openCards();
    const forged = `x${'/#?'.repeat(3000)}`;
    expect(await cards.claimDelivery('a:ana', forged)).toBe(true);
    expect(await cards.claimDelivery('a:ana', forged)).toBe(false);
  });

  it("claims a message whose write landed but whose answer was lost: the SDK's resend meets its own claim", async () => {
    // A try past its time limit (tryTimeoutPolicy) or a dropped connection after the service wrote:
    // the retry policy sends the write again, which finds the row already holding the id.
    let lost = 0;
    const answerLost = (method: string): PolicyConfig => ({
      position: 'perRetry',
      policy: {
        name: `answerLost${method}`,
        sendRequest: async (request, next) => {
          const response = await next(request);
          const delivered = `${request.url} ${String(request.body ?? '')}`.includes('delivered');
          if (request.method === method && delivered && lost++ === 0)
            throw new RestError('No answer from Table Storage within 35000 ms', {
              code: 'ETIMEDOUT',
              request,
            });
          return response;
        },
      },
    });
    // The first claim in the chat creates the row (POST); later ones replace it with its ETag (PUT).
    const created = await openCards([answerLost('POST')]);
    expect(await created.cards.claimDelivery('a:ana', 'm-1')).toBe(true);
    expect(lost).toBe(2);
    expect(await created.cards.claimDelivery('a:ana', 'm-1')).toBe(false);
    lost = 0;
    const replaced = await openCards([answerLost('PUT')]);
    expect(await replaced.cards.claimDelivery('a:ana', 'm-1')).toBe(true);
    expect(await replaced.cards.claimDelivery('a:ana', 'm-2')).toBe(true);
    expect(lost).toBe(2);
    expect(await replaced.cards.claimDelivery('a:ana', 'm-2')).toBe(false);
  });
});
