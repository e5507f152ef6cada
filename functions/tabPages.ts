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

/**
 * What the page may load: its own scripts, styles, data and images only, no plugins, no <base>.
 * Styles also inline: Fluent UI's Griffel inserts <style> elements at run time. teams-js fetches
 * its list of valid host origins from the Office CDN (it falls back to a built-in list without).
 */
export const TAB_CONTENT_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' https://res.cdn.office.net",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** On every answer: a browser takes the content type as sent, never sniffs one. */
const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

const NOT_FOUND: HttpResponseInit = {
  status: 404,
  headers: { ...NOSNIFF, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body: 'not found',
};

/** Where the built front end is: next to the compiled functions, or under dist/ when run from source. */
export function tabWebRoot(): string {
  const beside = join(__dirname, '..', 'tabs', 'web');
  return existsSync(join(beside, 'index.html')) ? beside : join(__dirname, '..', 'dist', 'tabs', 'web');
}

/**
 * Builds the handler over a root folder; `path` is the route's catch-all parameter. `frameAncestors`
 * null leaves framing open (the local host, whose test page is another loopback origin); the rest
 * of the content policy applies everywhere.
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
      if (page.status === 200) {
        const policy = ancestors
          ? [...TAB_CONTENT_POLICY, `frame-ancestors ${ancestors.join(' ')}`]
          : TAB_CONTENT_POLICY;
        page.headers = {
          ...(page.headers as Record<string, string>),
          'content-security-policy': policy.join('; '),
        };
      }
      return page;
    }
    // A NUL in a path makes the file system throw rather than answer "no such file".
    if (!path.startsWith('assets/') || path.includes('\0')) return NOT_FOUND;
    const full = normalize(join(root, path));
    if (!full.startsWith(join(root, 'assets') + sep)) return NOT_FOUND;
    return file(full, 'public, max-age=31536000, immutable');
  };
}

/**
 * Not there, or a folder (`assets/`), or under a file, or a name longer than the disk allows (a URL
 * anyone may send): all "not found".
 */
const MISSING = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG']);

async function file(path: string, cacheControl: string): Promise<HttpResponseInit> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch (error) {
    if (!MISSING.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    return path.endsWith('index.html')
      ? { ...NOT_FOUND, body: 'the tabs are not built: run npm run build' }
      : NOT_FOUND;
  }
  return {
    status: 200,
    headers: {
      ...NOSNIFF,
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
