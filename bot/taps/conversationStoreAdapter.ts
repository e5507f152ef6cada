import type { ConversationStore as StorageConversationStore } from '../../storage/conversationStore';
import type {
  ConversationStore as BotConversationStore,
  SummaryChannel as BotSummaryChannel,
  RepInstall,
} from '../ports';

/**
 * The bot's ConversationStore port over the storage module's Table Storage store. The two differ in
 * small ways: the bot may not know a rep's email (null; stored as '' and never looked up), storage
 * returns what it saved and whether a serviceUrl changed, and storage keeps no team name or setter
 * for the summary channel.
 */
export function botConversationStore(store: StorageConversationStore): BotConversationStore {
  return {
    async saveRep(rep: RepInstall): Promise<void> {
      await store.saveRep({
        userId: rep.userId,
        name: rep.name,
        email: rep.email ?? '',
        tenantId: rep.tenantId,
        serviceUrl: rep.serviceUrl,
        reference: rep.reference,
      });
    },
    async removeRep(userId: string): Promise<void> {
      await store.removeRep(userId);
    },
    async refreshServiceUrl(userId: string, serviceUrl: string): Promise<void> {
      await store.refreshServiceUrl(userId, serviceUrl);
    },
    async setSummaryChannel(channel: BotSummaryChannel): Promise<void> {
      await store.setSummaryChannel({
        teamId: channel.teamId,
        channelId: channel.channelId,
        tenantId: channel.tenantId,
        serviceUrl: channel.serviceUrl,
        reference: channel.reference,
      });
    },
  };
}
