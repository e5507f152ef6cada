import type { CloudAdapter, TurnContext } from 'botbuilder';

/** A request as the bot endpoint sees it: method, lower-case headers and the parsed JSON body. */
export interface BotHttpRequest {
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A response shaped like `@azure/functions` HttpResponseInit (structurally assignable to it). */
export interface BotHttpResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  jsonBody?: unknown;
}

/**
 * Runs one request through `CloudAdapter.process` and returns what it answered. The adapter wants
 * an Express-like `{status, header, send, end}` response; this records the calls instead.
 */
export async function processBotRequest(
  adapter: CloudAdapter,
  request: BotHttpRequest,
  logic: (context: TurnContext) => Promise<void>,
): Promise<BotHttpResponse> {
  const recorded: BotHttpResponse = { status: 200, headers: {} };
  const response = {
    socket: undefined,
    status(code: number) {
      recorded.status = code;
      return response;
    },
    header(name: string, value: unknown) {
      recorded.headers[name.toLowerCase()] = String(value);
      return response;
    },
    send(body?: unknown) {
      if (body === undefined || body === null) return response;
      if (typeof body === 'string') recorded.body = body;
      else recorded.jsonBody = body;
      return response;
    },
    end() {
      return response;
    },
  };
  // CloudAdapter throws for an object without a text `type` before it looks at the token, and a
  // throw is a 500 (and a failed function in the log) that anyone could cause: refused here instead.
  if (!isActivityObject(request.body))
    return { status: 400, headers: {}, jsonBody: { error: 'not a Bot Framework activity' } };
  // CloudAdapter checks the token (401).
  const body = request.body;
  await adapter.process({ method: request.method, headers: request.headers, body }, response, logic);
  // CloudAdapter puts the library's error message in the body of a 401 or 500 (a key URL, "invalid
  // signature"): callers learn nothing from us but the status.
  if (recorded.status === 401 || recorded.status >= 500) {
    recorded.body = undefined;
    recorded.jsonBody = undefined;
  }
  return recorded;
}

/** A JSON object with a non-empty text `type`: the least CloudAdapter takes without throwing. */
function isActivityObject(body: unknown): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const type = (body as { type?: unknown }).type;
  return typeof type === 'string' && type !== '';
}
