import { app, type InvocationContext, type Timer } from '@azure/functions';
import { createBotAdapter } from '../bot/adapter';
import { ProactiveSender } from '../bot/proactiveSender';
import { type Config, loadConfig } from '../config/config';
import { loadRules } from '../feed/rulesSource';
import {
  type MonthlySummaryDeps,
  type MonthlySummaryReport,
  runMonthlySummary,
} from '../runs/monthlySummaryRun';
import { MONTHLY_TIMER_NCRONTAB } from '../schedule';
import { openStorage } from '../storage';

type SendCardReference = Parameters<ProactiveSender['sendCard']>[0];

/** The real dependencies: Table Storage, the proactive sender over the bot adapter, the rules' loss reasons. */
export async function monthlySummaryDeps(config: Config, now: Date): Promise<MonthlySummaryDeps> {
  const storage = await openStorage(config.storage, { timeZone: config.timeZone });
  const sender = new ProactiveSender({ adapter: createBotAdapter(config.bot), appId: config.bot.appId });
  const rules = await loadRules(config);
  return {
    storage,
    // The stored reference is the Bot Framework shape as JSON (validated when it was stored).
    sender: (reference, card, text) => sender.sendCard(reference as SendCardReference, card, text),
    now,
    config: {
      schedule: { timeZone: config.timeZone, ...config.monthlySendAt },
      timeZone: config.timeZone,
      lossReasons: rules.lossReasons,
    },
  };
}

/** Builds the timer handler around a way to get its dependencies and the clock (tests pass theirs). */
export function createMonthlySummaryHandler(
  getDeps: (now: Date) => Promise<MonthlySummaryDeps>,
  clock: () => Date = () => new Date(),
): (timer: Timer, context: InvocationContext) => Promise<MonthlySummaryReport> {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('monthly summary tick is late (isPastDue); deciding as usual');
    const report = await runMonthlySummary(await getDeps(clock()));
    if (report.status === 'failed' || report.status === 'unreachable' || report.status === 'no_channel') {
      context.warn('monthly summary', report);
    } else context.log('monthly summary', report);
    return report;
  };
}

/** Timer: every 15 minutes (UTC); runMonthlySummary decides when the 1st, 09:00 local has come. */
export const monthlySummary = createMonthlySummaryHandler((now) => monthlySummaryDeps(loadConfig(), now));

app.timer('monthlySummary', {
  schedule: MONTHLY_TIMER_NCRONTAB,
  runOnStartup: false,
  handler: monthlySummary,
});
