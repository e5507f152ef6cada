import { formatCount } from '../../cards/format';
import { readRulesFile } from '../../feed/readRulesFile';
import { feedSettingsOf, loadDisplayConfig } from '../../functions/config';
import { backtest, dayOf, isoOfDay } from '../../rules';
import { PROBABILITY_HORIZONS } from '../../rules/model/bookModel';
import { rankingText } from '../../rules/model/plainWords';
import type { BacktestArgs } from './args';
import { beforeFirstOrder } from './asOf';
import { loadBook } from './loadBook';
import { FIGURE_DIGITS, figureText, roundFigures } from './round';
import { UsageError } from './usageError';

/** `backtest`: replays a past date and compares the score with "days since last order". */
export async function runBacktestCommand(
  args: BacktestArgs,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  const display = loadDisplayConfig(env);
  const { locale } = display.card;
  const rules = await readRulesFile(args.rules);
  // The orders up to the backtest's date as they stood on it: a refund given later is not yet seen.
  const book = await loadBook(args.feed, rules, err, {
    settings: feedSettingsOf(display),
    refundsAsOf: args.asOf,
  });
  // No customer with an order by then: every figure would be n/a, under a heading of 0 customers.
  const early = beforeFirstOrder(book, args.asOf);
  if (early) throw new UsageError(`${early}: nobody had ordered yet, so there is nobody to judge.`);
  // Past the feed's last order nobody is seen ordering: those customers would all count as churned.
  const horizonEnd = dayOf(args.asOf) + args.horizon;
  const lastOrderDay = book.orderDay.reduce((last, day) => Math.max(last, day), Number.NEGATIVE_INFINITY);
  if (lastOrderDay < horizonEnd) {
    const last = Number.isFinite(lastOrderDay) ? isoOfDay(lastOrderDay) : 'none';
    err.write(
      `Warning: the feed's last order is on ${last} but the horizon ends on ${isoOfDay(horizonEnd)}: ` +
        'customers who would have ordered after the feed ends count as churned, so the figures are unreliable.\n',
    );
  }
  const r = backtest(book, rules, {
    asOfDay: dayOf(args.asOf),
    horizonDays: args.horizon,
    activeWithinDays: args.activeWithin,
  });
  if (args.format === 'json') {
    // Four decimals, as the table prints them.
    out.write(`${JSON.stringify(roundFigures({ asOf: args.asOf, ...r }, FIGURE_DIGITS), null, 2)}\n`);
    return;
  }
  const f = (x: number) => figureText(x).trimEnd();
  const population = args.activeWithin
    ? `customers who ordered in the ${args.activeWithin} days before`
    : 'all customers with an order';
  out.write(
    [
      `Backtest as of ${args.asOf}, horizon ${args.horizon} days (${population})`,
      `${formatCount(r.customers, locale)} customers, ${formatCount(r.churned, locale)} placed no order in the horizon (${((100 * r.churned) / Math.max(r.customers, 1)).toFixed(1)}%)`,
      '',
      `                           ROC AUC   top-${r.topK} precision per rep`,
      `  churn score              ${figureText(r.score.auc)}    ${f(r.score.topKPrecision)}`,
      `  days since last order    ${figureText(r.baseline.auc)}    ${f(r.baseline.topKPrecision)}`,
      `  difference               ${(r.score.auc - r.baseline.auc >= 0 ? '+' : '') + f(r.score.auc - r.baseline.auc)}`,
      '',
      rankingText(r.choice),
      ...(r.calibration
        ? [
            `Stated chance of no order in ${r.horizonDays} days against what happened: Brier skill ${f(r.calibration.brierSkill)} ` +
              `(base rate ${f(r.calibration.baseRate)}), decile gaps worst ${f(r.calibration.worstDecileGap)}, mean ${f(r.calibration.meanDecileGap)}`,
          ]
        : uncalibratedText(r.horizonDays, r.choice.calibrated, rules.learn)),
      '',
    ].join('\n'),
  );
}

/**
 * Where a stated horizon's chances were not calibrated, why no line judges them: left out, a reader
 * of the README (which promises that line for 30, 60 and 90 days) would look for it in vain, while
 * the cards still state a chance, each kind's share measured on the book's past.
 */
function uncalibratedText(
  horizonDays: number,
  calibrated: boolean,
  learn: { enabled: boolean; minEvents: number },
): string[] {
  if (calibrated || !(PROBABILITY_HORIZONS as readonly number[]).includes(horizonDays)) return [];
  const horizons = `${PROBABILITY_HORIZONS.slice(0, -1).join(', ')} and ${PROBABILITY_HORIZONS.at(-1)} days`;
  // Turned off, nothing is calibrated however long the book's past: its size is not the reason.
  const why = learn.enabled
    ? `the book's past did not calibrate them (each of ${horizons} needs at least ${learn.minEvents} customers of each outcome, learn.minEvents)`
    : 'learning is turned off in the rules (learn.enabled)';
  return [
    `Stated chances not judged: ${why}, so the cards state each kind's share measured on the book's past, which a backtest does not judge.`,
  ];
}
