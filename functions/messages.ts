import type { HttpHandler, HttpRequest, HttpResponseInit } from '@azure/functions';
import type { BotRuntime } from '../bot';
import { isJsonContentType, NOT_JSON, parseJsonBody, TOO_LARGE } from './jsonBody';
import { registerHttp } from './registry';

/** Teams bot messages are far below this (about 100 KB); anything larger is not an activity. */
export const MAX_BODY_CHARS = 1_000_000;

/** Builds the /api/messages handler around a bot runtime. */
export function createMessagesHandler(getRuntime: () => Promise<BotRuntime>): HttpHandler {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    // The Agents Playground probes the endpoint with HEAD before it connects.
    if (request.method === 'HEAD') return { status: 200 };
    // The Bot Connector posts activities as application/json; anything else is no activity, whatever it holds.
    if (!isJsonContentType(request.headers.get('content-type')))
      return { status: 415, jsonBody: { error: NOT_JSON } };
    const text = await request.text();
    if (text.length > MAX_BODY_CHARS) return { status: 413, jsonBody: { error: TOO_LARGE } };
    const body = parseJsonBody(text);
    if (!body.ok) return { status: 400, jsonBody: { error: body.message } };
    const runtime = await getRuntime();
    return runtime.handle({
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: body.value,
    });
  };
}

/** POST /api/messages: the Bot Framework endpoint (HEAD answers the Playground's probe). */
registerHttp({
  name: 'messages',
  route: 'messages',
  methods: ['POST', 'HEAD'],
  build: (wiring) => createMessagesHandler(async () => wiring.bot),
});
