import type {
  ActionRequestBody,
  ActionResponse,
  CustomerDetailResponse,
  CustomersResponse,
  MeResponse,
  TeamResponse,
} from '../../api/tabTypes';
import { fetchToken } from './teams';

/** The tab API, with the SSO token; a 401 fetches a fresh token once. */

let token: Promise<string> | null = null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}, retry = true): Promise<T> {
  token ??= fetchToken();
  const response = await fetch(path, {
    ...init,
    headers: {
      ...(init.headers ?? {}),
      authorization: `Bearer ${await token}`,
      'content-type': 'application/json',
    },
  });
  if (response.status === 401 && retry) {
    token = null;
    return call(path, init, false);
  }
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ApiError(response.status, body.error ?? `HTTP ${response.status}`);
  return body;
}

const id = (customerId: string) => encodeURIComponent(customerId);

export const api = {
  me: () => call<MeResponse>('/api/tab/me'),
  customers: () => call<CustomersResponse>('/api/tab/customers'),
  customer: (customerId: string) => call<CustomerDetailResponse>(`/api/tab/customers/${id(customerId)}`),
  act: (customerId: string, body: ActionRequestBody) =>
    call<ActionResponse>(`/api/tab/customers/${id(customerId)}/actions`, {
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
