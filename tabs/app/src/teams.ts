/** teams-js, loaded only inside a host (a plain browser on the local host never needs it). */
const teamsJs = () => import('./teamsSdk');

/**
 * Everything the tabs ask of Teams, in one place: initialize, the context (user, locale, theme,
 * the deep link's sub-page), theme changes and the single sign-on token. Outside Teams (a plain
 * browser on `npm start`) there is no host: the local host's development token stands in for SSO.
 */

export type TeamsTheme = 'default' | 'dark' | 'contrast';

export interface HostInfo {
  inTeams: boolean;
  theme: TeamsTheme;
  locale: string;
  /** The user's display name or sign-in name, from the context. */
  userName: string | null;
  /** The deep link's sub-page: a customer id to open. */
  subPageId: string | null;
}

/** True when the page runs inside a host frame (Teams, or a test host page). */
export function hasHost(): boolean {
  return window.parent !== window;
}

/**
 * Origins besides Teams' own whose messages teams-js accepts: only on a loopback tab (the local
 * host), the loopback page that embeds it (the test host page). In Teams the list is teams-js's.
 */
export function extraValidOrigins(): string[] {
  const loopback = (host: string) => host === '127.0.0.1' || host === 'localhost';
  if (!loopback(location.hostname) || !document.referrer) return [];
  const parent = new URL(document.referrer);
  return loopback(parent.hostname) ? [parent.origin] : [];
}

function themeOf(value: string | undefined): TeamsTheme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

/** Connects to the host (or notes there is none) and reads the context. */
export async function connect(): Promise<HostInfo> {
  const params = new URLSearchParams(location.search);
  if (!hasHost()) {
    return {
      inTeams: false,
      theme: themeOf(params.get('theme') ?? undefined),
      locale: navigator.language,
      userName: null,
      subPageId: params.get('customer'),
    };
  }
  const { app } = await teamsJs();
  await app.initialize(extraValidOrigins());
  const context = await app.getContext();
  return {
    inTeams: true,
    theme: themeOf(context.app.theme),
    locale: context.app.locale || navigator.language,
    userName: context.user?.displayName || context.user?.userPrincipalName || null,
    subPageId: context.page.subPageId || params.get('customer'),
  };
}

/** Calls `handler` when the user switches Teams' theme (default, dark, high contrast). */
export async function onThemeChange(handler: (theme: TeamsTheme) => void): Promise<void> {
  if (!hasHost()) return;
  const { app } = await teamsJs();
  app.registerOnThemeChangeHandler((theme) => handler(themeOf(theme)));
}

/** Tells Teams the tab has loaded (hides its loading indicator). */
export async function notifyLoaded(): Promise<void> {
  if (!hasHost()) return;
  const { app } = await teamsJs();
  await app.notifySuccess();
}

/** The bearer token for the tab API: Teams SSO, or the local host's development token outside Teams. */
export async function fetchToken(): Promise<string> {
  if (hasHost()) return (await teamsJs()).authentication.getAuthToken();
  const response = await fetch('/tab/dev-token');
  if (!response.ok) throw new Error('Open this tab in Teams to sign in (no development sign-in here).');
  return ((await response.json()) as { token: string }).token;
}

/** The channel tab's configuration page: one choice, the Team dashboard. */
export async function configureTeamTab(): Promise<void> {
  const { pages } = await teamsJs();
  pages.config.registerOnSaveHandler((save) => {
    const base = new URL('./team', location.href).toString();
    pages.config
      .setConfig({ contentUrl: base, websiteUrl: base, entityId: 'team', suggestedDisplayName: 'Team' })
      .then(
        () => save.notifySuccess(),
        (error: unknown) => save.notifyFailure(String(error)),
      );
  });
  pages.config.setValidityState(true);
}
