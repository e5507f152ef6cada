import { describe, expect, it } from 'vitest';
import { summaryCardFor } from '../../../jobs';
import { texts } from '../../unit/cards/cardWalk';
import { LOSS_REASONS, Rows } from '../../unit/monthly/auditRows';
import { openTestStorage } from '../storage/support';

// A team too big for the summary card's table, read from the audit store on Azurite.

describe("the summary card's reps beyond its table", () => {
  it('link to the Team tab in the channel the summary is posted to, when the Teams app id is set', async () => {
    const storage = await openTestStorage('teamlink', { timeZone: 'UTC' });
    const r = new Rows();
    // 40 reps who each won a customer back: the table shows 30.
    for (let i = 0; i < 40; i++) {
      const owner = `rep${String(i).padStart(2, '0')}@demo.example`;
      r.surfaced(`c${i}`, '2026-11-02T10:00:00Z', owner);
      r.wonBack(`c${i}`, '2026-11-10T10:00:00Z', 1000 + i, { owner });
    }
    for (const row of r.all) await storage.audit.record(row);
    await storage.conversations.setSummaryChannel({
      teamId: 'team-1',
      channelId: '19:sales@thread.tacv2',
      tenantId: 'tenant-1',
      serviceUrl: 'http://localhost:1/_connector',
      reference: { conversation: { id: '19:sales@thread.tacv2' } },
    });
    const options = { timeZone: 'UTC', lossReasons: LOSS_REASONS };
    const more = (card: Record<string, unknown>) => texts(card).find((t) => t.startsWith('+10 more reps'));

    const linked = await summaryCardFor(storage, '2026-11', { ...options, tabAppId: 'app-1' });
    expect(more(linked.card)).toBe(
      '+10 more reps: [open the Team tab](https://teams.microsoft.com/l/entity/app-1/team?context=%7B%22channelId%22%3A%2219%3Asales%40thread.tacv2%22%7D) for every rep.',
    );
    // Without the app id there is nothing to link to: the card names the tab, never a command line.
    const plain = await summaryCardFor(storage, '2026-11', options);
    expect(more(plain.card)).toBe(
      '+10 more reps: the Team tab (Churn Predictor, added to a channel) shows every rep.',
    );
  });
});
