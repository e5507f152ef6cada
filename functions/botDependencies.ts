import type { ActionHandler, ConversationStore } from '../bot';
import { type ActionHandlerDeps, createActionHandler } from '../bot/taps/actionHandler';
import { botConversationStore } from '../bot/taps/conversationStoreAdapter';
import { readRulesFile } from '../feed/readRulesFile';
import { summaryCardFor } from '../jobs/monthly/summaryCardFor';
import { planWeek } from '../jobs/weekly/weeklyPlan';
import { feedReaderFor } from '../jobs/weekly/weeklyWiring';
import { openStorage } from '../storage';
import { openCardStore } from '../storage/cardStore';
import type { Config } from './config';

export interface BotDependencies {
  store: ConversationStore;
  actions: ActionHandler;
}

/** What the caller may add: the summary card (issue 6) and, in tests, a clock. */
export type BotDependencyOptions = Pick<ActionHandlerDeps, 'summaryCard' | 'clock' | 'log'>;

/**
 * The real ports for the deployed bot: Table Storage (state, audit, conversations, cards), the
 * rules file (RULES_FILE, else the defaults) and the action logic, configured from the environment.
 */
export async function loadBotDependencies(
  config: Config,
  options: BotDependencyOptions = {},
): Promise<BotDependencies> {
  const [storage, cards, rules] = await Promise.all([
    // The audit's month partitions follow the team's calendar, as the monthly summary reads them.
    openStorage(config.storage, { timeZone: config.timeZone }),
    openCardStore(config.storage),
    readRulesFile(config.rulesFile),
  ]);
  const readBook = config.feed.dir || config.feed.container ? feedReaderFor(config, rules) : null;
  const { weekday, hour, minute } = config.weeklySendAt;
  const day = [
    'Sundays',
    'Mondays',
    'Tuesdays',
    'Wednesdays',
    'Thursdays',
    'Fridays',
    'Saturdays',
    'Sundays',
  ][weekday];
  const actions = createActionHandler({
    stores: { state: storage.state, audit: storage.audit, conversations: storage.conversations, cards },
    rules,
    timeZone: config.timeZone,
    access: { tenantId: config.bot.tenantId, adminUserIds: config.adminUserIds },
    // The `summary` command shows the same card the monthly timer posts, from the audit trail.
    summaryCard: async (month) =>
      (
        await summaryCardFor(storage, month, {
          timeZone: config.timeZone,
          lossReasons: rules.lossReasons,
          ...config.card,
        })
      ).card,
    cardFormat: config.card,
    // `list` plans the week as the weekly run does, from the feed, as of today.
    ...(readBook
      ? {
          listsNow: async ({ localDate, runKey, states }) => {
            const { book } = await readBook();
            const plan = planWeek(book, rules, states, {
              localDate,
              runKey,
              runAt: new Date().toISOString(),
            });
            return { weeks: plan.weeks, horizonDays: plan.scored.noOrderHorizonDays };
          },
        }
      : {}),
    weeklySendText: `${day} at ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} (${config.timeZone})`,
    ...options,
  });
  return { store: botConversationStore(storage.conversations), actions };
}
