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

/** Memoises a handler built from the process-wide wiring on its first call. */
function lazy<H>(build: (wiring: Wiring) => H): () => Promise<H> {
  let handler: H | undefined;
  return async () => {
    handler ??= build(await sharedWiring());
    return handler;
  };
}

/** Registers an HTTP function with the host (anonymous: the bot and the tabs check their own tokens). */
export function registerHttp(fn: HttpFunction): void {
  httpFunctions.push(fn);
  const handler = lazy(fn.build);
  app.http(fn.name, {
    route: fn.route,
    methods: fn.methods,
    authLevel: 'anonymous',
    handler: async (request, context) => (await handler())(request, context),
  });
}

/** Registers a timer function with the host; `runOnStartup` stays off (a restart would fire it). */
export function registerTimer(fn: TimerFunction): void {
  timerFunctions.push(fn);
  const handler = lazy(fn.build);
  const run: TimerHandler = async (timer, context) => (await handler())(timer, context);
  app.timer(fn.name, { schedule: fn.schedule, runOnStartup: false, handler: run });
}
