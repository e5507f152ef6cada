import type { Config } from '../config/config';
import { createTabHandlers, TAB_API_ROUTES } from '../functions/tabApi';
import { createTabPagesHandler } from '../functions/tabPages';
import { buildTabRuntime } from '../functions/tabRuntime';
import { createLocalSigner, LOCAL_POLICY } from '../tabs/api/localTokens';
import { createTokenVerifier, localKeys, type TabUser } from '../tabs/api/tabToken';
import type { FunctionRoute } from './functionsHost';

/**
 * The tabs on the local host: the same /api/tab/* handlers and pages Azure registers, checking
 * tokens with the same verifier over a key set made at start; `/tab/<page>` serves the pages, and
 * `/tab/dev-token` (loopback only, never in Azure) signs a token for the Playground's user, which is
 * what the front end asks for when it is opened outside Teams.
 */
export async function localTabRoutes(
  config: Config,
  clock: () => Date,
  user: TabUser,
): Promise<{
  routes: FunctionRoute[];
  signToken: (who?: TabUser, options?: { seconds?: number }) => Promise<string>;
}> {
  const signer = await createLocalSigner();
  const runtime = buildTabRuntime(config, {
    verify: createTokenVerifier(localKeys(signer.jwks), LOCAL_POLICY),
    clock,
  });
  // The feed is read and scored before the first tab opens; a failure surfaces on the first request, as in Azure.
  runtime.then((r) => r.service.warm()).catch(() => undefined);
  const handlers = createTabHandlers(() => runtime);
  const local: Record<string, FunctionRoute['handler']> = {
    tabMe: handlers.me,
    tabCustomers: handlers.customers,
    tabCustomer: handlers.customer,
    tabAction: handlers.action,
    tabTeam: handlers.team,
  };
  // Framing stays open locally: the test host page is another loopback origin.
  const pages = createTabPagesHandler({ frameAncestors: null });
  const signToken = (who: TabUser = user, options: { seconds?: number } = {}) => signer.sign(who, options);
  const routes: FunctionRoute[] = [
    ...TAB_API_ROUTES.map((r) => ({
      name: r.name,
      path: `/api/${r.route}`,
      methods: r.methods,
      handler: local[r.name],
    })),
    {
      name: 'tabDevToken',
      path: '/tab/dev-token',
      methods: ['GET'],
      handler: async () => ({ jsonBody: { token: await signToken() } }),
    },
    { name: 'tabPages', path: '/api/tabs/{*path}', methods: ['GET'], handler: pages },
    { name: 'tabPagesLocal', path: '/tab/{*path}', methods: ['GET'], handler: pages },
  ];
  return { routes, signToken };
}
