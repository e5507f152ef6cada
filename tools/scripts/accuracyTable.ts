/**
 * Regenerates docs/accuracy.md: the backtest of the DEFAULT rules on the two public benchmark feeds
 * (CDNOW, Online Retail), all customers and the active book, against issue 9's goals, and the BG/NBD
 * check figures. Run: `npx tsx tools/scripts/accuracyTable.ts` (writes the file, prints the table).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFeed } from '../../feed/readFeed';
import { type BacktestResult, backtest, dayOf, defaultRules, scoreBook } from '../../rules';
import { bgNbdTotalLogLikelihood } from '../../rules/bgnbd';

const root = join(__dirname, '..', '..');

/** One row of the table: a feed, a replay date and horizon, the population and issue 9's goal. */
export interface AccuracyCase {
  data: string;
  feed: string;
  asOf: string;
  horizonDays: number;
  activeWithinDays?: number;
  goal: number;
}

export const ACCURACY_CASES: AccuracyCase[] = [
  {
    data: 'CDNOW, all customers',
    feed: 'test/fixtures/cdnow/feed',
    asOf: '1997-09-30',
    horizonDays: 273,
    goal: 0.8,
  },
  {
    data: 'CDNOW, active in last 90 days',
    feed: 'test/fixtures/cdnow/feed',
    asOf: '1997-09-30',
    horizonDays: 273,
    activeWithinDays: 90,
    goal: 0.72,
  },
  {
    data: 'Online Retail, all',
    feed: 'test/fixtures/online-retail/feed',
    asOf: '2011-09-09',
    horizonDays: 91,
    goal: 0.76,
  },
  {
    data: 'Online Retail, active in last 90 days',
    feed: 'test/fixtures/online-retail/feed',
    asOf: '2011-09-09',
    horizonDays: 91,
    activeWithinDays: 90,
    goal: 0.72,
  },
];

/**
 * The earlier dates the default weights were chosen on (never the goal dates): CDNOW cannot be
 * replayed at 1997-06-30 with 273 days (the data ends 1998-06-30), so 182.
 */
export const SELECTION_CASES: AccuracyCase[] = [
  {
    data: 'CDNOW, all customers',
    feed: 'test/fixtures/cdnow/feed',
    asOf: '1997-06-30',
    horizonDays: 182,
    goal: 0,
  },
  {
    data: 'CDNOW, active in last 90 days',
    feed: 'test/fixtures/cdnow/feed',
    asOf: '1997-06-30',
    horizonDays: 182,
    activeWithinDays: 90,
    goal: 0,
  },
  {
    data: 'Online Retail, all',
    feed: 'test/fixtures/online-retail/feed',
    asOf: '2011-06-09',
    horizonDays: 91,
    goal: 0,
  },
  {
    data: 'Online Retail, active in last 90 days',
    feed: 'test/fixtures/online-retail/feed',
    asOf: '2011-06-09',
    horizonDays: 91,
    activeWithinDays: 90,
    goal: 0,
  },
];

export interface AccuracyRow extends AccuracyCase {
  result: BacktestResult;
  met: boolean;
}

/** Backtests the default rules on every case. */
export async function accuracyRows(cases: AccuracyCase[] = ACCURACY_CASES): Promise<AccuracyRow[]> {
  const books = new Map<string, Awaited<ReturnType<typeof readFeed>>['book']>();
  const rows: AccuracyRow[] = [];
  for (const c of cases) {
    let book = books.get(c.feed);
    if (!book) {
      book = (await readFeed(join(root, c.feed))).book;
      books.set(c.feed, book);
    }
    const result = backtest(book, defaultRules(), {
      asOfDay: dayOf(c.asOf),
      horizonDays: c.horizonDays,
      activeWithinDays: c.activeWithinDays,
    });
    rows.push({ ...c, result, met: result.score.auc >= c.goal });
  }
  return rows;
}

const f4 = (x: number) => x.toFixed(4);
const f2 = (x: number) => x.toFixed(2);

