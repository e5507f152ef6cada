import { InvocationContext, type Timer } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import type { CardSender } from '../../../bot/ports';
import { createMonthlySummaryHandler } from '../../../functions/monthlySummary';
import { LOSS_REASONS } from '../../unit/monthly/auditRows';
import { openTestStorage } from '../storage/support';

const TZ = 'Europe/London';
const timer = (isPastDue: boolean): Timer => ({
  isPastDue,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
});

describe('monthlySummary timer function', () => {
  it('runs the summary for the tick and logs its report, warning when late or undeliverable', async () => {
    const storage = await openTestStorage('fn', { timeZone: TZ });
    const logged: { level: string; args: unknown[] }[] = [];
    const context = new InvocationContext({
      functionName: 'monthlySummary',
      logHandler: (level, ...args) => logged.push({ level, args }),
    });
    const sender: CardSender = async () => ({ status: 'delivered', activityId: 'a1' });
    const handler = createMonthlySummaryHandler(
      async (now) => ({
        storage,
        sender,
        now,
        config: { timeZone: TZ, lossReasons: LOSS_REASONS, schedule: { timeZone: TZ, hour: 9, minute: 0 } },
      }),
      () => new Date('2026-12-01T09:05:00Z'),
    );

    const report = await handler(timer(true), context);
    expect(report).toMatchObject({ status: 'no_channel', runKey: 'monthly-2026-11' });
    expect(logged.map((l) => l.level)).toEqual(['warning', 'warning']);
    expect(String(logged[0].args[0])).toContain('isPastDue');

    await storage.conversations.setSummaryChannel({
      channelId: 'c',
      tenantId: 't',
      serviceUrl: 'http://localhost:1/_connector',
      reference: {},
    });
    expect(await handler(timer(false), context)).toMatchObject({ status: 'delivered', activityId: 'a1' });
    expect(logged.at(-1)?.level).toBe('information');
  });
});
