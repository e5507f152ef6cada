import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type HttpHandler, HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import './functionsOutsideTheRuntime';
import '../../functions';
import { TOO_LARGE } from '../../functions/jsonBody';
import { httpFunctions } from '../../functions/registry';
import type { Wiring } from '../../functions/wiring';
import { ADMIN_KEY_HEADER, isAdminKey, newAdminKey, publishAdminKey } from './adminKey';

/**
 * A stand-in for the Azure Functions host (which cannot be installed here): a node:http server on
 * loopback that turns each request into an `@azure/functions` HttpRequest and calls the handlers
 * of the same registrations Azure loads (functions/index.ts), built from the stack's wiring.
 */

export interface FunctionRoute {
  /** Function name, as in `app.http(name, ...)`. */
  name: string;
  /** Path including the `/api` prefix, e.g. `/api/messages`; `{name}` matches one segment, `{*name}` the rest. */
  path: string;
  methods: readonly string[];
  handler: HttpHandler;
}

export interface FunctionsHostOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 3978, the Bot Framework's usual local port. */
  port?: number;
  routes: readonly FunctionRoute[];
  /** Told to the user when the port is taken, e.g. "set BOT_PORT" or "pass --bot-port". */
  portHint?: string;
  log?: (level: string, ...args: unknown[]) => void;
  /**
   * Host names besides loopback that `/api/` routes answer to (a dev tunnel's public name, with the
   * bot's token check on). Admin routes answer to loopback alone, whatever this says.
   */
  publicHosts?: readonly string[];
  /**
   * Whether `/api/` routes answer requests a proxy or tunnel forwarded (X-Forwarded-*, Forwarded):
   * only with the bot's token check on. A dev tunnel forwards with `Host: localhost`, so without this
   * an unauthenticated bot, or the local tabs' sign-in, would answer anyone reaching the tunnel.
   * Default: when `publicHosts` names any. Admin routes never answer them.
   */
  forwardedToApi?: boolean;
  /** Where the admin key's file is written (default: the project's local state folder). */
  stateDir?: string;
}

export interface FunctionsHost {
  port: number;
  /** Base URL, e.g. http://127.0.0.1:3978 */
  url: string;
  /** This start's key for the /admin/ routes (sent as ADMIN_KEY_HEADER); null when there are none. */
  adminKey: string | null;
  close(): Promise<void>;
}

/** Raised when the port is already taken; the message names the port and how to change it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    hint: string,
  ) {
    super(`Port ${port} on 127.0.0.1 is already in use (an earlier run still going?). Stop it, or ${hint}.`);
    this.name = 'PortInUseError';
  }
}

export const DEFAULT_BOT_PORT = 3978;

/** A registered function's route (path and methods) with another handler in its place (tests). */
export function registeredRoute(name: string, handler: HttpHandler): FunctionRoute {
  const fn = httpFunctions.find((f) => f.name === name);
  if (!fn) throw new Error(`no function named ${name} is registered`);
  return { name, path: `/api/${fn.route}`, methods: fn.methods, handler };
}

/**
 * The product's HTTP functions as functions/ registers them, each built from `wiring`; `wrap` may
 * put a handler inside another by function name (the local stack watches the bot's installs).
 */
export function registeredRoutes(
  wiring: Wiring,
  wrap: Partial<Record<string, (handler: HttpHandler) => HttpHandler>> = {},
): FunctionRoute[] {
  return httpFunctions.map((fn) => {
    const handler = fn.build(wiring);
    return registeredRoute(fn.name, wrap[fn.name]?.(handler) ?? handler);
  });
}

