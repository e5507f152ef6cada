import { createHash } from 'node:crypto';
import type { Log } from '../bot/ports';
import { defaultRules, type Rules, RulesError } from '../rules';
import type { RunLedger } from '../storage/runLedger';
import { FEED_RECHECK_MS } from './keptFeed';
import { parseRulesText, type RulesText } from './readRulesFile';

/** The rules, or how to get the current ones (a running instance's, which follow the rules file as it changes). */
export type RulesNow = Rules | (() => Promise<Rules>);

/** A getter of the current rules, whichever `rules` is. */
export function rulesGetter(rules: RulesNow): () => Promise<Rules> {
  return typeof rules === 'function' ? rules : async () => rules;
}

/** The rules file as it stands, when it is not valid rules (or cannot be found). */
export interface BrokenRulesFile {
  /** Which file: its path, or container/blob. */
  source: string;
  /** What is wrong, one line each: a field's path and what it must be, or the JSON error with its line and column. */
  problems: readonly string[];
  /** The broken file's version: a hash of its content ('missing' when there is no file). */
  version: string;
  /** The valid file the rules in force come from (when it was first read, its version); null when none ever was. */
  lastGood: { at: string; version: string } | null;
}

/** What is in force: the file's rules, or while it is broken the last valid file's (none when there never was one). */
export type RulesInForce =
  | { rules: Rules; broken: BrokenRulesFile | null }
  | { rules: null; broken: BrokenRulesFile };

/** The rules file as an instance follows it. */
export interface KeptRules {
  /** The rules in force (the bot, the tabs): asked at most every FEED_RECHECK_MS; throws the file's RulesError when there are none. */
  get(): Promise<Rules>;
  /** What is in force, the file's version asked now (a timer run, which reads the file only when it changed). */
  now(): Promise<RulesInForce>;
}

export interface KeptRulesDeps {
  /** What the rules file is now, found without reading it (the blob's ETag, the file's size and time). */
  version: () => Promise<string>;
  /** The file's text, unchecked; null when no file is configured (the built-in rules). */
  read: () => Promise<RulesText | null>;
  /** Which file the config names (for a file that cannot be read at all). */
  source: string;
  /** Where the last valid file is kept, so an instance started while the file is broken goes on with it. */
  store: Pick<RunLedger, 'goodRules' | 'keepGoodRules'>;
  clock: () => Date;
  log: Pick<Log, 'info' | 'warn' | 'error'>;
}

