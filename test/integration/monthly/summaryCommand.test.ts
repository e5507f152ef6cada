import { beforeAll, describe, expect, inject, it } from 'vitest';
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