/** Starts the local host; resolves once it listens. */
export async function startFunctionsHost(options: FunctionsHostOptions): Promise<FunctionsHost> {
  const routes = options.routes;
  const log =
    options.log ?? ((level: string, ...args: unknown[]) => console.log(`[functions:${level}]`, ...args));
  const requestedPort = options.port ?? DEFAULT_BOT_PORT;
  const publicHosts = new Set((options.publicHosts ?? []).map((h) => h.toLowerCase()));
  const forwardedToApi = options.forwardedToApi ?? publicHosts.size > 0;
  const adminKey = routes.some(isAdminRoute) ? newAdminKey() : null;
  const server = createServer((req, res) => {
    const refusal = foreignRequest(req, publicHosts, forwardedToApi);
    if (refusal) {
      log('warn', `refused ${req.method} ${req.url}: ${refusal}`);
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'forbidden' }));
      return;
    }
    handle(req, res, routes, log, adminKey).catch((error: unknown) => {
      log('error', 'local host failed to answer', error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await listen(server, requestedPort, options.portHint ?? 'choose another port (the `port` option)');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requestedPort;
  const unpublish = adminKey
    ? await publishAdminKey(port, adminKey, options.stateDir)
    : async () => undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    adminKey,
    close: async () => {
      await unpublish();
      await closeServer(server);
    },
  };
}

function isAdminRoute(route: FunctionRoute): boolean {
  return route.path.startsWith('/admin/');
}

/**
 * Why an admin request is refused, or null: it must carry this start's key, and come straight from
 * this machine: a request forwarded by a proxy or a dev tunnel (X-Forwarded-*, Forwarded) never runs
 * a timer, whatever it carries.
 */
function adminRefusal(req: IncomingMessage, key: string | null): string | null {
  const forwarded = forwardedHeader(req);
  if (forwarded) return `forwarded (${forwarded}): admin routes answer this machine alone`;
  if (!key || !isAdminKey(req.headers[ADMIN_KEY_HEADER], key)) return `no or wrong ${ADMIN_KEY_HEADER}`;
  return null;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The host name of a `Host` header value or an origin URL, lower-case, without the port. */
function hostNameOf(value: string): string | null {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.toLowerCase();
  } catch (err) {
    if (err instanceof TypeError) return null;
    throw err;
  }
}

/** The header that says a proxy or tunnel forwarded the request, or undefined. */
function forwardedHeader(req: IncomingMessage): string | undefined {
  return Object.keys(req.headers).find((h) => h.startsWith('x-forwarded-') || h === 'forwarded');
}

/**
 * Why a request must not reach the functions, or null. A web page elsewhere can make a browser POST
 * to 127.0.0.1 (it sends `Origin: http://evil.example`), or reach it under its own name through DNS
 * rebinding (`Host: evil.example`): only this machine's pages and names are answered. Tools that are
 * not browsers (the Playground, curl, the Bot Framework) send no Origin. A request a tunnel forwarded
 * comes from anywhere, whatever its Host says: it reaches `/api/` only when `forwardedToApi` says so.
 */
export function foreignRequest(
  req: IncomingMessage,
  publicHosts: ReadonlySet<string>,
  forwardedToApi = publicHosts.size > 0,
): string | null {
  // As the route is matched: `/api/../tab/dev-token` is no /api/ route.
  const api = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.startsWith('/api/');
  const forwarded = forwardedHeader(req);
  if (forwarded && !(forwardedToApi && api))
    return `forwarded (${forwarded}): this host answers this machine alone without the bot's token check`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const name = origin === 'null' ? null : hostNameOf(origin);
    if (!name || !LOOPBACK_NAMES.has(name)) return `Origin ${origin.slice(0, 100)} is not this machine`;
  }
  const host = req.headers.host;
  const name = host ? hostNameOf(host) : null;
  if (name && LOOPBACK_NAMES.has(name)) return null;
  if (name && publicHosts.has(name) && api) return null;
  return `Host ${(host ?? '(none)').slice(0, 100)} is not this machine`;
}