/** The markdown of docs/accuracy.md. */
async function renderMarkdown(rows: AccuracyRow[], selection: AccuracyRow[]): Promise<string> {
  const selectionTable = selection.map(
    (r) =>
      `| ${r.data} | ${r.asOf}, ${r.horizonDays} | ${r.result.customers.toLocaleString('en-US')} / ${r.result.churned.toLocaleString('en-US')} | ${f4(r.result.baseline.auc)} | ${f4(r.result.score.auc)} |`,
  );
  const table = rows.map(
    (r) =>
      `| ${r.data} | ${r.asOf}, ${r.horizonDays} | ${r.result.customers.toLocaleString('en-US')} / ${r.result.churned.toLocaleString('en-US')} | ${f4(r.result.baseline.auc)} / ${f2(r.result.baseline.topKPrecision)} | ${f4(r.result.score.auc)} / ${f2(r.result.score.topKPrecision)} | >= ${r.goal.toFixed(2)} | ${r.met ? 'yes' : `no (${f4(r.result.score.auc - r.goal)})`} |`,
  );
  // BG/NBD check: the model fitted inside scoring on CDNOW as of 1997-09-30, in days.
  const cdnow = (await readFeed(join(root, 'test/fixtures/cdnow/feed'))).book;
  const scored = scoreBook(cdnow, defaultRules(), dayOf('1997-09-30'));
  let check = 'The model did not fit (see ScoredBook.model).';
  if (scored.model.status === 'fitted') {
    const p = scored.model.params;
    const weekly = { ...p, alpha: p.alpha / 7 };
    check = [
      `Fitted inside \`scoreBook\` on CDNOW as of 1997-09-30 (${scored.model.customers.toLocaleString('en-US')} customers, days):`,
      `r = ${p.r.toFixed(4)}, alpha = ${p.alpha.toFixed(3)} days (= ${weekly.alpha.toFixed(3)} weeks), a = ${p.a.toFixed(4)}, b = ${p.b.toFixed(4)}.`,
      'Published (Fader, Hardie & Lee 2005, weeks): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.43;',
      `the log-likelihood in weeks at the fitted values: ${bgNbdTotalLogLikelihood(weekly, weeklySummary(cdnow)).toFixed(2)}.`,
      'test/unit/bgnbd pins these numbers (and E[purchases in 39 weeks] = 1.226 for x = 2, t_x = 30.43, T = 38.86).',
    ].join('\n');
  }
  return `# Prediction accuracy of the default rules

Generated by \`npx tsx tools/scripts/accuracyTable.ts\` (\`npm run accuracy\`); do not edit by hand.

| data | as-of, horizon (days) | customers / churned | baseline AUC / top-10 | score AUC / top-10 | goal (AUC) | met? |
|---|---|---|---|---|---|---|
${table.join('\n')}

## How the figures are computed
- \`backtest\` (rules/backtest.ts) replays the as-of date: features, signals and the BG/NBD cadence model
  see only orders on or before it. Label: the customer placed no order in the horizon after it.
- Population: every customer with an order on or before the as-of date; "active" keeps those with an order
  in the 90 days before it (\`--active-within 90\`).
- AUC: ROC AUC by Mann-Whitney, ties counted half. Top-10: share of churned customers in each rep's 10
  highest scores, averaged over reps. Baseline: days since the last order.
- The score uses the DEFAULT rules (rules/default-rules.json), not weights tuned on these dates or data.
- \`npx tsx tools/cli/main.ts backtest --feed test/fixtures/cdnow/feed --as-of 1997-09-30 --horizon 273 [--active-within 90]\`
  and \`--feed test/fixtures/online-retail/feed --as-of 2011-09-09 --horizon 91\` print the same figures.

## How the default weights were chosen
On earlier dates of the same feeds only, then checked on the demo book (Greenfield Cafe, a regular who
went quiet, must lead Ana's list with its reasons). The default rules on those dates:

| data | as-of, horizon (days) | customers / churned | baseline AUC | score AUC |
|---|---|---|---|---|
${selectionTable.join('\n')}

What the earlier dates showed: the cadence model's "no order likely" is the strongest single signal;
"overdue" against a customer's own cadence hurt when it counted for everyone (a customer with 3 orders has
no cadence to be late against), so it counts only from \`windows.habitOrders\` (20) order days on, where it
puts the regular who goes quiet on the list; "recency share" (days silent as a share of the history) and
low frequency add to the model; new customer and plain recency added nothing. The small trend and ticket
weights cost little and keep their reasons on the card.

## Why some goals are not met
The ceiling analysis is in \`scripts/ceiling/\` (Python with numpy; \`README.md\` there). On 46-55 features
of each customer (recency, frequency, age, gaps, orders and spend in 30-365 day windows, tickets, the BG/NBD
figures), 5-fold cross-validated models reach:

| data | boosted trees (depth 2) | ridge logistic | best single signal | goal | AUC standard error |
|---|---|---|---|---|---|
| CDNOW, all customers | 0.7716 | 0.7795 | 0.7785 (recency share) | 0.80 | 0.010 |
| CDNOW, active in last 90 days | 0.6687 | 0.6917 | 0.7079 (BG/NBD no order in 182 d) | 0.72 | 0.029 |
| Online Retail, all | 0.7428 | 0.7386 | 0.7346 (BG/NBD no order in 273 d) | 0.76 | 0.009 |
| Online Retail, active in last 90 days | 0.7486 | 0.7532 | 0.7428 (BG/NBD no order in 273 d) | 0.72 | 0.013 |

(CDNOW active: trained on all customers, scored on the active; standard error by Hanley-McNeil.) The
default rules pass the fitted models on both CDNOW sets and come within 0.01-0.02 of them on Online Retail.
CDNOW all (0.80) and Online Retail all (0.76) are about two standard errors above every model tried:
beyond what these feeds carry. CDNOW active (0.72) is less than one standard error above the default
rules (0.709 on 411 customers, as high as any fixed rule found) and not reached.

## The BG/NBD check
${check}
`;
}

function weeklySummary(book: Parameters<typeof scoreBook>[0]) {
  const asOf = dayOf('1997-09-30');
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  for (let i = 0; i < book.customers.length; i++) {
    const days = new Set<number>();
    for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++)
      if (book.orderDay[k] <= asOf) days.add(book.orderDay[k]);
    if (days.size === 0) continue;
    const first = Math.min(...days);
    x.push(days.size - 1);
    tx.push((Math.max(...days) - first) / 7);
    T.push((asOf - first) / 7);
  }
  return { x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T) };
}

if (require.main === module) {
  Promise.all([accuracyRows(), accuracyRows(SELECTION_CASES)])
    .then(async ([rows, selection]) => {
      const markdown = await renderMarkdown(rows, selection);
      await writeFile(join(root, 'docs/accuracy.md'), markdown, 'utf8');
      console.log(markdown);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
