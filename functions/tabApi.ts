import { app, type HttpHandler, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { TabApiError, type TabService } from '../tabs/api/tabService';
import type { TabUser, TokenVerifier } from '../tabs/api/tabToken';
import type { ActionRequestBody, TabAction } from '../tabs/api/tabTypes';
import { getTabRuntime } from './tabRuntime';

/** What the tab API's handlers run on: the token check and the service. */
export interface TabRuntime {
  verify: TokenVerifier;
  service: TabService;
}

export interface TabHandlers {
  me: HttpHandler;
  customers: HttpHandler;
  customer: HttpHandler;
  action: HttpHandler;
  team: HttpHandler;
}

const ACTIONS: readonly TabAction[] = ['reached_out', 'won_back', 'lost', 'undo'];
const MAX_BODY_CHARS = 10_000;

/** Builds the /api/tab/* handlers around a runtime (Azure uses the environment's; the local host and tests pass theirs). */
export function createTabHandlers(getRuntime: () => Promise<TabRuntime>): TabHandlers {
  /** Every handler: a verified user first (401 otherwise), then the work; refusals map to their status. */
  const authed =
    (work: (request: HttpRequest, user: TabUser, service: TabService) => Promise<unknown>): HttpHandler =>
    async (request, context): Promise<HttpResponseInit> => {
      const runtime = await getRuntime();
      const check = await runtime.verify(request.headers.get('authorization'));
      if (!check.ok) {
        context.warn('tab API refused a token', { reason: check.reason, detail: check.detail });
        return {
          status: 401,
          headers: { 'www-authenticate': 'Bearer', 'cache-control': 'no-store' },
          jsonBody: { error: 'sign-in required', reason: check.reason },
        };
      }
      try {
        return {
          status: 200,
          headers: { 'cache-control': 'no-store' },
          jsonBody: await work(request, check.user, runtime.service),
        };
      } catch (error) {
        if (error instanceof TabApiError) return { status: error.status, jsonBody: { error: error.message } };
        throw error;
      }
    };
  return {
    me: authed(async (_request, user, service) => service.me(user)),
    customers: authed((_request, user, service) => service.customers(user)),
    customer: authed((request, user, service) => service.customer(user, customerIdOf(request))),
    action: authed(async (request, user, service) =>
      service.act(user, customerIdOf(request), await actionBody(request)),
    ),
    team: authed((request, user, service) =>
      service.team(user, { rep: request.query.get('rep'), month: monthOf(request.query.get('month')) }),
    ),
  };
}

function customerIdOf(request: HttpRequest): string {
  const id = request.params.id ?? '';
  if (id === '' || id.length > 400) throw new TabApiError(400, 'customer id missing or too long');
  return id;
}

function monthOf(month: string | null): string | null {
  if (month === null || month === '') return null;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new TabApiError(400, `month must be YYYY-MM, got "${month}"`);
  return month;
}

async function actionBody(request: HttpRequest): Promise<ActionRequestBody> {
  const text = await request.text();
  if (text.length > MAX_BODY_CHARS) throw new TabApiError(400, 'request body too large');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) throw new TabApiError(400, `malformed JSON: ${error.message}`);
    throw error;
  }
  const body = (raw ?? {}) as Record<string, unknown>;
  const action = body.action as TabAction;
  if (!ACTIONS.includes(action)) throw new TabApiError(400, `action must be one of ${ACTIONS.join(', ')}`);
  const text_ = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  return { action, value: text_('value'), reason: text_('reason'), note: text_('note') };
}

/** The tab API as Azure runs it: SSO from the environment (fails closed when not configured). */
export const tabHandlers = createTabHandlers(getTabRuntime);

/** The routes, as registered with the Functions host (`/api` prefix added by the host). */
export const TAB_API_ROUTES = [
  { name: 'tabMe', route: 'tab/me', methods: ['GET'], handler: tabHandlers.me },
  { name: 'tabCustomers', route: 'tab/customers', methods: ['GET'], handler: tabHandlers.customers },
  { name: 'tabCustomer', route: 'tab/customers/{id}', methods: ['GET'], handler: tabHandlers.customer },
  { name: 'tabAction', route: 'tab/customers/{id}/actions', methods: ['POST'], handler: tabHandlers.action },
  { name: 'tabTeam', route: 'tab/team', methods: ['GET'], handler: tabHandlers.team },
] as const;

for (const r of TAB_API_ROUTES) {
  app.http(r.name, { route: r.route, methods: [...r.methods], authLevel: 'anonymous', handler: r.handler });
}
