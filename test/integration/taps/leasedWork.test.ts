import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { leasedWork } from '../../../bot/taps/leasedWork';
import { openCardStore } from '../../../storage/cardStore';

// The claim on a `list` being worked out, on Azurite: held for the plan's expected time before the
// plan, during which no renewal can fire (scoring holds the thread).

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a leased message', () => {
  it("keeps the plan's hold when a renewal fires between the hold and the plan (a second request joining the plan)", async () => {
    const cards = await openCardStore({
      connectionString: inject('azuriteConnectionString'),
      tablePrefix: `tlease${randomBytes(4).toString('hex')}`,
    });
    const delivery = { conversationId: 'a:ana', activityId: 'm-1' };
    const what = { words: 'your list', command: 'list' };
    let seen: Awaited<ReturnType<typeof cards.claimWork>> | undefined;
    await leasedWork(delivery, { cards, what, leaseMs: 1_000, renewMs: 20 }, async (lease) => {
      // Held for a plan of 60 seconds; before the plan starts, another request's hold is written
      // (keptListsNow awaits each joined request's), and this one's renewal timer fires meanwhile.
      await lease.holdFor(60_000);
      await delay(200);
      // The plan runs: a delivery again 30 seconds on finds the message still worked out.
      seen = await cards.claimWork(delivery.conversationId, delivery.activityId, {
        now: Date.now() + 30_000,
        leaseMs: 1_000,
      });
      return { text: 'your list' };
    });
    expect(seen?.outcome).toBe('working');
  });
});
