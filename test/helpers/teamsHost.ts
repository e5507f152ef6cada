import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TabUser } from '../../tabs/api/tabToken';

/**
 * A stand-in for the Teams client around a tab: a page on its own loopback origin that embeds the
 * tab in an iframe and answers what the real @microsoft/teams-js sends its host with postMessage
 * (`initialize`, `getContext`, `authentication.getAuthToken`, and anything else with an empty
 * answer), and can push a theme change the way Teams does. Messages are teams-js's wire format:
 * requests `{id, uuidAsString, func, args}`, answers `{id, uuidAsString, args}`, host events
 * `{func, args}`.
 */

export interface TeamsHostOptions {
  /** The tab's URL (the local host's /tab/personal or /tab/team). */
  tabUrl: string;
  /** The token Teams' SSO would hand the tab (asked for on each getAuthToken). */
  token: () => Promise<string>;
  theme?: 'default' | 'dark' | 'contrast';
  /** The legacy context fields teams-js turns into app.Context (user, locale, sub-page...). */
  context?: Record<string, unknown>;
  /** Frame context: `content` for tabs, `settings` for the configuration page. */
  frameContext?: 'content' | 'settings';
}

export interface TeamsHost {
  /** The host page to open in the browser. */
  url: string;
  close(): Promise<void>;
}

/** The runtime a current Teams web client reports: capabilities the tabs use. */
const RUNTIME = {
  apiVersion: 4,
  isLegacyTeams: false,
  hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
  supports: {
    app: {},
    appEntity: {},
    authentication: {},
    dialog: { card: { bot: {} }, url: { bot: {}, parentCommunication: {} }, update: {} },
    pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
    teams: { fullTrust: {} },
    teamsCore: {},
  },
};

/** The legacy context fields that say who is signed in to Teams, for `context`. */
export function userContext(user: TabUser): Record<string, unknown> {
  return {
    userObjectId: user.userId,
    userPrincipalName: user.email,
    loginHint: user.email,
    userDisplayName: user.name,
    tid: user.tenantId,
  };
}

/** Starts the host page's server on a free loopback port. */
export async function startTeamsHost(options: TeamsHostOptions): Promise<TeamsHost> {
  const tabOrigin = new URL(options.tabUrl).origin;
  const context = {
    locale: 'en-US',
    theme: options.theme ?? 'default',
    frameContext: options.frameContext ?? 'content',
    hostClientType: 'web',
    appSessionId: 'test-session',
    ...options.context,
  };
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>Teams (test host)</title>
<style>html,body{margin:0;height:100%;background:#f5f5f5} iframe{border:0;width:100%;height:100%}</style></head>
<body><iframe id="tab" src="${options.tabUrl}"></iframe>
<script>
const TAB_ORIGIN = ${JSON.stringify(tabOrigin)};
const RUNTIME = ${JSON.stringify(RUNTIME)};
let context = ${JSON.stringify(context)};
const frame = document.getElementById('tab');
window.hostCalls = [];
window.savedSettings = [];
window.addEventListener('message', async (event) => {
  if (event.source !== frame.contentWindow || event.origin !== TAB_ORIGIN) return;
  const m = event.data;
  if (!m || typeof m.func !== 'string' || typeof m.id !== 'number') return;
  window.hostCalls.push(m.func);
  const reply = (args) => frame.contentWindow.postMessage({ id: m.id, uuidAsString: m.uuidAsString, args }, TAB_ORIGIN);
  switch (m.func) {
    case 'initialize':
      return reply([context.frameContext, 'web', JSON.stringify(RUNTIME), '2.58.0']);
    case 'getContext':
      return reply([context]);
    case 'settings.setSettings':
      window.savedSettings.push(m.args[0]);
      return reply([true]);
    case 'authentication.getAuthToken': {
      const response = await fetch('/token');
      return response.ok ? reply([true, await response.text()]) : reply([false, 'resourceDisabled']);
    }
    default:
      return reply([]);
  }
});
/** The user selects Save on a configuration page: Teams sends the page its save event. */
window.saveTab = () => frame.contentWindow.postMessage({ func: 'settings.save', args: [{}] }, TAB_ORIGIN);
/** Teams' theme switch: the new theme goes to the tab's registered handler. */
window.setTeamsTheme = (theme) => {
  context = { ...context, theme };
  frame.contentWindow.postMessage({ func: 'themeChange', args: [theme] }, TAB_ORIGIN);
};
</script></body></html>`;
  const server: Server = createServer((req, res) => {
    if (req.url === '/token') {
      options.token().then(
        (token) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(token);
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
