import type { HttpHandler, HttpMethod, HttpRequest, HttpResponseInit } from '@azure/functions';
import { MONTH_KEY } from '../rules/calendar';
import { type CustomersQuery, customersQuerySchema } from '../tabs/api/customerList';
import { TabApiError, type TabService } from '../tabs/api/tabService';
import type { TabUser, TokenVerifier } from '../tabs/api/tabToken';
import type { ActionRequestBody, TabAction } from '../tabs/api/tabTypes';
import { parseJsonBody } from './jsonBody';
import { registerHttp } from './registry';

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

/**
 * On every answer, refusals included: they can name customers (a 409 says who acted), so no cache
 * keeps them, and no browser reads a JSON answer as anything else.
 */
const API_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;
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
          headers: { 'www-authenticate': 'Bearer', ...API_HEADERS },
          jsonBody: { error: 'sign-in required', reason: check.reason },
        };
      }
      try {
        return {
          status: 200,
          headers: { ...API_HEADERS },
          jsonBody: await work(request, check.user, runtime.service),
        };
      } catch (error) {
        if (error instanceof TabApiError)
          return { status: error.status, headers: { ...API_HEADERS }, jsonBody: { error: error.message } };
        throw error;
      }
    };
  return {
    me: authed(async (_request, user, service) => service.me(user)),
    customers: authed((request, user, service) => service.customers(user, customersQueryOf(request))),
    customer: authed((request, user, service) => service.customer(user, customerIdOf(request))),
    action: authed(async (request, user, service) =>
      service.act(user, customerIdOf(request), await actionBody(request)),
    ),
    team: authed((request, user, service) =>
      service.team(user, { rep: request.query.get('rep'), month: monthOf(request.query.get('month')) }),
    ),
  };
}

/**
 * The customer's id, from the query string: in a path, Azure Functions decodes `%2F` before it matches
 * the route (an id like `ACME/01` answered 404 when deployed, though it worked locally), and `..` is
 * folded away by every client before it is sent.
 */
function customerIdOf(request: HttpRequest): string {
  const id = request.query.get('id') ?? '';
  if (id === '' || id.length > 400) throw new TabApiError(400, 'customer id missing or too long');
  return id;
}

/** The list's query string (whose, search, sort, rows per kind), checked: anything else is a 400. */
function customersQueryOf(request: HttpRequest): CustomersQuery {
  const read = (key: string) => request.query.get(key) ?? undefined;
  const parsed = customersQuerySchema.safeParse({
    whose: read('whose'),
    q: read('q'),
    sort: read('sort'),
    show: read('show'),
  });
  if (!parsed.success)
    throw new TabApiError(
      400,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

function monthOf(month: string | null): string | null {
  if (month === null || month === '') return null;
  if (!MONTH_KEY.test(month)) throw new TabApiError(400, `month must be YYYY-MM, got "${month}"`);
  return month;
}

async function actionBody(request: HttpRequest): Promise<ActionRequestBody> {
  const text = await request.text();
  if (text.length > MAX_BODY_CHARS) throw new TabApiError(400, 'request body too large');
  const parsed = parseJsonBody(text);
  if (!parsed.ok) throw new TabApiError(400, parsed.message);
  const body = (parsed.value ?? {}) as Record<string, unknown>;
  const action = body.action as TabAction;
  if (!ACTIONS.includes(action)) throw new TabApiError(400, `action must be one of ${ACTIONS.join(', ')}`);
  // A field of the wrong type is refused, not dropped: a dropped value would record the customer's own.
  const text_ = (key: string): string | undefined => {
    const v = body[key];
    if (v === undefined || typeof v === 'string') return v;
    throw new TabApiError(400, `${key} must be a string`);
  };
  const locale = text_('locale');
  if (locale !== undefined) {
    try {
      Intl.getCanonicalLocales(locale);
    } catch (error) {
      if (error instanceof RangeError)
        throw new TabApiError(400, 'locale must be a language tag such as de-DE');
      throw error;
    }
  }
  return {
    action,
    value: wonBackValueOf(body.value),
    locale,
    reason: text_('reason'),
    note: text_('note'),
  };
}

/**
 * The Won back value as the card's check reads it (readWonBackValue): a plain-number string, or a JSON
 * number written out as one (so 1e21 is refused there like a typed exponent). Anything else is a 400.
 */
function wonBackValueOf(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new TabApiError(400, 'value must be a number or a plain-number string');
}

/** The routes under /api (the host adds the prefix), each with its handler. */
const TAB_API_ROUTES: readonly {
  name: string;
  route: string;
  method: HttpMethod;
  handler: keyof TabHandlers;
}[] = [
  { name: 'tabMe', route: 'tab/me', method: 'GET', handler: 'me' },
  { name: 'tabCustomers', route: 'tab/customers', method: 'GET', handler: 'customers' },
  { name: 'tabCustomer', route: 'tab/customer', method: 'GET', handler: 'customer' },
  { name: 'tabAction', route: 'tab/customer/actions', method: 'POST', handler: 'action' },
  { name: 'tabTeam', route: 'tab/team', method: 'GET', handler: 'team' },
];

for (const r of TAB_API_ROUTES) {
  registerHttp({
    name: r.name,
    route: r.route,
    methods: [r.method],
    build: (wiring) => createTabHandlers(async () => wiring.tabs)[r.handler],
  });
}
