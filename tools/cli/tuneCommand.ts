import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatCount } from '../../cards/format';
import { readRulesFile } from '../../feed/readRulesFile';
import { feedSettingsOf, loadDisplayConfig } from '../../functions/config';
import { dayOf, scoreBook } from '../../rules';
import { isCalendarDate, localDate } from '../../rules/calendar';
import type { ModelChoice } from '../../rules/model/bookModel';
import { rankingText } from '../../rules/model/plainWords';
import { TuneError, tune, tunedWorseWarning } from '../../rules/tune';
import type { TunedBlock } from '../../rules/tunedBlock';
import { asOfProblem } from './asOf';
import { loadBook } from './loadBook';
import { parseOptions } from './options';
import { FIGURE_DIGITS, figureText, roundFigures } from './round';
import { UsageError } from './usageError';

export interface TuneArgs {
  feed: string;
  /** Default: today in TIME_ZONE. */
  asOf?: string;
  horizon: number;
  out: string;
  rules?: string;
  activeWithin?: number;
  fitDates?: number;
  step?: number;
}

function wholeNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${name} must be a whole number above 0, got "${raw}"`);
  return n;
}

/** Parses the arguments after `tune`; throws UsageError on anything off. */
export function parseTuneArgs(args: string[]): TuneArgs {
  const values = parseOptions(args, [
    'feed',
    'as-of',
    'horizon',
    'out',
    'rules',
    'active-within',
    'fit-dates',
    'step',
  ]);
  if (!values.feed) throw new UsageError('--feed DIR is required');
  if (!values.out) throw new UsageError('tune needs --out FILE (the rules file to write)');
  const asOf = values['as-of'];
  if (asOf !== undefined && !isCalendarDate(asOf))
    throw new UsageError(`--as-of must be a date as YYYY-MM-DD, got "${asOf}"`);
  const horizon = wholeNumber('horizon', values.horizon);
  if (!horizon) throw new UsageError('tune needs --horizon DAYS');
  return {
    feed: values.feed,
    asOf,
    horizon,
    out: values.out,
    rules: values.rules,
    activeWithin: wholeNumber('active-within', values['active-within']),
    fitDates: wholeNumber('fit-dates', values['fit-dates']),
    step: wholeNumber('step', values.step),
  };
}

/** The before/after figures as a small table for a person. */
export function formatTuned(t: TunedBlock, locale = 'en-US'): string {
  const f = figureText;
  return [
    `Fitted on ${t.fitDates.join(', ')} (${formatCount(t.fitRows, locale)} customer-dates), horizon ${t.horizonDays} days`,
    `Judged on ${t.holdoutDate} (later than every fit date; labels up to ${t.asOf}), on ${
      t.activeWithinDays === null
        ? 'all customers with an order'
        : `the customers who ordered in the ${t.activeWithinDays} days before it`
    }`,
    '',
    '                          holdout AUC  top-10   fit AUC',
    `  before (base rules)     ${f(t.before.holdout.auc)}       ${f(t.before.holdout.topKPrecision)}   ${f(t.before.fit.auc)}`,
    `  after (tuned weights)   ${f(t.after.holdout.auc)}       ${f(t.after.holdout.topKPrecision)}   ${f(t.after.fit.auc)}`,
    `  days since last order   ${f(t.baselineHoldout.auc)}       ${f(t.baselineHoldout.topKPrecision)}`,
  ].join('\n');
}

/**
 * What the product does with the written file on this book. Where the book's own model beats the
 * rules, it ranks the book and the tuned score is one of its inputs: the before/after figures are
 * the weights' alone, and a user reading them would expect the lists to move by them.
 */
export function withTunedWeights(choice: ModelChoice): string {
  const line = `With these weights: ${rankingText(choice)}`;
  return choice.use === 'model'
    ? `${line} The weekly run and \`score\` rank this book by its own model, which reads the tuned score as one of its inputs: the figures above are the weights' alone.`
    : line;
}

/** UsageError when `out` cannot be written (no such folder, a folder, no permission): before minutes of fitting. */
async function checkWritable(out: string): Promise<void> {
  const problem = (why: string) => new UsageError(`--out ${out}: ${why}`);
  try {
    if ((await stat(out)).isDirectory()) throw problem('is a folder, not a file');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    await access(dirname(out), constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw problem(`the folder ${dirname(out)} does not exist`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw problem(`the folder ${dirname(out)} is not writable`);
    throw err;
  }
}

/** `tune`: fits the weights on the feed's past and writes a rules file with the figures in it. */
export async function runTuneCommand(
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  const args = parseTuneArgs(argv);
  await checkWritable(args.out);
  const display = loadDisplayConfig(env);
  const { timeZone, card } = display;
  const base = await readRulesFile(args.rules);
  const book = await loadBook(args.feed, base, err, { settings: feedSettingsOf(display) });
  const asOf = args.asOf ?? localDate(new Date(), timeZone);
  const problem = asOfProblem(book, asOf, base.feedStaleDays);
  let result: ReturnType<typeof tune>;
  try {
    result = tune(book, base, {
      asOfDay: dayOf(asOf),
      horizonDays: args.horizon,
      activeWithinDays: args.activeWithin,
      fitDates: args.fitDates,
      stepDays: args.step,
    });
  } catch (error) {
    // Far past the feed every customer has churned, and "too little history" would hide why.
    if (error instanceof TuneError && problem)
      throw new TuneError(`Cannot tune: ${problem}`, { cause: error });
    throw error;
  }
  const { rules, tuned } = result;
  if (problem) err.write(`Warning: ${problem}\n`);
  // The figures only: the l2 penalty may be smaller than the figures' decimals.
  const figures = roundFigures(
    { before: tuned.before, after: tuned.after, baselineHoldout: tuned.baselineHoldout },
    FIGURE_DIGITS,
  );
  await writeFile(
    args.out,
    `${JSON.stringify({ ...rules, tuned: { ...tuned, ...figures } }, null, 2)}\n`,
    'utf8',
  );
  out.write(
    `${formatTuned(tuned, card.locale)}\n\nWeights written to ${args.out}:\n${JSON.stringify(rules.weights)}\n`,
  );
  out.write(`\n${withTunedWeights(scoreBook(book, rules, dayOf(asOf)).choice)}\n`);
  const warning = tunedWorseWarning(tuned);
  if (warning) err.write(`${warning}\n`);
}
