import { readRulesFile } from '../../feed/readRulesFile';
import { dayOf, scoreBook } from '../../rules';
import { localDate } from '../../rules/calendar';
import type { ScoreArgs } from './args';
import { formatCsv, formatJson, formatTable } from './formatScores';
import { loadBook } from './loadBook';

/** `score`: reads the feed, scores everyone as of the date and prints the lists. Feed report on stderr. */
export async function runScoreCommand(
  args: ScoreArgs,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  const rules = await readRulesFile(args.rules);
  const book = await loadBook(args.feed, rules, err);
  const asOf = args.asOf ?? localDate(new Date(), process.env.TIME_ZONE);
  const scored = scoreBook(book, rules, dayOf(asOf));
  const text =
    args.format === 'json'
      ? formatJson(scored)
      : args.format === 'csv'
        ? formatCsv(scored)
        : formatTable(scored);
  out.write(`${text}\n`);
}
