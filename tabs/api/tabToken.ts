import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { addressKey } from '../../rules/addresses';
import { SSO_SCOPE, TEAMS_CLIENT_IDS } from './teamsSso';

/**
 * The tab API's single sign-on check: the bearer token Teams hands the tab
 * (`authentication.getAuthToken`) is a JWT signed by the tenant's Entra ID keys. It is accepted only
 * with a valid signature from the key set (JWKS), the expected issuer and tenant, an audience that is this
 * app's `api://` URI (or its client id, as v2 tokens carry it), asked for by a Teams client, and not
 * expired. Locally the same
 * check runs against a key set the local host generates (see localTokens.ts).
 */

/** The signed-in user the API acts for, read from a verified token. */
export interface TabUser {
  /** The Entra ID object id (`oid`): the same id the bot sees as the Teams user's AAD object id. */
  userId: string;
  name: string;
  /** The user's sign-in name (`upn`, else `preferred_username`; lower case): matched against the feed's `owner`. */
  email: string;
  tenantId: string;
}

/** What a verifier accepts. */
export interface TokenPolicy {
  /** Accepted issuers (v1 `https://sts.windows.net/<tenant>/` and v2 `.../<tenant>/v2.0`). */
  issuers: readonly string[];
  /** Accepted audiences: the `api://` URI and the client id. */
  audiences: readonly string[];
  /** The delegated scope the token must carry in `scp` (Teams SSO: the app's `access_as_user`). */
  scope: string;
  /** The client apps that may have asked for the token (`azp` in v2 tokens, `appid` in v1). */
  clients: readonly string[];
  /**
   * The tenant whose users are served, as the token's `tid` must name it. The issuer names it too;
   * Microsoft's claims validation guidance checks `tid` itself, so a token is never read as another
   * organisation's user whatever issuer forms are accepted. Absent: any (the local host's tokens).
   */
  tenantId?: string;
}

/** Allowed clock skew between the token's issuer and this host, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 60;

/** Why a request was refused: the API answers 401 with this and nothing more. */
export type TokenRefusal = 'missing' | 'malformed' | 'invalid' | 'expired' | 'not_configured';

export type TokenCheck = { ok: true; user: TabUser } | { ok: false; reason: TokenRefusal; detail: string };

/** Verifies an `Authorization` header value; never throws for a bad token. */
export type TokenVerifier = (authorization: string | null) => Promise<TokenCheck>;

/** The Entra ID tenant's policy: its two issuer forms, the app's `api://` URI and client id. */
export function entraPolicy(sso: { tenantId: string; clientId: string; audience: string }): TokenPolicy {
  return {
    issuers: [
      `https://login.microsoftonline.com/${sso.tenantId}/v2.0`,
      `https://sts.windows.net/${sso.tenantId}/`,
    ],
    audiences: [sso.audience, sso.clientId],
    scope: SSO_SCOPE,
    clients: TEAMS_CLIENT_IDS,
    tenantId: sso.tenantId,
  };
}

/** The tenant's signing keys, fetched and cached by jose (refetched on an unknown key id). */
export function entraKeys(tenantId: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(`https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`));
}

/** A key set held in memory (the local host's development keys, tests). */
export function localKeys(jwks: JSONWebKeySet): JWTVerifyGetKey {
  return createLocalJWKSet(jwks);
}

/** Builds the verifier over a key set and a policy. */
export function createTokenVerifier(keys: JWTVerifyGetKey, policy: TokenPolicy): TokenVerifier {
  const lookup = unreachableRefused(keys);
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) return { ok: false, reason: 'missing', detail: 'no bearer token' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, lookup, {
        issuer: [...policy.issuers],
        audience: [...policy.audiences],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'oid', 'tid'],
        algorithms: ['RS256', 'ES256'],
      }));
    } catch (error) {
      return refusalOf(error);
    }
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (!scopes.includes(policy.scope))
      return { ok: false, reason: 'invalid', detail: `the token lacks the ${policy.scope} scope` };
    const client = payload.azp ?? payload.appid;
    if (typeof client !== 'string' || !policy.clients.includes(client))
      return {
        ok: false,
        reason: 'invalid',
        detail: `the token was asked for by ${typeof client === 'string' ? `app ${client}` : 'no named app'}, not a Teams client`,
      };
    if (policy.tenantId !== undefined && payload.tid !== policy.tenantId)
      return {
        ok: false,
        reason: 'invalid',
        detail: `the token is for tenant ${String(payload.tid)}, not this app's (${policy.tenantId})`,
      };
    return userOf(payload);
  };
}

/** A verifier that refuses everything: the tab API when SSO is not configured (fail closed). */
export const refuseAll: TokenVerifier = async () => ({
  ok: false,
  reason: 'not_configured',
  detail: 'tab sign-in is not configured (TAB_SSO_CLIENT_ID, TAB_SSO_AUDIENCE)',
});

function bearerToken(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  return match ? match[1] : null;
}

/** The key set could not be fetched at all: no token can be verified, so each is refused. */
class KeySetUnreachable extends Error {
  override readonly name = 'KeySetUnreachable';
}

/**
 * The key lookup, with a key set that cannot be fetched (the network or DNS down) refused as a bad
 * key is: jose passes fetch's own TypeError on, which the API would answer with a 500.
 */
function unreachableRefused(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof errors.JOSEError) throw error;
      throw new KeySetUnreachable(
        `the key set could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  };
}

function refusalOf(error: unknown): TokenCheck {
  if (error instanceof KeySetUnreachable) return { ok: false, reason: 'invalid', detail: error.message };
  if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired', detail: error.message };
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return { ok: false, reason: 'malformed', detail: error.message };
  // Bad signature, unknown key, wrong issuer or audience, missing claim, unfetchable key set.
  if (error instanceof errors.JOSEError) return { ok: false, reason: 'invalid', detail: error.message };
  throw error;
}

/**
 * The user of a verified token. Their sign-in name, matched against the feed's `owner`, is `upn`
 * (the tenant's own sign-in name), else `preferred_username`; never the `email` claim, which Entra
 * ID does not verify (a guest or an app registration can set it to anyone's address).
 */
function userOf(payload: JWTPayload): TokenCheck {
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : '');
  const email = addressKey(text('upn') || text('preferred_username'));
  const userId = text('oid');
  if (!userId || !email)
    return {
      ok: false,
      reason: 'invalid',
      detail: 'the token names no user: it needs oid, and upn or preferred_username (email is not trusted)',
    };
  return { ok: true, user: { userId, name: text('name') || email, email, tenantId: text('tid') } };
}
