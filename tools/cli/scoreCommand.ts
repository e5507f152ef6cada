import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { readRulesFile } from '../../feed/readRulesFile';
import { feedSettingsOf, loadDaysOff, loadDisplayConfig } from '../../functions/config';
import { teamWorksOn } from '../../jobs/schedule/holidays';
import { weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { planWeekOfCards } from '../../jobs/weekly/weeklyPlan';
import { localDate } from '../../rules/calendar';
import type { ScoreArgs } from './args';
import { asOfProblem } from './asOf';
import { csvPieces, formatTable, jsonPieces } from './formatScores';
import { loadBook } from './loadBook';

/**
 * `score`: reads the feed, plans the week as of the date exactly as the weekly run does (the same
 * lists the cards show, with no remembered taps) and prints them. Feed report and warnings on stderr.
 */
export async function runScoreCommand(
  args: ScoreArgs,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  // Checked as the app checks them, before a big feed is read for nothing.
  const display = loadDisplayConfig(env);
  const { timeZone, card } = display;
  const settings = feedSettingsOf(display);
  const daysOff = loadDaysOff(env);
  const rules = await readRulesFile(args.rules);
  // The play's days on the team's working days, as the cards date them.
  const worksOn = teamWorksOn(daysOff, rules.followUps.workingDays);
  const asOf = args.asOf ?? localDate(new Date(), timeZone);
  const book = await loadBook(args.feed, rules, err, { asOf, settings });
  // Orders after the as-of date are not counted: with none left, read them all to say where the feed starts.
  const whole =
    book.orderDay.length > 0 ? book : await loadBook(args.feed, rules, new PassThrough(), { settings });
  const problem = asOfProblem(whole, asOf, rules.feedStaleDays);
  if (problem) err.write(`Warning: ${problem}\n`);
  const runKey = weeklyRunKeyOfDay(asOf);
  // No run is remembered here: what changed is told against the week before replayed, as if its card went out.
  const plan = planWeekOfCards(
    book,
    { ...card, date: asOf, worksOn },
    (planned) => planned,
    rules,
    new Map(),
    { localDate: asOf, runKey, runAt: `${asOf}T00:00:00.000Z` },
    new Map(),
    { lastWeek: 'replayed' },
  );
  const pieces =
    args.format === 'json'
      ? jsonPieces(plan, card.locale, worksOn)
      : args.format === 'csv'
        ? csvPieces(plan, card.locale, worksOn)
        : [formatTable(plan, card, rules, worksOn)];
  await writePieces(out, pieces);
}

/** Writes the pieces and a final line break, waiting when the stream is full (a million rows do not fit one string). */
async function writePieces(out: NodeJS.WritableStream, pieces: Iterable<string>): Promise<void> {
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length < 1 << 16) continue;
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  }
  out.write(`${buffer}\n`);
}
