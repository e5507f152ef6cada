import type { InvocationContext } from '@azure/functions';
import type { Log } from '../bot/ports';

/** The product's Log on a function invocation's own log, so a run's lines carry its invocation id. */
export function contextLog(context: InvocationContext): Log {
  return {
    info: (m, d) => context.log(m, d ?? {}),
    warn: (m, d) => context.warn(m, d ?? {}),
    error: (m, d) => context.error(m, d ?? {}),
  };
}
