import type { BotRuntime } from '../../bot';
import { createMessagesHandler } from '../../functions/messages';
import { type FunctionsHost, registeredRoute, startFunctionsHost } from '../../tools/local/functionsHost';
import { findFreePort, type Playground, startPlayground } from '../../tools/local/playground';
import { type EventStream, PlaygroundClient, type PlaygroundConfig } from './playground';

/** The bot's runtime behind the local Functions host's `/api/messages`, on a free port. */
export function startBotHost(runtime: BotRuntime): Promise<FunctionsHost> {
  return startFunctionsHost({
    port: 0,
    routes: [
      registeredRoute(
        'messages',
        createMessagesHandler(async () => runtime),
      ),
    ],
    log: () => undefined,
  });
}

/** The bot behind the local host, with the Agents Playground as its Teams client, connected and listening. */
export interface BotOnPlayground {
  host: FunctionsHost;
  playground: Playground;
  client: PlaygroundClient;
  config: PlaygroundConfig;
  stream: EventStream;
  stop(): Promise<void>;
}

/** Starts the host and a Playground signed in as `user` of `tenantId`, and opens its event stream. */
export async function startBotOnPlayground(
  runtime: BotRuntime,
  user: { id: string; name: string; email: string; aadObjectId: string },
  tenantId: string,
): Promise<BotOnPlayground> {
  const host = await startBotHost(runtime);
  const playground = await startPlayground({
    botEndpoint: `${host.url}/api/messages`,
    port: await findFreePort(),
    config: { currentUser: user, tenantId },
  });
  const client = new PlaygroundClient(playground.url);
  const config = await client.getConfig();
  const stream = await client.openEventStream();
  return {
    host,
    playground,
    client,
    config,
    stream,
    stop: async () => {
      await stream.close();
      await playground.stop();
      await host.close();
    },
  };
}
