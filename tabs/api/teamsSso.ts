/**
 * What the tabs' single sign-on expects of its Entra ID app registration, in one place: the scope Teams asks
 * for and the Teams clients that ask for it. The tab API's token check, `npm run sso-app` (which registers them)
 * and `npm run check-sso` (which reads a registration back) all take them from here; docs/tabs.md lists them.
 */

/** The delegated scope the registration exposes, which Teams asks for (`api://<domain>/<client id>/access_as_user`). */
export const SSO_SCOPE = 'access_as_user';

/** One of Teams' own client apps, which ask Entra ID for the tab's token. */
export interface TeamsClient {
  appId: string;
  name: string;
  /** Teams itself (desktop, mobile, web): without it the tabs cannot sign in in Teams at all. */
  required: boolean;
}

/**
 * Teams' clients, as Microsoft publishes their ids for tab SSO ("Configure your tab app in Microsoft Entra ID",
 * learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-register-aad): Teams desktop,
 * mobile and web, then the Microsoft 365 app and Outlook, which host Teams tabs too.
 */
export const TEAMS_CLIENTS: readonly TeamsClient[] = [
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', name: 'Teams desktop and mobile', required: true },
  { appId: '5e3ce6c0-2b1f-4285-8d4b-75ee78787346', name: 'Teams web', required: true },
  { appId: '4765445b-32c6-49b0-83e6-1d93765276ca', name: 'Microsoft 365 web', required: false },
  { appId: '0ec893e0-5785-4de6-99da-4ed124e5296c', name: 'Microsoft 365 desktop', required: false },
  {
    appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
    name: 'Microsoft 365 mobile and Outlook desktop',
    required: false,
  },
  { appId: 'bc59ab01-8403-45c6-8796-ac3ef710b3e3', name: 'Outlook web', required: false },
  { appId: '27922004-5251-4030-b22d-91ecd9a37ea4', name: 'Outlook mobile', required: false },
];

/**
 * The client apps the tab API accepts tokens from (the token's `azp`, or `appid` in a v1 token). Any other app a
 * user consents to can get a token for this API and scope too; it is not the tab, so its tokens are refused.
 */
export const TEAMS_CLIENT_IDS: readonly string[] = TEAMS_CLIENTS.map((client) => client.appId);

/** The registration's Application ID URI, which the Teams manifest's `webApplicationInfo.resource` names too. */
export function ssoAudience(domain: string, clientId: string): string {
  return `api://${domain}/${clientId}`;
}
