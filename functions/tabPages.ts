import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { HttpHandler, HttpResponseInit } from '@azure/functions';
import { registerHttp } from './registry';

/**
 * Serves the tabs' built front end (Vite's output, `dist/tabs/web`): the page for `personal`,
 * `team` and `config` (the channel tab's configuration page) is the one index.html, which reads its
 * view from the path; `assets/*` are the hashed bundles, cached for a year.
 */

/** The pages of the one front end. */
export const TAB_PAGES = ['personal', 'team', 'config'] as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Who may frame the pages: Teams, and Teams in Outlook and Microsoft 365 (web, desktop and mobile
 * load them from these origins). Nobody else can embed the tab and ask it for its token.
 */
export const TEAMS_FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.microsoft365.com',
];

/** Where the built front end is: next to the compiled functions, or under dist/ when run from source. */
export function tabWebRoot(): string {
  const beside = join(__dirname, '..', 'tabs', 'web');
  return existsSync(join(beside, 'index.html')) ? beside : join(__dirname, '..', 'dist', 'tabs', 'web');
}

/**
 * Builds the handler over a root folder; `path` is the route's catch-all parameter. `frameAncestors`
 * null leaves framing open (the local host, whose test page is another loopback origin).
 */
export function createTabPagesHandler(
  options: { root?: string; frameAncestors?: readonly string[] | null } = {},
): HttpHandler {
  const root = options.root ?? tabWebRoot();
  const ancestors = options.frameAncestors === undefined ? TEAMS_FRAME_ANCESTORS : options.frameAncestors;
  return async (request): Promise<HttpResponseInit> => {
    const path = (request.params.path ?? '').replace(/^\/+/, '');
    if ((TAB_PAGES as readonly string[]).includes(path) || path === '') {
      const page = await file(join(root, 'index.html'), 'no-cache');
      if (ancestors && page.status === 200) {
        page.headers = {
          ...(page.headers as Record<string, string>),
          'content-security-policy': `frame-ancestors ${ancestors.join(' ')}`,
        };
      }
      return page;
    }
    if (!path.startsWith('assets/')) return { status: 404, body: 'not found' };
    const full = normalize(join(root, path));
    if (!full.startsWith(join(root, 'assets') + sep)) return { status: 404, body: 'not found' };
    return file(full, 'public, max-age=31536000, immutable');
  };
}

async function file(path: string, cacheControl: string): Promise<HttpResponseInit> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        status: 404,
        body: path.endsWith('index.html') ? 'the tabs are not built: run npm run build' : 'not found',
      };
    }
    throw error;
  }
  return {
    status: 200,
    headers: {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': cacheControl,
    },
    body,
  };
}

/** GET /api/tabs/{*path}: the tabs' pages and assets. */
registerHttp({
  name: 'tabPages',
  route: 'tabs/{*path}',
  methods: ['GET'],
  build: () => createTabPagesHandler(),
});
