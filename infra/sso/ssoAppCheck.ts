import { SSO_SCOPE, ssoAudience, TEAMS_CLIENTS } from '../../tabs/api/teamsSso';
import type { GraphApplication } from './graphApplication';

/**
 * `npm run check-sso`: what is wrong with the tabs' SSO registration, read from `az ad app show`, in the words of
 * docs/deploy.md's troubleshooting table. Each of these shows in Teams as an error in the tab before any request
 * reaches the app, so the app's log cannot tell which one it is.
 */

export interface SsoFinding {
  /** `error`: the tabs cannot sign in in Teams; `warning`: in Outlook or Microsoft 365, or not as the docs set it. */
  level: 'error' | 'warning';
  message: string;
}

/** Everything wrong with `app` as the tabs' SSO registration for `domain`; empty when all is as docs/tabs.md sets it. */
export function checkSsoApp(app: GraphApplication, domain: string): SsoFinding[] {
  const findings: SsoFinding[] = [];
  const error = (message: string) => findings.push({ level: 'error', message });
  const warning = (message: string) => findings.push({ level: 'warning', message });

  const audience = ssoAudience(domain, app.appId);
  if (!app.identifierUris.includes(audience))
    error(
      `the Application ID URI is not ${audience} (the app has ${listed(app.identifierUris)}): Teams asks for a token for the manifest's webApplicationInfo.resource, which names that URI (docs/tabs.md, step 2)`,
    );

  const scope = app.api.oauth2PermissionScopes.find((s) => s.value === SSO_SCOPE);
  if (!scope)
    error(
      `the ${SSO_SCOPE} scope is missing, so no Teams client is pre-authorized for it (docs/tabs.md, steps 2 and 3)`,
    );
  else if (!scope.isEnabled) error(`the ${SSO_SCOPE} scope is disabled (docs/tabs.md, step 2)`);

  if (scope)
    for (const client of TEAMS_CLIENTS) {
      const entry = app.api.preAuthorizedApplications.find((e) => e.appId === client.appId);
      if (entry?.delegatedPermissionIds.includes(scope.id)) continue;
      const message = `${client.name} (${client.appId}) is not pre-authorized for ${SSO_SCOPE} (docs/tabs.md, step 3)`;
      if (client.required) error(`the Teams clients are not pre-authorized: ${message}`);
      else warning(`${message}: the tabs cannot sign in there`);
    }

  // Entra issues a version 1 token all the same, which the tab API verifies too (its issuer and its
  // audience, the URI Teams asks for): not as Teams' SSO guide sets it up, but no sign-in fails.
  const version = app.api.requestedAccessTokenVersion;
  if (version !== 2)
    warning(
      `the token version is not 2 (api.requestedAccessTokenVersion is ${version ?? 'null'}), as Teams' SSO guide asks (docs/tabs.md, step 4): the tab API verifies a version 1 token too, whose audience is the Application ID URI, so TAB_SSO_AUDIENCE must name that URI`,
    );

  if (app.signInAudience !== 'AzureADMyOrg')
    warning(
      `the sign-in audience is ${app.signInAudience ?? 'not set'}, not AzureADMyOrg (accounts in this organizational directory only) as docs/tabs.md registers it: the tab API accepts users of its own tenant only`,
    );
  return findings;
}

function listed(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.join(', ');
}
