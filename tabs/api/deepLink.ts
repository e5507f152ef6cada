/** The personal tab's entity id, as the manifest's staticTabs names it. */
export const CUSTOMERS_TAB_ENTITY = 'customers';
/** The Team tab's entity id, as its configuration page saves it (tabs/app/src/teams.ts). */
export const TEAM_TAB_ENTITY = 'team';

/**
 * A Teams deep link to one customer's page in the personal tab: Teams opens the tab and hands the
 * customer id to it as the context's `page.subPageId` (the link's `subEntityId`). `teamsAppId` is the
 * id Teams knows the installed app by: for an app in the org catalog that is its org catalog id
 * (which Teams assigns on upload), not the manifest id; for a custom app uploaded in Teams, the manifest id.
 */
export function customerPageLink(teamsAppId: string, customerId: string): string {
  const context = linkSafe(JSON.stringify({ subEntityId: customerId }));
  return `https://teams.microsoft.com/l/entity/${linkSafe(teamsAppId)}/${CUSTOMERS_TAB_ENTITY}?context=${context}`;
}

/**
 * A Teams deep link to the Team tab (a channel tab) in the channel `channelId` names, when known: the
 * channel the summary is posted to. `teamsAppId` as for customerPageLink.
 */
export function teamTabLink(teamsAppId: string, channelId?: string): string {
  const context = channelId ? `?context=${linkSafe(JSON.stringify({ channelId }))}` : '';
  return `https://teams.microsoft.com/l/entity/${linkSafe(teamsAppId)}/${TEAM_TAB_ENTITY}${context}`;
}

/**
 * encodeURIComponent, and the characters it leaves that markdown reads: the card puts the link in a
 * `[name](url)`, where a `)` in an id from the feed ended the link early and `*` started emphasis.
 */
function linkSafe(text: string): string {
  return encodeURIComponent(text).replace(
    /[()*!']/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
