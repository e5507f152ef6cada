import { createTabPagesHandler } from '../../functions/tabPages';
import { createLocalSigner, LOCAL_POLICY } from '../../tabs/api/localTokens';
import { createTokenVerifier, localKeys, type TabUser, type TokenVerifier } from '../../tabs/api/tabToken';
import type { FunctionRoute } from './functionsHost';

/** The local host's sign-in for the tabs outside Teams: the verifier for the wiring and the routes only the local host has. */
export interface LocalTabs {
  /** Checks tokens with the same verifier as Entra ID's, over a key set made at start. */
  verify: TokenVerifier;
  /** `/tab/<page>` (the pages, framing open for the loopback test host) and `/tab/dev-token`. */
  routes: FunctionRoute[];
  signToken(who?: TabUser, options?: { seconds?: number }): Promise<string>;
}

/**
 * The tabs on the local host: the /api/tab/* handlers are the registered ones (built from the
 * stack's wiring with `verify`); `/tab/dev-token` (loopback only, never in Azure) signs a token for
 * the Playground's user, which is what the front end asks for when it is opened outside Teams.
 */
export async function localTabs(user: TabUser): Promise<LocalTabs> {
  const signer = await createLocalSigner();
  // Framing stays open locally: the test host page is another loopback origin.
  const pages = createTabPagesHandler({ frameAncestors: null });
  const signToken = (who: TabUser = user, options: { seconds?: number } = {}) => signer.sign(who, options);
  return {
    verify: createTokenVerifier(localKeys(signer.jwks), LOCAL_POLICY),
    signToken,
    routes: [
      {
        name: 'tabDevToken',
        path: '/tab/dev-token',
        methods: ['GET'],
        handler: async () => ({ jsonBody: { token: await signToken() } }),
      },
      { name: 'tabPagesLocal', path: '/tab/{*path}', methods: ['GET'], handler: pages },
    ],
  };
}
