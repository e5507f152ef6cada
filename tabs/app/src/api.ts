import type {
  ActionRequestBody,
  ActionResponse,
  CustomerChartResponse,
  CustomerDetailResponse,
  CustomerKind,
  CustomersResponse,
  MeResponse,
  TeamResponse,
} from '../../api/tabTypes';
import { fetchToken } from './teams';

/**
 * The tab API, with the SSO token; a 401 fetches a fresh token once. Every failure is an ApiError
 * whose message a rep can act on (status 0: the service was not reached).
 */

let token: Promise<string> | null = null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An error's message, for the page. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The SSO token, asked for again after a refusal (a later try may be signed in). */
function signIn(): Promise<string> {
  token ??= fetchToken().catch((e: unknown) => {
    token = null;
    throw new ApiError(
      401,
      `Teams could not sign you in to Churn Predictor (${messageOf(e)}). Try again; if it keeps failing, ask your Teams admin to grant the app its permissions.`,
    );
  });
  return token;
}

async function call<T>(path: string, init: RequestInit = {}, retry = true): Promise<T> {
  const bearer = await signIn();
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: {
        ...(init.headers ?? {}),
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json',
      },
    });
  } catch {
    // fetch rejects only when no answer came: offline, or the service down.
    throw new ApiError(0, 'Could not reach Churn Predictor: check your connection, then try again.');
  }
  if (response.status === 401 && retry) {
    token = null;
    return call(path, init, false);
  }
  const body = (await response.json().catch(() => ({}))) as T & { error?: string; reason?: string };
  if (response.ok) return body;
  if (response.status === 401)
    throw new ApiError(
      401,
      `Churn Predictor did not accept your sign-in (${body.reason ?? body.error ?? 'refused'}). Reopen the tab; if it keeps failing, ask your admin to check the app's sign-in settings.`,
    );
  if (response.status >= 500 || !body.error)
    throw new ApiError(
      response.status,
      `Churn Predictor could not answer (HTTP ${response.status}). Try again in a moment.`,
    );
  throw new ApiError(response.status, body.error);
}

/** Whether trying the same request again can help: not for a refusal about the request itself. */
export function worthRetrying(e: unknown): boolean {
  return !(
    e instanceof ApiError &&
    e.status >= 400 &&
    e.status < 500 &&
    e.status !== 401 &&
    e.status !== 429
  );
}

const id = (customerId: string) => new URLSearchParams({ id: customerId });

export const api = {
  me: () => call<MeResponse>('/api/tab/me'),
  /** One page of "My customers": whose, the search, the sort and how many rows of each kind the tab shows. */
  customers: (query: {
    whose?: string;
    q: string;
    sort: string;
    show: Partial<Record<CustomerKind, number>>;
  }) => {
    const q = new URLSearchParams();
    if (query.whose) q.set('whose', query.whose);
    if (query.q) q.set('q', query.q);
    q.set('sort', query.sort);
    const show = Object.entries(query.show).map(([kind, n]) => `${kind}:${n}`);
    if (show.length > 0) q.set('show', show.join(','));
    return call<CustomersResponse>(`/api/tab/customers?${q}`);
  },
  customer: (customerId: string) => call<CustomerDetailResponse>(`/api/tab/customer?${id(customerId)}`),
  /** The customer's week-by-week chart, asked beside the page: on a large book it is worked out after it. */
  chart: (customerId: string) => call<CustomerChartResponse>(`/api/tab/customer/chart?${id(customerId)}`),
  act: (customerId: string, body: ActionRequestBody) =>
    call<ActionResponse>(`/api/tab/customer/actions?${id(customerId)}`, {
      method: 'POST',
      body: JSON.stringify(body),
    }),
  team: (rep: string | null, month: string | null) => {
    const q = new URLSearchParams();
    if (rep) q.set('rep', rep);
    if (month) q.set('month', month);
    return call<TeamResponse>(`/api/tab/team?${q}`);
  },
};
