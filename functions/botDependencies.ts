import { type ActionHandlerDeps, createActionHandler } from '../actions/actionHandler';
import { botConversationStore } from '../actions/conversationStoreAdapter';
import type { ActionHandler, ConversationStore } from '../bot';
import type { Config } from '../config/config';
import { loadRules } from '../feed/rulesSource';
import { summaryCardFor } from '../runs/summaryCardFor';
import { openStorage } from '../storage';
import { openCardStore } from '../storage/cardStore';

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
    loadRules(config),
  ]);
  const actions = createActionHandler({
    stores: { state: storage.state, audit: storage.audit, conversations: storage.conversations, cards },
    rules,
    timeZone: config.timeZone,
    access: { tenantId: config.bot.tenantId, adminUserIds: config.adminUserIds },
    // The `summary` command shows the same card the monthly timer posts, from the audit trail.
    summaryCard: async (month) =>
      (await summaryCardFor(storage, month, { timeZone: config.timeZone, lossReasons: rules.lossReasons }))
        .card,
    ...options,
  });
  return { store: botConversationStore(storage.conversations), actions };
}
