import type { ActionHandler, ConversationStore } from '../bot';
import type { Config } from '../config/config';

export interface BotDependencies {
  store: ConversationStore;
  actions: ActionHandler;
}

/**
 * The real ports for the deployed bot: the Table Storage conversation store and the action logic.
 * TODO(lead): wire `openStorage(config.storage).conversations` and the actions module here.
 */
export async function loadBotDependencies(_config: Config): Promise<BotDependencies> {
  throw new Error(
    'Bot dependencies are not wired yet: functions/botDependencies.ts must return the storage ConversationStore and the ActionHandler',
  );
}
