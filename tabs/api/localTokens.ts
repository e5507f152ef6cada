import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';
import type { TabUser, TokenPolicy } from './tabToken';
import { SSO_SCOPE, TEAMS_CLIENT_IDS } from './teamsSso';

/**
 * Development sign-in for the local host, outside Teams: a key pair made at start, its public half
 * as a key set, and tokens signed for the Agents Playground's user. The API checks them with the same
 * verifier as Entra ID tokens (createTokenVerifier), only over this key set and policy.
 */

/** The local issuer and audience: never accepted in Azure, whose policy names the tenant and app. */
export const LOCAL_POLICY: TokenPolicy = {
  issuers: ['https://churn-predictor.local/dev-issuer'],
  audiences: ['api://127.0.0.1/churn-predictor-local'],
  scope: SSO_SCOPE,
  clients: TEAMS_CLIENT_IDS,
};

/** The client the local tokens name: Teams web (the second of Teams' clients), as in a browser. */
const LOCAL_CLIENT = TEAMS_CLIENT_IDS[1];

export interface LocalSigner {
  /** The public key set the API verifies against. */
  jwks: JSONWebKeySet;
  /** A token for `user`, valid `seconds` (default 1 hour). */
  sign(
    user: TabUser,
    options?: {
      seconds?: number;
      audience?: string;
      issuer?: string;
      scope?: string;
      /** Claims set over the user's (undefined drops one): tokens as other issuers shape them. */
      claims?: Record<string, unknown>;
    },
  ): Promise<string>;
}

/** Makes a fresh key pair (ES256) and a signer over it. */
export async function createLocalSigner(): Promise<LocalSigner> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = `local-${Date.now().toString(36)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    async sign(user, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        oid: user.userId,
        tid: user.tenantId,
        name: user.name,
        preferred_username: user.email,
        scp: options.scope ?? SSO_SCOPE,
        azp: LOCAL_CLIENT,
        ver: '2.0',
        ...options.claims,
      })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(options.issuer ?? LOCAL_POLICY.issuers[0])
        .setAudience(options.audience ?? LOCAL_POLICY.audiences[0])
        .setSubject(user.userId)
        .setIssuedAt(now)
        .setNotBefore(now - 5)
        .setExpirationTime(now + (options.seconds ?? 3600))
        .sign(privateKey);
    },
  };
}