/** A rules file's content version: the same text is the same version, wherever and whenever it was saved. */
function rulesContentVersion(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/**
 * The rules file as the runs, the bot and the tabs read it: read once at start, then again only when
 * its version changes, asked at most every FEED_RECHECK_MS (as the kept feed asks) or, for a timer
 * run, at once. A change that is not valid rules is not taken: the last valid file goes on (this
 * instance's, or the one kept in the run ledger by whichever instance read it), and what is wrong is
 * logged once and returned for the runs to tell the admins. A valid file is kept in the ledger.
 */
export async function keptRules(deps: KeptRulesDeps): Promise<KeptRules> {
  const { log } = deps;
  let rules: Rules | null = null;
  let good: { at: string; version: string } | null = null;
  let broken: BrokenRulesFile | null = null;
  let failure: RulesError | null = null;

  /** Goes on with the last valid file while the file is `problem` (the error it read as). */
  const goOnOver = async (problem: Omit<BrokenRulesFile, 'lastGood'>, error: RulesError) => {
    // The ledger's valid file when it is newer than this instance's: another instance read it.
    const stored = await deps.store.goodRules().catch((e: unknown) => {
      log.warn('could not read the rules file kept as last valid', { error: messageOf(e) });
      return null;
    });
    if (stored && stored.version !== good?.version && (!good || stored.at > good.at)) {
      try {
        rules = parseRulesText(stored.text, stored.source);
        good = { at: stored.at, version: stored.version };
      } catch (e) {
        if (!(e instanceof RulesError)) throw e;
        log.warn('the rules file kept as last valid is no longer valid rules', { issues: e.issues });
      }
    }
    broken = { ...problem, lastGood: rules ? good : null };
    failure = error;
    log.error(
      rules && good
        ? `The rules file ${problem.source} is not valid, so it is not in force: the rules file as read valid on ${good.at} goes on until it is fixed. ${error.message}`
        : `The rules file ${problem.source} is not valid, and no valid one was read before: the runs stop and the bot and the tabs cannot act until it is fixed. ${error.message}`,
      { issues: error.issues },
    );
  };

  /** Reads the file and takes it when valid; a RulesError is kept as `broken`, any other error thrown. */
  const take = async (now: Date): Promise<void> => {
    let read: RulesText | null;
    try {
      read = await deps.read();
    } catch (error) {
      if (!(error instanceof RulesError)) throw error;
      return goOnOver({ source: deps.source, problems: error.issues, version: 'missing' }, error);
    }
    if (read === null) {
      rules = defaultRules();
      good = { at: now.toISOString(), version: 'defaults' };
      broken = failure = null;
      return;
    }
    const version = rulesContentVersion(read.text);
    // Saved again as it was (a touched file, a blob uploaded twice): the same mistake, said already.
    if (broken?.version === version) return;
    let parsed: Rules;
    try {
      parsed = parseRulesText(read.text, read.source);
    } catch (error) {
      if (!(error instanceof RulesError)) throw error;
      return goOnOver({ source: read.source, problems: error.issues, version }, error);
    }
    const changed = rules !== null && good?.version !== version;
    const wasBroken = broken !== null;
    if (wasBroken) log.info(`the rules file ${read.source} is valid again: it is in force`, {});
    rules = parsed;
    broken = failure = null;
    if (good?.version === version) return;
    good = { at: now.toISOString(), version };
    try {
      const stored = await deps.store.goodRules();
      if (stored?.version === version) good = { at: stored.at, version };
      else await deps.store.keepGoodRules({ source: read.source, version, text: read.text, at: good.at });
    } catch (error) {
      // Kept in this instance all the same; the next valid change is kept again.
      log.warn('could not keep the valid rules file in the run ledger', { error: messageOf(error) });
    }
    if (changed && !wasBroken)
      log.info('the rules file changed: the runs, the bot and the tabs follow it now', {});
  };

  // The version before the read: a change between the two is read again at the next check.
  let version: string | null = await deps.version().catch(() => null);
  await take(deps.clock());
  let checkedAt = deps.clock().getTime();
  let checking: Promise<void> | null = null;

  const check = async (now: number): Promise<void> => {
    let current: string;
    try {
      current = await deps.version();
    } catch (error) {
      log.warn('could not ask whether the rules file changed: the rules read last go on', {
        error: messageOf(error),
      });
      checkedAt = now;
      return;
    }
    checkedAt = now;
    if (current === version) return;
    try {
      await take(new Date(now));
      // The same file fails the same way: not read again until it changes.
      version = current;
    } catch (error) {
      // Storage unreachable for a moment: asked again at the next check.
      log.warn('could not read the changed rules file: the rules read last go on', {
        error: messageOf(error),
      });
    }
  };

  const inForce = async (recheck: boolean): Promise<RulesInForce> => {
    const now = deps.clock().getTime();
    const since = now - checkedAt;
    // A clock moved back (the local stack's) asks again as well.
    if (recheck || since < 0 || since >= FEED_RECHECK_MS) {
      checking ??= check(now).finally(() => {
        checking = null;
      });
      await checking;
    }
    if (rules) return { rules, broken };
    if (!broken) throw new Error('the rules file was neither read nor found broken');
    return { rules: null, broken };
  };

  return {
    get: async () => {
      const state = await inForce(false);
      if (state.rules) return state.rules;
      throw failure ?? new RulesError(state.broken.problems.slice(), state.broken.source);
    },
    now: () => inForce(true),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
