import { isCalendarDate } from '../../rules/calendar';
import { WORTH_A_CALL } from '../../rules/segments';
import { parseOptions } from './options';
import { UsageError } from './usageError';

export type OutputFormat = 'table' | 'json' | 'csv';

export interface ScoreArgs {
  command: 'score';
  feed: string;
  asOf?: string;
  rules?: string;
  format: OutputFormat;
}

export interface BacktestArgs {
  command: 'backtest';
  feed: string;
  asOf: string;
  horizon: number;
  activeWithin?: number;
  rules?: string;
  format: 'table' | 'json';
}

export type CliArgs = ScoreArgs | BacktestArgs | { command: 'summary'; rest: string[] } | { command: 'help' };

export const USAGE = `churn-predictor: which customers are ${WORTH_A_CALL}, and why

Usage:
  churn-predictor score --feed DIR [--as-of YYYY-MM-DD] [--rules FILE] [--format table|json|csv]
  churn-predictor backtest --feed DIR --as-of YYYY-MM-DD --horizon DAYS [--active-within DAYS]
                           [--rules FILE] [--format table|json]
  churn-predictor summary [--month YYYY-MM] [--format text|json|card]   (reads Table Storage)
  churn-predictor tune --feed DIR [--as-of YYYY-MM-DD] --horizon DAYS --out FILE [--rules FILE]
                       [--active-within DAYS] [--fit-dates N] [--step DAYS]
  churn-predictor help | --help | --version
  churn-predictor COMMAND --help

Money is shown in CURRENCY (ISO 4217, default USD) and LOCALE (default en-US), as on the cards.
Exit codes: 0 ok, 2 bad input (missing file or column, bad rules file, bad arguments),
1 anything else (storage that cannot be reached, an unexpected error).`;

/** What `churn-predictor COMMAND --help` prints. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  score: `churn-predictor score --feed DIR [--as-of YYYY-MM-DD] [--rules FILE] [--format table|json|csv]

Plans the week as of the date exactly as the weekly run does and prints each rep's list, as their
card shows it: the counts by kind (slipping, not back yet, lapsed), the first rows, each with
its value, chance of no order, what changed since last week, reasons and play.
  --feed DIR             the feed folder: customers, orders and tickets, or a zip of them (docs/feed.md)
  --as-of YYYY-MM-DD     the lists' date (default: today in TIME_ZONE)
  --rules FILE           the rules file: column names, formats, weights (docs/feed.md)
  --format table         what a person reads (default)
  --format json          every customer, listed ones first, with segment, listChance, plan...
  --format csv           the same as CSV: reasons split by " | ", the chances in noOrder30/60/90,
                         contributions as one JSON object ({"lateness":0.42,...}) or empty
Warns on stderr when --as-of is before the feed's first order or long after its last.`,
  backtest: `churn-predictor backtest --feed DIR --as-of YYYY-MM-DD --horizon DAYS [--active-within DAYS]
                         [--rules FILE] [--format table|json]

Replays a past date and says how well the score ranked who then placed no order in the horizon,
beside "days since last order".
  --feed DIR             the feed folder (docs/feed.md)
  --as-of YYYY-MM-DD     the past date to score the book as it stood then
  --horizon DAYS         who placed no order within this many days after it counts as gone (30, 60 or
                         90 also say how well the stated chances matched)
  --active-within DAYS   judge only the customers who ordered in this many days before --as-of
                         (default: every customer with an order)
  --rules FILE           the rules file: column names, formats, weights (docs/feed.md)
  --format table|json    a table (default), or the figures as JSON, rounded as the table prints them`,
  summary: `churn-predictor summary [--month YYYY-MM] [--format text|json|card]

The team's monthly summary from the audit trail (needs STORAGE_CONNECTION_STRING, or STORAGE_TABLE_ENDPOINT
with an Azure sign-in).
  --month YYYY-MM        the month (default: last month in TIME_ZONE, as the channel card on the 1st)
  --format text          the summary for a terminal (default)
  --format json          the figures
  --format card          the Adaptive Card's JSON, as posted to the channel`,
  tune: `churn-predictor tune --feed DIR [--as-of YYYY-MM-DD] --horizon DAYS --out FILE [--rules FILE]
                     [--active-within DAYS] [--fit-dates N] [--step DAYS]

Fits the weights on the book's own history and writes a rules file.
  --feed DIR             the feed folder (docs/feed.md)
  --as-of YYYY-MM-DD     the book as of this date (default: today); the weights are judged on the
                         date a horizon before it and fitted on dates before that
  --horizon DAYS         fit to who placed no order within this many days
  --out FILE             the rules file to write: the rules (--rules's) with the tuned weights
  --rules FILE           the rules file to start from (default: the defaults)
  --active-within DAYS   fit and judge only the customers who ordered in this many days before each
                         date (default: every customer with an order)
  --fit-dates N          how many past dates to fit on (default 4)
  --step DAYS            days between those dates (default 30)`,
};

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${name} must be a whole number of days above 0, got "${raw}"`);
  return n;
}

function date(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!isCalendarDate(raw)) throw new UsageError(`--${name} must be a date as YYYY-MM-DD, got "${raw}"`);
  return raw;
}

/** Parses argv (without node and script) into one command; throws UsageError on anything off. */
export function parseCliArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  // summary parses its own flags (cli/summaryCommand.ts).
  if (command === 'summary') return { command, rest };
  if (command !== 'score' && command !== 'backtest') throw new UsageError(`Unknown command "${command}"`);
  const values = parseOptions(rest, ['feed', 'as-of', 'rules', 'format', 'horizon', 'active-within']);
  const feed = values.feed;
  if (!feed) throw new UsageError('--feed DIR is required');
  if (command === 'score') {
    if (values.horizon || values['active-within'])
      throw new UsageError('--horizon and --active-within belong to backtest');
    const format = values.format ?? 'table';
    if (format !== 'table' && format !== 'json' && format !== 'csv') {
      throw new UsageError(`--format must be table, json or csv, got "${format}"`);
    }
    return { command, feed, asOf: date('as-of', values['as-of']), rules: values.rules, format };
  }
  const asOf = date('as-of', values['as-of']);
  if (!asOf) throw new UsageError('backtest needs --as-of YYYY-MM-DD');
  const horizon = positiveInt('horizon', values.horizon);
  if (!horizon) throw new UsageError('backtest needs --horizon DAYS');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw new UsageError(`--format must be table or json, got "${format}"`);
  return {
    command,
    feed,
    asOf,
    horizon,
    activeWithin: positiveInt('active-within', values['active-within']),
    rules: values.rules,
    format,
  };
}
