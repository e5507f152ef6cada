import {
  app,
  type HttpHandler,
  type HttpMethod,
  type InvocationContext,
  type Timer,
  type TimerHandler,
} from '@azure/functions';
import { sharedWiring, type Wiring } from './wiring';

/** An HTTP function: its route under /api and how its handler is built from the wiring. */
export interface HttpFunction {
  name: string;
  route: string;
  methods: HttpMethod[];
  build(wiring: Wiring): HttpHandler;
}

/** A timer function: its NCRONTAB (UTC) and how its handler is built from the wiring. */
export interface TimerFunction {
  name: string;
  schedule: string;
  build(wiring: Wiring): (timer: Timer, context: InvocationContext) => Promise<unknown>;
}

/** Every function registered with the Functions host, in order; the local host serves the same list. */
export const httpFunctions: HttpFunction[] = [];
export const timerFunctions: TimerFunction[] = [];

/** Memoises a handler built from the wiring on its first call; a failed build is tried again next call. */
function lazy<H>(
  build: (wiring: Wiring) => H,
  getWiring: () => Promise<Wiring> = sharedWiring,
): () => Promise<H> {
  let handler: H | undefined;
  return async () => {
    handler ??= build(await getWiring());
    return handler;
  };
}

/**
 * The handler the host calls for an HTTP function: built from the wiring on first use. When the
 * wiring cannot be built (a setting refused, storage unreachable at start) it answers 503
 * `{"status":"not ok"}` and the reason goes to the log only: callers learn nothing of the
 * configuration, and the next request tries again.
 */
export function hostedHttpHandler(
  build: (wiring: Wiring) => HttpHandler,
  getWiring: () => Promise<Wiring> = sharedWiring,
): HttpHandler {
  const handler = lazy(build, getWiring);
  return async (request, context) => {
    let built: HttpHandler;
    try {
      built = await handler();
    } catch (error) {
      context.error('the app could not start: its dependencies were not built', error);
      return { status: 503, headers: { 'retry-after': '60' }, jsonBody: { status: 'not ok' } };
    }
    return built(request, context);
  };
}

/** Registers an HTTP function with the host (anonymous: the bot and the tabs check their own tokens). */
export function registerHttp(fn: HttpFunction): void {
  httpFunctions.push(fn);
  app.http(fn.name, {
    route: fn.route,
    methods: fn.methods,
    authLevel: 'anonymous',
    handler: hostedHttpHandler(fn.build),
  });
}

/** Registers a timer function with the host; `runOnStartup` stays off (a restart would fire it). */
export function registerTimer(fn: TimerFunction): void {
  timerFunctions.push(fn);
  const handler = lazy(fn.build);
  const run: TimerHandler = async (timer, context) => (await handler())(timer, context);
  app.timer(fn.name, { schedule: fn.schedule, runOnStartup: false, handler: run });
}
