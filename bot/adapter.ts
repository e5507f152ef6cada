import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Config } from '../functions/config';
import { consoleLog, type Log } from './ports';

export const APOLOGY = 'Sorry, something went wrong on my side. Please try again in a minute.';

/**
 * Builds the one CloudAdapter from the bot settings. With an app id set, every request must carry a
 * valid Bot Framework token (else 401); an empty app id is accepted for local runs only.
 */
export function createBotAdapter(bot: Config['bot'], log: Log = consoleLog): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.tenantId,
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = (context, error) => reportTurnError(context, error, log);
  return adapter;
}

/** The single top-level error mapper: log what failed, tell the user briefly. */
async function reportTurnError(context: TurnContext, error: Error, log: Log): Promise<void> {
  const activity = context.activity;
  log.error('bot turn failed', {
    error: error.stack ?? String(error),
    activityType: activity.type,
    conversationId: activity.conversation?.id,
  });
  // Invokes and installs have nobody reading a reply; only answer what a person typed or tapped.
  if (activity.type !== 'message') return;
  try {
    await context.sendActivity(APOLOGY);
  } catch (sendError) {
    // The connector itself may be what failed; the original error is already logged.
    log.error('could not send the apology', { error: String(sendError) });
  }
}
