import { readRulesFile } from '../../feed/readRulesFile';
import { loadConfig } from '../../functions/config';
import { renderSummaryText } from '../../jobs/monthly';
import { summaryCardFor } from '../../jobs/monthly/summaryCardFor';
import { summaryFeedLoader } from '../../jobs/monthly/summaryFeedFigures';
import { localDate, MONTH_KEY, shiftMonth } from '../../rules/calendar';
import { openStorage, StorageUnavailableError } from '../../storage';
import { parseOptions } from './options';
import { CommandFailure, UsageError } from './usageError';

/** The command's warnings, on stderr: stdout is the summary itself. */
const stderrLog = {
  info: (m: string) => process.stderr.write(`${m}\n`),
  warn: (m: string) => process.stderr.write(`Warning: ${m}\n`),
};

export interface SummaryArgs {
  /** Default: the month before today in TIME_ZONE. */
  month?: string;
  /** text: the summary for a terminal; json: the computed figures; card: the Adaptive Card JSON. */
  format: 'text' | 'json' | 'card';
}

/** Parses the arguments after `summary`; throws UsageError on anything off. */
export function parseSummaryArgs(args: string[]): SummaryArgs {
  const values = parseOptions(args, ['month', 'format']);
  if (values.month !== undefined && !MONTH_KEY.test(values.month)) {
    throw new UsageError(`--month must be a month as YYYY-MM, got "${values.month}"`);
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'card') {
    throw new UsageError(`--format must be text, json or card, got "${format}"`);
  }
  return { month: values.month, format };
}

/**
 * `churn-predictor summary --month 2026-11`: prints the month's summary from the audit trail in
 * storage, the same figures the channel card shows.
 */
export async function runSummaryCommand(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: Record<string, string | undefined> = process.env,
  now: Date = new Date(),
): Promise<void> {
  const parsed = parseSummaryArgs(args);
  if (!env.STORAGE_CONNECTION_STRING && !env.STORAGE_TABLE_ENDPOINT) {
    throw new UsageError(
      'summary reads the audit trail from Table Storage: set STORAGE_CONNECTION_STRING ' +
        '(e.g. "UseDevelopmentStorage=true" for a local Azurite) or STORAGE_TABLE_ENDPOINT (Azure, signed in)',
    );
  }
  const config = loadConfig(env);
  const month = parsed.month ?? shiftMonth(localDate(now, config.timeZone).slice(0, 7), -1);
  const rules = await readRulesFile(config.rulesFile);
  let figures: Awaited<ReturnType<typeof summaryCardFor>>;
  try {
    const storage = await openStorage(config.storage, { timeZone: config.timeZone });
    // With a feed configured, the saves that hold and the holdout's outcomes, as the channel card has them.
    const feed =
      config.feed.dir || config.feed.container
        ? await summaryFeedLoader(
            (await import('../../functions/wiring.js')).feedReaderFor(config, rules),
            storage.state,
            rules,
            config.timeZone,
            stderrLog,
          )(month, now)
        : {};
    figures = await summaryCardFor(storage, month, {
      timeZone: config.timeZone,
      lossReasons: rules.lossReasons,
      silentAfterDays: rules.followUps.silentAfterDays,
      coolDownDays: rules.coolDownDays,
      ...config.card,
      ...feed,
      now,
      log: stderrLog,
    });
  } catch (error) {
    // Its message names the endpoint and the cause: a stack would only bury it.
    if (error instanceof StorageUnavailableError) throw new CommandFailure(error.message, { cause: error });
    throw error;
  }
  const { summary, card } = figures;
  if (parsed.format === 'json') out.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (parsed.format === 'card') out.write(`${JSON.stringify(card, null, 2)}\n`);
  else out.write(renderSummaryText(summary));
}
