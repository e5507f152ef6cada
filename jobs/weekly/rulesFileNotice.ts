import type { Log } from '../../bot/ports';
import { type DateWording, dateWording, dayWords } from '../../bot/taps/actionWords';
import type { BrokenRulesFile } from '../../feed/keptRules';
import { RulesError } from '../../rules/rulesSchema';
import type { RunLedger } from '../../storage/runLedger';
import { type AdminNotifier, type NoticeRuns, postOnce } from './weeklyNotice';
import { LISTED_IN_TEXT } from './weeklyReport';

/**
 * A rules file saved broken (JSON that does not parse, a field the schema refuses, a blob gone) is
 * not taken: the runs, the bot and the tabs go on with the last valid file (feed/keptRules.ts), or,
 * when none was ever read, the runs stop. Either way the admins hear of it in Teams, once for each
 * broken version of the file, from the weekly run's tick (every 15 minutes, due or not), so an edit
 * is told within a quarter of an hour, not by the reps on Monday.
 */

/**
 * The admins' text: a title line, what is wrong, what the runs do meanwhile and how to fix it, one
 * line each; the day the valid file was read worded as the cards word dates.
 */
export function brokenRulesText(broken: BrokenRulesFile, wording: DateWording): string {
  const missing = broken.version === 'missing';
  const lines = [
    missing
      ? `The rules file ${broken.source} cannot be found, so the rules are not read from it.`
      : `The rules file ${broken.source} is not valid, so the last edit of it is not in force.`,
    missing ? 'What the run found:' : 'What is wrong:',
    ...broken.problems.slice(0, LISTED_IN_TEXT).map((p) => `- ${inPlainWords(p, broken.source)}`),
  ];
  // The card shows a few dozen lines: a long list would push what the runs do and how to fix it off.
  const more = broken.problems.length - LISTED_IN_TEXT;
  if (more > 0) lines.push(`- and ${more} more problems, each in the function app's log`);
  if (broken.lastGood)
    lines.push(
      `Until it is fixed, the weekly run, the daily follow-ups, the monthly summary, the bot and the tabs go on with the rules file as it was read valid on ${dayWords(broken.lastGood.at, wording)}: the cards go out as usual, under those rules.`,
      'Fix the file and save it again: the runs take it at their next tick (every 15 minutes), the bot and the tabs within 2 minutes. Nothing else needs doing.',
    );
  else
    lines.push(
      'No valid rules file was read before, so until it is fixed the weekly run, the daily follow-ups and the monthly summary stop (no customer is changed and no card is sent), and the bot and the tabs cannot act.',
      'Fix the file and save it again: the runs try again every 15 minutes and go on as usual with the first valid file.',
    );
  lines.push('This notice is not repeated while the file stays as it is.');
  return lines.join('\n');
}

/** A problem as the notice lists it: the file is named in the title, so not again on each line. */
function inPlainWords(problem: string, source: string): string {
  if (!problem.startsWith(`${source} is not valid JSON: `)) return problem;
  return `The JSON does not parse: ${problem.slice(`${source} is not valid JSON: `.length)}`;
}

/**
 * The key the notice is recorded under in the run ledger: the broken version and the valid one the
 * runs go on with, so a second tick, or another run, posts nothing, while the same mistake made
 * again after a fix is told again.
 */
function brokenRulesKey(broken: BrokenRulesFile): string {
  return `rules-${broken.version}-${broken.lastGood?.version ?? 'none'}`;
}

/** Tells the admins the rules file is broken unless they were told of this version; logs either way. */
export async function tellBrokenRules(
  broken: BrokenRulesFile,
  deps: { log: Log; notifyAdmins?: AdminNotifier; runs: NoticeRuns },
  at: Date,
  team: { timeZone: string; locale?: string },
): ReturnType<typeof postOnce> {
  const text = brokenRulesText(broken, dateWording(at, team.timeZone, team.locale));
  const runKey = brokenRulesKey(broken);
  const posted = await postOnce(text, { runKey, at: at.toISOString(), kind: 'rules' }, deps);
  const fields = { source: broken.source, version: broken.version, adminNotice: posted };
  // The whole account once, when it reaches the admins or cannot yet (tried again next tick); the
  // ticks after, one line (the kept rules' own error line said it all when the file changed).
  if (posted === 'already_sent')
    deps.log.info(`the rules file ${broken.source} is still not valid; the admins were told earlier`, fields);
  else if (posted === 'not_configured')
    deps.log.info(
      `the rules file ${broken.source} is still not valid; no admins are configured to tell`,
      fields,
    );
  else deps.log.warn(text, fields);
  return posted;
}

