import type { HttpHandler, HttpMethod, HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { MAX_CUSTOMER_ID_CHARS } from '../rules/book';
import { MONTH_KEY } from '../rules/calendar';
import { type CustomersQuery, customersQuerySchema } from '../tabs/api/customerList';
import { TabApiError, type TabService } from '../tabs/api/tabService';
import type { TabUser, TokenVerifier } from '../tabs/api/tabToken';
import type { ActionRequestBody, TabAction } from '../tabs/api/tabTypes';
import { isJsonContentType, NOT_JSON, parseJsonBody, TOO_LARGE } from './jsonBody';
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
  chart: HttpHandler;
  action: HttpHandler;
  team: HttpHandler;
}

const ACTIONS: readonly TabAction[] = ['reached_out', 'won_back', 'lost', 'undo'];

/**
 * On every answer, refusals included: they can name customers (a 409 says who acted), so no cache
 * keeps them, and no browser reads a JSON answer as anything else.
 */
const API_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;
/** A tap's body is a few hundred characters (a note is at most 500): anything far larger is no tap. */
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
    chart: authed((request, user, service) => service.chart(user, customerIdOf(request))),
    action: authed(async (request, user, service) =>
      service.act(user, customerIdOf(request), await actionBody(request)),
    ),
    team: authed((request, user, service) => service.team(user, teamQueryOf(request))),
  };
}

/**
 * The customer's id, from the query string: in a path, Azure Functions decodes `%2F` before it matches
 * the route (an id like `ACME/01` answered 404 when deployed, though it worked locally), and `..` is
 * folded away by every client before it is sent.
 */
function customerIdOf(request: HttpRequest): string {
  const id = request.query.get('id') ?? '';
  if (id === '' || id.length > MAX_CUSTOMER_ID_CHARS)
    throw new TabApiError(400, 'customer id missing or too long');
  return id;
}

/** The list's query string (whose, search, sort, rows per kind), checked: anything else is a 400. */
function customersQueryOf(request: HttpRequest): CustomersQuery {
  const read = (key: string) => request.query.get(key) ?? undefined;
  return checked(customersQuerySchema, {
    whose: read('whose'),
    q: read('q'),
    sort: read('sort'),
    show: read('show'),
  });
}

/** The query string of GET /api/tab/team: one rep's figures (as `whose=owner:` names them) and a month; blank = none. */
const teamQuerySchema = z.object({
  rep: z
    .string()
    .max(300)
    .optional()
    .transform((rep) => rep || null),
  month: z
    .union([z.literal(''), z.string().regex(MONTH_KEY, 'must be YYYY-MM')])
    .optional()
    .transform((month) => month || null),
});

function teamQueryOf(request: HttpRequest): { rep: string | null; month: string | null } {
  const read = (key: string) => request.query.get(key) ?? undefined;
  return checked(teamQuerySchema, { rep: read('rep'), month: read('month') });
}

/**
 * The body of POST /api/tab/customer/actions. A field of the wrong type is refused, not dropped: a
 * dropped value would record the customer's own. Won back's value is read as the card's check reads
 * it (readWonBackValue): a plain-number string, or a JSON number written out as one (so 1e21 is
 * refused there like a typed exponent), with a decimal point whatever LOCALE writes (de-DE reads a
 * plain `1.125` as 1,125), so it is read as en-US writes numbers, whatever locale is sent with it.
 */
const actionBodySchema = z.preprocess(
  (body) =>
    body && typeof body === 'object' && typeof (body as { value?: unknown }).value === 'number'
      ? { ...body, locale: 'en-US' }
      : (body ?? {}),
  z.object({
    action: z.enum(ACTIONS, { error: `must be one of ${ACTIONS.join(', ')}` }),
    value: z
      .union([z.string(), z.number().transform(String)], {
        error: 'must be a number or a plain-number string',
      })
      .optional(),
    locale: z
      .string({ error: 'must be a string' })
      .refine(isLanguageTag, 'must be a language tag such as de-DE')
      .optional(),
    reason: z.string({ error: 'must be a string' }).optional(),
    note: z.string({ error: 'must be a string' }).optional(),
  }),
);

async function actionBody(request: HttpRequest): Promise<ActionRequestBody> {
  if (!isJsonContentType(request.headers.get('content-type'))) throw new TabApiError(415, NOT_JSON);
  const text = await request.text();
  if (text.length > MAX_BODY_CHARS) throw new TabApiError(413, TOO_LARGE);
  const parsed = parseJsonBody(text);
  if (!parsed.ok) throw new TabApiError(400, parsed.message);
  return checked(actionBodySchema, parsed.value);
}

function isLanguageTag(locale: string): boolean {
  try {
    Intl.getCanonicalLocales(locale);
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** `input` as `schema` reads it, else a 400 naming each field and what it must be. */
function checked<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new TabApiError(
      400,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  return parsed.data;
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
  { name: 'tabCustomerChart', route: 'tab/customer/chart', method: 'GET', handler: 'chart' },
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
