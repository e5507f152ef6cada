import type { Log } from '../bot/ports';
import { type Rules, RulesError } from '../rules';
import { FEED_RECHECK_MS } from './keptFeed';

/** The rules, or how to get the current ones (a running instance's, which follow the rules file as it changes). */
export type RulesNow = Rules | (() => Promise<Rules>);

/** A getter of the current rules, whichever `rules` is. */
export function rulesGetter(rules: RulesNow): () => Promise<Rules> {
  return typeof rules === 'function' ? rules : async () => rules;
}

export interface KeptRulesDeps {
  /** What the rules file is now, found without reading it (the blob's ETag, the file's size and time). */
  version: () => Promise<string>;
  read: () => Promise<Rules>;
  clock: () => Date;
  log: Pick<Log, 'info' | 'warn' | 'error'>;
}

/**
 * The rules file as the bot and the tabs read it: read once at start (an invalid file stops the start,
 * as the timer runs stop), then again only when its version changes, asked at most every
 * FEED_RECHECK_MS as the kept feed asks. A change that is not valid rules is not taken: the last good
 * rules go on, and the error is logged (the timer runs, which read the file afresh, stop on it).
 */
export async function keptRules(deps: KeptRulesDeps): Promise<() => Promise<Rules>> {
  // The version before the read: a change between the two is read again at the next check.
  let version: string | null = await deps.version().catch(() => null);
  let rules = await deps.read();
  let checkedAt = deps.clock().getTime();
  let checking: Promise<Rules> | null = null;

  const check = async (now: number): Promise<Rules> => {
    let current: string;
    try {
      current = await deps.version();
    } catch (error) {
      deps.log.warn('could not ask whether the rules file changed: the rules read last go on', {
        error: error instanceof Error ? error.message : String(error),
      });
      checkedAt = now;
      return rules;
    }
    checkedAt = now;
    if (current === version) return rules;
    try {
      rules = await deps.read();
      version = current;
      deps.log.info('the rules file changed: the bot and the tabs follow it now', {});
    } catch (error) {
      if (!(error instanceof RulesError)) {
        // Storage unreachable for a moment: asked again at the next check.
        deps.log.warn('could not read the changed rules file: the rules read last go on', {
          error: error instanceof Error ? error.message : String(error),
        });
        return rules;
      }
      // The same file fails the same way: not read again until it changes.
      version = current;
      deps.log.error(
        `The rules file changed and is not valid: the bot and the tabs keep the rules read last until it is fixed. ${error.message}`,
        { issues: error.issues },
      );
    }
    return rules;
  };

  return async () => {
    const now = deps.clock().getTime();
    const since = now - checkedAt;
    // A clock moved back (the local stack's) asks again as well.
    if (since >= 0 && since < FEED_RECHECK_MS) return rules;
    checking ??= check(now).finally(() => {
      checking = null;
    });
    return checking;
  };
}