/**
 * Whether the admins were told of this broken file (by the weekly tick's tellBrokenRules), for the
 * runs that do not tell them themselves.
 */
export async function brokenRulesTold(
  broken: BrokenRulesFile,
  runs: Pick<RunLedger, 'noticeSent'>,
): Promise<'already_sent' | 'not_yet'> {
  return (await runs.noticeSent(brokenRulesKey(broken), 'rules')) ? 'already_sent' : 'not_yet';
}

/** What is wrong with a broken file, for a log line: its first problem, and how many more. */
function firstProblem(broken: BrokenRulesFile): string {
  const [first = 'not valid', ...rest] = broken.problems;
  return rest.length > 0 ? `${first} (and ${rest.length} more)` : first;
}

/**
 * Logs which rules a run goes on with, once when it runs: the file's (`source`, as the config names
 * it), or while the file is broken the last valid one's, since when and why. The weekly tick tells
 * the admins of a broken file; the daily and monthly runs say in their own logs which rules they
 * used, so an operator reading one run's log is not left to guess.
 */
export function logRulesInUse(
  log: Pick<Log, 'info' | 'warn'>,
  source: string,
  broken: BrokenRulesFile | null | undefined,
  fields: Record<string, unknown> = {},
): void {
  if (!broken) {
    log.info(`rules: ${source}`, fields);
    return;
  }
  const since = broken.lastGood ? ` since ${broken.lastGood.at}` : '';
  log.warn(
    `rules: the last valid rules file ${broken.source}, as read valid${since}, because the file as saved is not valid: ${firstProblem(broken)}`,
    fields,
  );
}

/** What a timer tick reports when no valid rules file was ever read and the admins know it. */
export interface WaitingForRulesReport {
  status: 'waiting_for_rules';
  source: string;
  problems: string[];
}

/**
 * A timer run that cannot start: no valid rules file was ever read (a first setup whose first edit
 * is broken), and the admins have been told in Teams. The tick ends as waiting, not as a failure:
 * an Azure alert every 15 minutes until someone fixes the file would say nothing the notice did not.
 */
export class WaitingForRules extends RulesError {
  readonly report: WaitingForRulesReport;
  constructor(broken: BrokenRulesFile) {
    super([...broken.problems], broken.source);
    this.name = 'WaitingForRules';
    this.report = { status: 'waiting_for_rules', source: broken.source, problems: [...broken.problems] };
  }
}

/**
 * The error a timer run stops with when no valid rules file was ever read. `told`: what became of
 * the admins' notice (the weekly tick's postOnce, or for the daily and monthly runs whether it is in
 * the ledger). Once the admins know, the run waits (WaitingForRules), logged as an error the tick
 * the notice goes out and as a warning after; so does a tick that finds another instance posting it
 * (that instance fails in its stead should the post not go out). Until they do (no admins
 * configured, the notice not delivered), it fails as a plain RulesError, so the function's failure
 * alert is how anyone hears.
 */
export function noValidRules(
  broken: BrokenRulesFile,
  told: Awaited<ReturnType<typeof postOnce>> | 'not_yet',
  log: Pick<Log, 'warn' | 'error'>,
  run: string,
): RulesError {
  if (told !== 'posted' && told !== 'already_sent' && told !== 'under_way')
    return new RulesError([...broken.problems], broken.source);
  const tell = told === 'under_way' ? 'the admins are being told in Teams' : 'the admins were told in Teams';
  const text = `${run}: waiting for a valid rules file: ${broken.source} is not valid and no valid one was read before (${firstProblem(broken)}); ${tell}, and the run tries again each tick`;
  const fields = { source: broken.source, version: broken.version };
  if (told === 'posted') log.error(text, fields);
  else log.warn(text, fields);
  return new WaitingForRules(broken);
}

/** The run's dependencies, or the report of a tick that waits for a valid rules file (WaitingForRules). */
export async function unlessWaiting<D>(deps: Promise<D>): Promise<D | WaitingForRulesReport> {
  try {
    return await deps;
  } catch (error) {
    if (error instanceof WaitingForRules) return error.report;
    throw error;
  }
}