function listen(server: Server, port: number, hint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, hint) : error);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets (the Playground's axios) would hold close() open.
    server.closeAllConnections();
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly FunctionRoute[],
  log: (level: string, ...args: unknown[]) => void,
  adminKey: string | null,
): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const method = (req.method ?? 'GET').toUpperCase();
  let found: { route: FunctionRoute; params: Record<string, string> | null } | undefined;
  // Deployed, the Functions host decodes an escaped slash before it matches a route (`a%2Fb` is two
  // segments there, though not under Core Tools): so does this one, so a route that would 404 in
  // Azure for such an id fails here too.
  const pathname = url.pathname.replace(/%2F/gi, '/');
  try {
    found = routes.map((r) => ({ route: r, params: matchPath(r.path, pathname) })).find((m) => m.params);
  } catch (error) {
    // A malformed escape (`%ZZ`) in the path is the caller's mistake, as Azure answers it.
    if (error instanceof URIError)
      return send(res, new HttpResponse({ status: 400, jsonBody: { error: 'malformed URL path' } }));
    throw error;
  }
  const route = found?.route;
  if (!route)
    return send(
      res,
      new HttpResponse({ status: 404, jsonBody: { error: `no function at ${url.pathname}` } }),
    );
  if (!route.methods.includes(method)) {
    return send(res, new HttpResponse({ status: 405, headers: { allow: route.methods.join(', ') } }));
  }
  // Decided on the matched route, so `/api/../admin/...` is held to it too.
  const refusal = isAdminRoute(route) ? adminRefusal(req, adminKey) : null;
  if (refusal) {
    log('warn', `refused ${method} ${url.pathname}: ${refusal}`);
    return send(res, new HttpResponse({ status: 403, jsonBody: { error: 'forbidden' } }));
  }
  const body = await readBody(req);
  if (body === null) {
    // The rest of the body is not read: the connection closes once the answer is sent.
    res.shouldKeepAlive = false;
    return send(res, new HttpResponse({ status: 413, jsonBody: { error: TOO_LARGE } }));
  }
  const request = new HttpRequest({
    method,
    url: url.toString(),
    headers: toHeaderRecord(req),
    query: Object.fromEntries(url.searchParams),
    params: found?.params ?? {},
    ...(body.length > 0 ? { body: { string: body } } : {}),
  });
  const context = new InvocationContext({
    functionName: route.name,
    invocationId: randomUUID(),
    logHandler: (level, ...args) => log(level, ...args),
  });
  const init = await route.handler(request, context);
  await send(res, init instanceof HttpResponse ? init : new HttpResponse(init));
}

/** The route's parameters when `pathname` matches `pattern` (`{id}` one segment, `{*rest}` the rest), else null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = pathname.split('/');
  const params: Record<string, string> = {};
  for (let k = 0; k < want.length; k++) {
    const rest = /^\{\*(\w+)\}$/.exec(want[k]);
    if (rest) {
      params[rest[1]] = got.slice(k).map(decodeURIComponent).join('/');
      return params;
    }
    if (k >= got.length) return null;
    const one = /^\{(\w+)\}$/.exec(want[k]);
    if (one) {
      if (got[k] === '') return null;
      params[one[1]] = decodeURIComponent(got[k]);
    } else if (want[k] !== got[k]) return null;
  }
  return got.length === want.length ? params : null;
}

async function send(res: ServerResponse, response: HttpResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, headers);
  res.end(bytes);
}

/**
 * The largest request body Azure's Functions host takes (100 MB, 104,857,600 bytes: "The HTTP request
 * length is limited to 100 MB", Azure Functions HTTP trigger, Limits); it answers a larger one 413.
 */
const MAX_REQUEST_BYTES = 104_857_600;

/**
 * The request's body as text, or null when it is larger than Azure's host takes (declared so, or
 * once that many bytes came): a dev tunnel lets anyone post here, and every byte would be held.
 */
function readBody(req: IncomingMessage): Promise<string | null> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_REQUEST_BYTES) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      chunks.length = 0;
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toHeaderRecord(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
