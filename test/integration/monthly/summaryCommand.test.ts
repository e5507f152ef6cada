import { TableClient } from '@azure/data-tables';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { idKey } from '../../../storage/keys';
import { runSummaryCommand } from '../../../tools/cli/summaryCommand';
import { capture } from '../../helpers/capture';
import { november } from '../../unit/monthly/novemberFixture';
import { openTestStorage } from '../storage/support';

describe('churn-predictor summary --month', () => {
  let env: Record<string, string>;

  beforeAll(async () => {
    const storage = await openTestStorage('cli', { timeZone: 'America/Chicago' });
    const { rows, priorRows, laterRows } = november();
    for (const row of [...priorRows, ...rows, ...laterRows]) await storage.audit.record(row);
    env = {
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: storage.tables.audit.slice(0, -'Audit'.length),
      TIME_ZONE: 'America/Chicago',
    };
  });

  it('prints the month from the audit trail in storage', async () => {
    const out = capture();
    await runSummaryCommand(['--month', '2026-11'], out.stream, env);
    expect(out.text()).toContain(
      'The team won back $3,400 of monthly revenue in November from 2 at-risk customers. 4 lost.',
    );
    expect(out.text()).toContain('Hint: 2 of 4 losses were price: that is a pricing conversation.');
  });

  it('defaults to last month in the team’s zone, and prints JSON on request', async () => {
    const out = capture();
    // 1 December 02:00 UTC is still 30 November in Chicago: last month is October, which is empty.
    await runSummaryCommand(['--format', 'json'], out.stream, env, new Date('2026-12-01T02:00:00Z'));
    expect(JSON.parse(out.text())).toMatchObject({ month: '2026-10', isEmpty: true });
  });
});

describe('churn-predictor summary with a saved customer whose Listings row cannot be read', () => {
  it('prints the summary, and on stderr a warning that names the customer', async () => {
    const storage = await openTestStorage('clibadrow', { timeZone: 'America/Chicago' });
    const { rows, priorRows, laterRows } = november();
    for (const row of [...priorRows, ...rows, ...laterRows]) await storage.audit.record(row);
    // c1 was won back in November; its row as no release of the app writes it.
    const listings = TableClient.fromConnectionString(
      inject('azuriteConnectionString'),
      storage.tables.listings,
      { allowInsecureConnection: true },
    );
    await listings.upsertEntity({ partitionKey: 'weeks', rowKey: idKey('c1'), customerId: 'c1', weeks: '{' });
    const env = {
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: storage.tables.audit.slice(0, -'Audit'.length),
      TIME_ZONE: 'America/Chicago',
    };
    const out = capture();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let written: string[];
    try {
      await runSummaryCommand(['--month', '2026-11'], out.stream, env);
    } finally {
      // Restoring the spy clears its calls: read them first.
      written = stderr.mock.calls.map(([text]) => String(text));
      stderr.mockRestore();
    }
    expect(out.text()).toContain('The team won back $3,400 of monthly revenue in November');
    expect(out.text()).not.toContain('Warning');
    expect(written).toEqual([
      "Warning: saved customer c1: their weeks on the lists not read, so the summary counts no listing of theirs past a card's first page\n",
    ]);
  });
});
