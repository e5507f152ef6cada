import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type TurnContext,
} from 'botbuilder';
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  AuthenticationError,
  BotFrameworkAuthentication,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { Config } from '../functions/config';
import { consoleLog, type Log } from './ports';

export const APOLOGY = 'Sorry, something went wrong on my side. Please try again in a minute.';

/**
 * Where incoming tokens are checked: the OpenID metadata (whose `jwks_uri` lists the signing keys)
 * and the issuer the tokens must name. Absent = the Bot Framework's public cloud; tests serve their own.
 */
export interface BotTokenEndpoints {
  openIdMetadataUrl: string;
  tokenIssuer: string;
}

/**
 * Builds the one CloudAdapter from the bot settings. With an app id set, every request must carry a
 * valid Bot Framework token, else 401 with no body; an empty app id is accepted for local runs only
 * (config.ts refuses it anywhere else).
 */
export function createBotAdapter(
  bot: Config['bot'],
  log: Log = consoleLog,
  endpoints?: BotTokenEndpoints,
): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.tenantId,
    ...(endpoints ? publicCloudWith(endpoints) : {}),
  });
  const adapter = new CloudAdapter(new FailClosedAuthentication(auth, log));
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

/** The public cloud's settings with the token check pointed elsewhere (all are needed once one is given). */
function publicCloudWith(endpoints: BotTokenEndpoints): Record<string, string | boolean> {
  return {
    ValidateAuthority: true,
    ToChannelFromLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: 'urn:botframework:azure',
    ToBotFromChannelTokenIssuer: endpoints.tokenIssuer,
    ToBotFromChannelOpenIdMetadataUrl: endpoints.openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: endpoints.openIdMetadataUrl,
  };
}

/**
 * Every failure to verify a request is a 401. botbuilder throws an AuthenticationError (401) for
 * some bad tokens, but jsonwebtoken's own errors (a bad signature, `alg: none`, HS256 keyed with the
 * public key, not yet valid) and a key endpoint it cannot reach escape as plain errors, which
 * CloudAdapter answers 500 with their message. Here they all become one AuthenticationError with no
 * detail; the cause is logged.
 */
class FailClosedAuthentication extends BotFrameworkAuthentication {
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly log: Log,
  ) {
    super();
  }

  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.unauthorisedOnFailure(() => this.inner.authenticateRequest(activity, authHeader));
  }

  override async authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.unauthorisedOnFailure(() =>
      this.inner.authenticateStreamingRequest(authHeader, channelIdHeader),
    );
  }

  override async authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.unauthorisedOnFailure(() => this.inner.authenticateChannelRequest(authHeader));
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.inner.createConnectorFactory(claimsIdentity);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  private async unauthorisedOnFailure<T>(authenticate: () => Promise<T>): Promise<T> {
    try {
      return await authenticate();
    } catch (error) {
      this.log.warn('request refused: its token could not be verified', {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw new AuthenticationError('Unauthorized', 401);
    }
  }
}
