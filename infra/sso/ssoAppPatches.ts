import { z } from 'zod';
import { SSO_SCOPE, ssoAudience, TEAMS_CLIENTS } from '../../tabs/api/teamsSso';
import { guid, hostName } from '../package/manifest';
import type {
  ApiApplication,
  GraphApplication,
  PermissionScope,
  PreAuthorizedApplication,
} from './graphApplication';

/**
 * The tabs' SSO registration as Microsoft Graph PATCHes of the application (`npm run sso-app`), in place of the
 * Entra admin center's "Expose an API" page: the Application ID URI, the `access_as_user` scope, the Teams clients
 * pre-authorized for it, token version 2. Built from the app as it is now, so a rerun changes nothing.
 *
 * Graph's rules these bodies follow:
 * - PATCH replaces each collection it names (`identifierUris`, `oauth2PermissionScopes`,
 *   `preAuthorizedApplications`): every body repeats what is already there, or Graph would drop it.
 * - An enabled scope cannot be removed or changed ("Permission (scope or role) cannot be deleted or updated unless
 *   disabled first"): an existing enabled `access_as_user` is sent back exactly as it is, and keeps its id.
 * - A pre-authorization can only name a scope id the app already has, not one added in the same request: the
 *   scope goes in one PATCH, the pre-authorizations in the next.
 * - Whether Graph merges or replaces the `api` object itself is not documented: each body carries all of it.
 */

export const ssoAppInputSchema = z.object({
  clientId: guid.describe("the SSO app's client id (appId)"),
  domain: hostName.describe("the function app's host name (the Bicep output appDomain)"),
  /** The id to give `access_as_user` if the app has no such scope yet (a rerun keeps the existing one). */
  newScopeId: guid,
});

export type SsoAppInput = z.input<typeof ssoAppInputSchema>;

/** A PATCH body for `https://graph.microsoft.com/v1.0/applications(appId='<client id>')`. */
export type ApplicationPatch = { identifierUris: string[] } | { api: ApiApplication };

export interface SsoAppPlan {
  /** The `access_as_user` scope's id: the existing one, else `newScopeId`. */
  scopeId: string;
  /** In this order, each after the one before has been applied. */
  patches: { name: string; body: ApplicationPatch }[];
}

/** Builds the PATCH bodies that give `current` (the app as Graph returns it) the tabs' SSO settings. */
export function ssoAppPatches(input: SsoAppInput, current: GraphApplication): SsoAppPlan {
  const parsed = ssoAppInputSchema.safeParse(input);
  if (!parsed.success) {
    const flags: Record<string, string> = { clientId: '--client-id', domain: '--domain' };
    const lines = parsed.error.issues.map(
      (i) => `  ${flags[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`,
    );
    throw new Error(`sso-app settings:\n${lines.join('\n')}`);
  }
  const { clientId, domain, newScopeId } = parsed.data;
  if (current.appId.toLowerCase() !== clientId.toLowerCase())
    throw new Error(`the app JSON is app ${current.appId}, not --client-id ${clientId}: show the right app`);
  // The id as Graph spells it (lower case), as the token's audience and check-sso compare it.
  const audience = ssoAudience(domain, current.appId);
  const identifierUris = current.identifierUris.includes(audience)
    ? current.identifierUris
    : [...current.identifierUris, audience];

  const existing = current.api.oauth2PermissionScopes.find((scope) => scope.value === SSO_SCOPE);
  const scopeId = existing?.id ?? newScopeId;
  // Enabled: sent back untouched (changing it is refused). Disabled, or none: ours, under the same id.
  const scopes =
    existing?.isEnabled === true
      ? current.api.oauth2PermissionScopes
      : [
          ...current.api.oauth2PermissionScopes.filter((scope) => scope.value !== SSO_SCOPE),
          accessAsUser(scopeId),
        ];
  const withScope: ApiApplication = {
    ...current.api,
    oauth2PermissionScopes: scopes,
    requestedAccessTokenVersion: 2,
  };
  const withClients: ApiApplication = {
    ...withScope,
    preAuthorizedApplications: preAuthorizeTeams(current.api.preAuthorizedApplications, scopeId),
  };
  return {
    scopeId,
    patches: [
      { name: '1-identifier-uri', body: { identifierUris } },
      { name: '2-scope', body: { api: withScope } },
      { name: '3-pre-authorize', body: { api: withClients } },
    ],
  };
}

/** The scope as docs/tabs.md describes it: admins and users may consent, enabled. */
function accessAsUser(id: string): PermissionScope {
  return {
    id,
    value: SSO_SCOPE,
    type: 'User',
    isEnabled: true,
    adminConsentDisplayName: 'Sign users in to the Churn Predictor tabs',
    adminConsentDescription:
      'Lets Teams sign users in to the Churn Predictor tabs, which then show their customers.',
    userConsentDisplayName: 'Sign you in to the Churn Predictor tabs',
    userConsentDescription:
      'Lets Teams sign you in to the Churn Predictor tabs, which then show your customers.',
  };
}

/** Every Teams client pre-authorized for the scope; other apps, and other scopes of theirs, kept. */
function preAuthorizeTeams(current: PreAuthorizedApplication[], scopeId: string): PreAuthorizedApplication[] {
  const withScope = (entry: PreAuthorizedApplication): PreAuthorizedApplication =>
    entry.delegatedPermissionIds.includes(scopeId)
      ? entry
      : { ...entry, delegatedPermissionIds: [...entry.delegatedPermissionIds, scopeId] };
  const teams = new Set(TEAMS_CLIENTS.map((client) => client.appId));
  const kept = current.map((entry) => (teams.has(entry.appId) ? withScope(entry) : entry));
  const added = TEAMS_CLIENTS.filter((client) => !current.some((entry) => entry.appId === client.appId)).map(
    (client) => ({ appId: client.appId, delegatedPermissionIds: [scopeId] }),
  );
  return [...kept, ...added];
}
