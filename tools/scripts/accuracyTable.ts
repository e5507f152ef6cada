/**
 * Regenerates docs/accuracy.md: the product with its DEFAULT settings (each book's own model where
 * it earns its place, else the default rules) backtested on the public benchmark feeds (CDNOW, Online
 * Retail) and on generated wholesale books, against the goals set for the scorer; the calibration of the stated
 * probabilities; and the BG/NBD check figures. Nothing is tuned on a judged date: the model is fitted
 * on each book's past before the as-of date, and its settings were chosen on the wholesale tuning
 * seeds only. Run: `npm run accuracy` (writes the file, prints it).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFeed } from '../../feed/readFeed';
import { type BacktestResult, type Book, backtest, dayOf, defaultRules, scoreBook } from '../../rules';
import { bgNbdTotalLogLikelihood } from '../../rules/model/bgnbd';
import { CALIBRATION_GOALS, calibrationClose } from '../../rules/model/calibration';
import {
  HELD_OUT_SEEDS,
  TUNING_SEEDS,
  WHOLESALE_AS_OF,
  WHOLESALE_HORIZON_DAYS,
  wholesaleBook,
} from '../../test/synthetic/wholesaleBook';

const root = join(__dirname, '..', '..');

/** One backtest of the table: a book, a replay date and horizon, the population and the goal. */
export interface AccuracyCase {
  data: string;
  /** A feed folder, or `wholesale:<seed>` for a generated book. */
  book: string;
  asOf: string;
  horizonDays: number;
  activeWithinDays?: number;
  /** The AUC goal set for the scorer on this data; null where none is set. */
  goal: number | null;
  /** Whether the book's seed was used to choose the model's settings. */
  tunedOn?: boolean;
}

const CDNOW = 'test/fixtures/cdnow/feed';
const RETAIL = 'test/fixtures/online-retail/feed';

export const PUBLIC_CASES: AccuracyCase[] = [
  { data: 'CDNOW, all customers', book: CDNOW, asOf: '1997-09-30', horizonDays: 273, goal: 0.78 },
  {
    data: 'CDNOW, active in last 90 days',
    book: CDNOW,
    asOf: '1997-09-30',
    horizonDays: 273,
    activeWithinDays: 90,
    goal: 0.7,
  },
  { data: 'Online Retail, all', book: RETAIL, asOf: '2011-09-09', horizonDays: 91, goal: 0.745 },
  {
    data: 'Online Retail, active in last 90 days',
    book: RETAIL,
    asOf: '2011-09-09',
    horizonDays: 91,
    activeWithinDays: 90,
    goal: 0.755,
  },
];

const wholesaleCase = (seed: number, tunedOn: boolean): AccuracyCase => ({
  data: `Wholesale seed ${seed}${tunedOn ? ' (tuning)' : ' (held out)'}, active in last 90 days`,
  book: `wholesale:${seed}`,
  asOf: WHOLESALE_AS_OF,
  horizonDays: WHOLESALE_HORIZON_DAYS,
  activeWithinDays: 90,
  goal: 0.92,
  tunedOn,
});

export const WHOLESALE_CASES: AccuracyCase[] = [
  ...TUNING_SEEDS.map((s) => wholesaleCase(s, true)),
  ...HELD_OUT_SEEDS.map((s) => wholesaleCase(s, false)),
];

/** The calibration checks: every book, all customers with an order, 90 days (wholesale 60). */
export const CALIBRATION_CASES: AccuracyCase[] = [
  { data: 'CDNOW', book: CDNOW, asOf: '1997-09-30', horizonDays: 90, goal: null },
  { data: 'Online Retail', book: RETAIL, asOf: '2011-09-09', horizonDays: 90, goal: null },
  ...[...TUNING_SEEDS, ...HELD_OUT_SEEDS].map((seed) => ({
    data: `Wholesale seed ${seed}`,
    book: `wholesale:${seed}`,
    asOf: WHOLESALE_AS_OF,
    horizonDays: WHOLESALE_HORIZON_DAYS,
    goal: null,
    tunedOn: (TUNING_SEEDS as readonly number[]).includes(seed),
  })),
];

export interface AccuracyRow extends AccuracyCase {
  result: BacktestResult;
  /** The AUC goal met (true where there is none). */
  met: boolean;
}

const books = new Map<string, Promise<Book>>();

/** The book of a case, read or generated once per process. */
export function loadBook(name: string): Promise<Book> {
  let book = books.get(name);
  if (!book) {
    book = name.startsWith('wholesale:')
      ? Promise.resolve(wholesaleBook({ seed: Number(name.slice('wholesale:'.length)) }).book)
      : readFeed(join(root, name)).then((r) => r.book);
    books.set(name, book);
  }
  return book;
}

/** Backtests the product with its default settings on every case. */
export async function accuracyRows(cases: AccuracyCase[] = PUBLIC_CASES): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  for (const c of cases) {
    const result = backtest(await loadBook(c.book), defaultRules(), {
      asOfDay: dayOf(c.asOf),
      horizonDays: c.horizonDays,
      activeWithinDays: c.activeWithinDays,
    });
    rows.push({ ...c, result, met: c.goal === null || result.score.auc >= c.goal });
  }
  return rows;
}

/** Whether a calibration row meets the three goals. */
export function calibrationMet(r: AccuracyRow): boolean {
  return r.result.calibration !== null && calibrationClose(r.result.calibration);
}

const f4 = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(4));
const f2 = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(2));
const n0 = (x: number) => x.toLocaleString('en-US');

function rankingTable(rows: AccuracyRow[]): string {
  return rows
    .map((r) => {
      const b = r.result.baseline;
      const s = r.result.score;
      const met = r.goal === null ? '' : r.met ? 'yes' : `no (${f4(s.auc - r.goal)})`;
      const top = s.topKPrecision >= b.topKPrecision ? 'yes' : 'no';
      return `| ${r.data} | ${r.asOf}, ${r.horizonDays} | ${n0(r.result.customers)} / ${n0(r.result.churned)} | ${r.result.choice.use} | ${f4(b.auc)} / ${f2(b.topKPrecision)} | ${f4(s.auc)} / ${f2(s.topKPrecision)} | ${r.goal === null ? '' : `>= ${r.goal}`} | ${met} | ${top} |`;
    })
    .join('\n');
}

function calibrationTable(rows: AccuracyRow[]): string {
  return rows
    .map((r) => {
      const c = r.result.calibration;
      if (!c)
        return `| ${r.data} | ${r.asOf}, ${r.horizonDays} | not stated (too little history) | | | | | no |`;
      return `| ${r.data} | ${r.asOf}, ${r.horizonDays} | ${n0(c.rows)} | ${r.result.choice.use} | ${f4(c.baseRate)} | ${f4(c.brierSkill)} | ${f4(c.worstDecileGap)} | ${f4(c.meanDecileGap)} | ${calibrationMet(r) ? 'yes' : 'no'} |`;
    })
    .join('\n');
}

function decileTables(rows: AccuracyRow[]): string {
  return rows
    .filter((r) => r.result.calibration)
    .map((r) => {
      const c = r.result.calibration;
      if (!c) return '';
      const lines = c.deciles.map(
        (d, k) =>
          `| ${k + 1} | ${n0(d.rows)} | ${f2(d.stated)} | ${f2(d.observed)} | ${f2(d.stated - d.observed)} |`,
      );
      return `**${r.data}** (${r.asOf}, no order in ${r.horizonDays} days)\n\n| decile | customers | stated | happened | gap |\n|---|---|---|---|---|\n${lines.join('\n')}`;
    })
    .join('\n\n');
}

function choiceLines(rows: AccuracyRow[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    const key = `${r.book} ${r.asOf}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(
      `- ${r.data.split(',')[0]}, ${r.asOf}: ${r.result.choice.use === 'model' ? "the book's model" : 'the default rules'}: ${r.result.choice.reason}.`,
    );
  }
  return out.join('\n');
}

/**
 * The paragraph a sales manager reads: hits in a rep's 10 names, against sorting by silence, and how
 * far the stated chances were from what happened, book by book (no claim the tables do not carry).
 */
function managerParagraph(rows: AccuracyRow[], calibrationRows: AccuracyRow[]): string {
  const heldOut = rows.filter((r) => r.tunedOn === false);
  const mean = (f: (r: AccuracyRow) => number) => heldOut.reduce((s, r) => s + f(r), 0) / heldOut.length;
  const ours = Math.round(10 * mean((r) => r.result.score.topKPrecision));
  const naive = Math.round(10 * mean((r) => r.result.baseline.topKPrecision));
  const book = (r: AccuracyRow) => r.data.split(',')[0];
  const held = calibrationRows.filter(calibrationMet).map(book);
  const off = calibrationRows
    .filter((r) => !calibrationMet(r) && r.result.calibration !== null)
    .map((r) => {
      const c = r.result.calibration as NonNullable<typeof r.result.calibration>;
      const points = (x: number) => Math.round(100 * x);
      return `${book(r)} (off by ${points(c.meanDecileGap)} points on average, ${points(c.worstDecileGap)} at worst)`;
    });
  const calibrated =
    off.length === 0
      ? 'When the card says "3 in 4 chance of no order in the next 90 days", about three in four such customers indeed did not order, on every book below.'
      : `When the card states a chance of no order, it was within ${Math.round(100 * CALIBRATION_GOALS.worstDecileGap)} points of what happened on ${held.join(', ')}; ` +
        `less close on ${off.join(', ')}: read its chances as rough there.`;
  return (
    `On the wholesale books nobody tuned on, of the 10 customers of each rep that the product rated most likely ` +
    `to stop ordering, about ${ours} placed no order in the next ${WHOLESALE_HORIZON_DAYS} days; the 10 silent longest ` +
    `held ${naive}. (The card lists fewer kinds of name, by value at risk, so its own hit rate is not this one.) ` +
    `${calibrated} A book with too little history, or where the learned model did not beat the fixed rules on a ` +
    'past date, keeps the fixed rules, and the weekly report says which one ranked the book.'
  );
}

async function bgNbdCheck(): Promise<string> {
  const cdnow = await loadBook(CDNOW);
  const scored = scoreBook(cdnow, defaultRules(), dayOf('1997-09-30'));
  if (scored.model.status !== 'fitted') return 'The model did not fit (see ScoredBook.model).';
  const p = scored.model.params;
  const weekly = { ...p, alpha: p.alpha / 7 };
  return [
    `Fitted inside \`scoreBook\` on CDNOW as of 1997-09-30 (${n0(scored.model.customers)} customers, days):`,
    `r = ${p.r.toFixed(4)}, alpha = ${p.alpha.toFixed(3)} days (= ${weekly.alpha.toFixed(3)} weeks), a = ${p.a.toFixed(4)}, b = ${p.b.toFixed(4)}.`,
    'Published (Fader, Hardie & Lee 2005, weeks): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.43;',
    `the log-likelihood in weeks at the fitted values: ${bgNbdTotalLogLikelihood(weekly, weeklySummary(cdnow)).toFixed(2)}.`,
    'test/unit/bgnbd pins these numbers (and E[purchases in 39 weeks] = 1.226 for x = 2, t_x = 30.43, T = 38.86).',
  ].join('\n');
}

/** The markdown of docs/accuracy.md. */
async function renderMarkdown(
  publicRows: AccuracyRow[],
  wholesale: AccuracyRow[],
  calibrationRows: AccuracyRow[],
): Promise<string> {
  const header =
    '| data | as-of, horizon (days) | customers / no order | ranked by | days since last order: AUC / top-10 | product: AUC / top-10 | goal (AUC) | met? | top-10 >= baseline? |\n|---|---|---|---|---|---|---|---|---|';
  return `# Prediction accuracy

Generated by \`npm run accuracy\` (\`npx tsx tools/scripts/accuracyTable.ts\`); do not edit by hand.

## For a sales manager
${managerParagraph(wholesale, calibrationRows)}

## Ranking: who will place no order
Default settings; each book's model is fitted on that book's past before the as-of date, and used only
where it beat the default rules on a later past date (column "ranked by").

${header}
${rankingTable(publicRows)}
${rankingTable(wholesale)}

Wholesale books: \`test/synthetic/wholesaleBook.ts\` (2,000 customers, 10 reps: weekly to monthly regulars of
different steadiness, abrupt leavers and faders with smaller orders and sour tickets near the end, seasonal
buyers, one-off buyers). The model's settings (fit days, penalties, features) were chosen on the tuning seeds
(${TUNING_SEEDS.join(', ')}); the held-out seeds (${HELD_OUT_SEEDS.join(', ')}) were first run after that.

What ranked each book, and why:
${choiceLines([...publicRows, ...wholesale])}

## Probabilities: calibration
The stated P(no order in the horizon) of every customer with an order, against what happened. Brier skill:
1 − Brier / Brier of always stating the base rate (goal >= ${CALIBRATION_GOALS.brierSkill}). Decile gaps: customers in
ten equal groups by stated chance, |mean stated − share that placed no order| (goals: worst <= ${CALIBRATION_GOALS.worstDecileGap}, mean <= ${CALIBRATION_GOALS.meanDecileGap}).

| book | as-of, horizon (days) | customers | ranked by | base rate | Brier skill | worst decile gap | mean decile gap | goals met? |
|---|---|---|---|---|---|---|---|---|
${calibrationTable(calibrationRows)}

${decileTables(calibrationRows)}

## How the figures are computed
- \`backtest\` (rules/backtest.ts) replays the as-of date: features, the cadence model and the book's own model
  see only orders on or before it. Label: the customer placed no order in the horizon after it.
- The book's model (rules/model/): rows from eight past days three weeks apart (features as of each day,
  label = no order in the 90 days after it, every label ending by the validation day) and, where the history
  reaches, from the same time of year a year earlier (as-of − 365 and three weeks either side, each of those
  rows counted twice, so a seasonal book shows the model its seasons turning as they turn today), a binned additive
  logistic fitted on them, and the validation day (as-of − 90) that picks its penalty and decides between it
  and the default rules on the active book (AUC, must win by 0.005). Customers the model cannot tell apart
  (the same bins) are ordered by days of silence. The chosen ranking is calibrated into P(no order in
  30/60/90 days) by Platt scaling, each horizon on the latest day its labels are seen (as-of − 30, − 60,
  − 90); the 90-day intercept then moves by the change in the base rate between as-of − 90 and as-of − 30,
  measured on the 30-day horizon. The rules' score is calibrated the same way when the rules rank the book.
  A book with fewer than 1,000 customers on a calibration day (none here) is calibrated on that day and the
  three a week apart before it, so its chances do not jump from one week to the next.
- Population: every customer with an order on or before the as-of date; "active" keeps those with an order
  in the 90 days before it. AUC: ROC AUC by Mann-Whitney, ties counted half. Top-10: share of customers who
  placed no order among each rep's 10 highest scores, averaged over reps. Baseline: days since the last order.
- \`npx tsx tools/cli/main.ts backtest --feed <feed> --as-of <date> --horizon <days> [--active-within 90]\` prints the
  same figures for a feed, with the choice and the calibration.

## Why this model
The model must stay explainable: a regularised logistic or additive model over binned features, or boosted trees
with exact per-customer contributions. The binned additive logistic was chosen: each customer's log-odds is the sum of
one weight per feature, so the reasons come from exact contributions, and a weight reads as "late by 2-3x
their usual gap adds +1.1". On the public feeds the ceiling analysis (\`tools/scripts/ceiling/\`) found depth-2
boosted trees no better than a ridge logistic on CDNOW (0.7716 against 0.7795) and within 0.005 of it on Online
Retail (0.7428 against 0.7386 on all customers, 0.7486 against 0.7532 on the active book); on the wholesale
tuning seeds the binned model lifted the active-book AUC from the rules' 0.88 / 0.83 to 0.95 / 0.89, and boosted
trees fitted on its own rows did not beat it by the 0.005 set beforehand (depth-3 0.8931 against 0.8882 over 30
tuning cases; see "What was looked at while choosing").
What carries it on the wholesale books: lateness against the customer's own rhythm from two orders on, the
order counts of recent windows against earlier ones, the value of the last orders against their usual,
the same season a year earlier, and sour tickets.

## What was looked at while choosing
- The generator first drew cadences up to 60 days and very erratic gaps; on that version the rules scored
  0.79-0.80 against 0.69-0.77 for days since the last order (tuning seeds, active book). It was then set to
  a distributor's book as users described theirs (weekly to monthly regulars): the rules' 0.88 / 0.83
  against 0.87 / 0.76 resemble what users measured on such books (0.84-0.87 against 0.84). Only the tuning seeds were run for this.
- Fit days (4 to 12, 14 to 28 days apart), the population of the validation (all customers against the
  active book), refitting on later days after the choice (it lowered the wholesale AUC), and the penalties
  were chosen on the tuning seeds and Online Retail's validation day, never on a judged date.
- Platt scaling against isotonic steps (pool-adjacent-violators, read linearly between blocks) was compared
  on Online Retail and the five wholesale books, held-out seeds included: Platt had the higher Brier skill
  on all six and the lower mean decile gap on five, and it keeps the ranking. That one comparison saw the
  held-out seeds' outcomes. Beta calibration (three parameters) was tried on the tuning seeds only and
  was worse there (worst decile gap 0.1225 / 0.0795 against Platt's 0.1055 / 0.0635).
- Calibrating each horizon on its own latest day, and moving the 90-day intercept by the drift seen on the
  30-day horizon, were chosen on the tuning seeds (as-of 2026-06-15, 07-15, 08-01, 60 and 90 days) and
  Online Retail 2011-06-11 (whose labels end on the judged as-of date). Moving the 90-day intercept lowered
  the mean decile gap at 90 days on 5 of 6 tuning cases and on Online Retail 2011-06-11 (0.0827 to 0.0678);
  moving the 60-day one too was mixed, so it was left. On the judged date it made Online Retail worse (see
  below); it was kept, since undoing it would be choosing on that date.
- Seed 101's miss was studied customer by customer (which customers the model ranked too low, by the
  generator's truth), and a feature for a season's turn a year earlier (the order days in the 90 days ahead
  against the 90 before, a year earlier) was tried on the tuning seeds: it lowered their mean AUC over three
  as-of dates (0.9084 to 0.9053) and was left out. Seeds 404 and 505 were added after that study and first
  run for this table.
- Fit days a year earlier (as-of − 365 and \`learn.stepDays\` either side; a day needs 90 days of history
  before it, so CDNOW and Online Retail get none on their judged dates) were chosen on tuning seeds 1-5
  (3, 4 and 5 generated for this) at six as-of dates (2025-09-01, 2025-10-01, 2026-06-15, 07-15, 08-01,
  09-01; 60 days, active book): their mean AUC rose from 0.8850 to 0.8882 (higher in 21 of the 30 cases),
  0.9150 to 0.9168 on 2026-09-01. Counted once it was 0.8870, three times 0.8875, five days around the date
  0.8870; twelve recent fit days instead of eight 0.8873. Left out, all on the same 30 cases: a year-ago
  silence feature (days without an order 60 days after as-of − 365, raw or against the usual gap: 0.8857 /
  0.8848), the order days ahead against those before a year earlier (0.8844), their share (0.8840), the days
  ahead a year earlier against the last 90 days' (0.8832), fitting on customers active within 120 or 240 days
  only (0.8836 / 0.8815). The held-out seeds were first run after the choice.
- Boosted trees on the wholesale books, tuning seeds 1-5 at the six as-of dates above (60 days, active book),
  fitted on exactly the rows the product's model is fitted on (its 22 features on its own fit days, year-ago
  days counted twice, 90-day labels): mean AUC over the 30 cases, the product's binned model 0.8882; depth-2
  trees (200 rounds) 0.8912 (+0.0030, higher in 20 of 30), depth-3 0.8931 (+0.0049, 23 of 30); with the rounds
  (50-400) picked on the validation day as the product picks its penalty, depth-2 0.8897 (+0.0015, 18), depth-3
  0.8934 (+0.0052, 21); depth-1 trees (additive, as the product's model) 0.8871 (-0.0011, 14); a ridge logistic
  0.8799 (-0.0083, 8). The bar set before measuring was +0.005 on the mean and higher in most cases, for a model
  whose reasons would come from tree contributions (Shapley values over each tree's paths) rather than one
  weight per bin. Fixed depth-3 trees fell short of it; the one variant past it, the last of five tree variants
  tried, cleared it by 0.0002 while the cases' differences spread by 0.0084 (one standard error of the mean at
  least 0.0015), and the original tuning seeds 1 and 2 gained least (+0.0026 / +0.0022). So the product keeps the binned model; the
  held-out seeds were not run for this. What the trees add is interactions (depth 1 gains nothing); on 2026-09-01
  alone depth-3 trees reached 0.9272 against 0.9168. Printed by \`tools/scripts/ceiling/wholesale_ceiling.py\`
  (see its README; output in \`wholesale_ceiling.out\`).
- Seed 2 at 2026-09-01 (0.8928) customer by customer, by the generator's truth
  (\`python3 tools/scripts/ceiling/wholesale_misses.py\`): of the 0.1072 AUC lost, customers who placed no
  order because they had already left abruptly (31) make 0.0308, steady customers who stay but skipped the
  60 days (8) 0.0276, seasonal buyers (44) 0.0206, faders leaving within the 60 days (7) 0.0137, abrupt
  leavers within them (3) 0.0094, faders already gone (19) 0.0051. The 20 who placed no order but ranked below
  the top 20% of those who ordered had ordered a median 9.5 days before, at 0.46 of their usual gap (those
  who ordered and ranked near them: 10 days, 0.60): 7 abrupt leavers, whose leaving the generator draws
  with no warning, 6 steady customers of 21-45-day cadences who skipped two months, 4 faders, 3 seasonal
  buyers. No feature the model reads tells them from those near them better than an AUC of 0.63 (order days
  in the 90 days ahead a year earlier: 3 against 4, unknown for 69 of those near them under a year with the
  book; order days in the last 90 against the 90 before 0.61); depth-3 trees lose less in every group
  (already left abruptly 0.0264, stays 0.0264, seasonal 0.0171), not in one a new feature could name.
- Ties broken by days of silence: on Online Retail 2011-06-11 each rep's top 10 rose from 0.80 to 0.86
  (baseline 0.82), AUC 0.7469 to 0.7473; the wholesale figures did not move.

## Why some goals are not met
On the public feeds the product is near what they carry. The ceiling analysis (\`tools/scripts/ceiling/README.md\`)
reached, 5-fold cross-validated on 46-55 features, 0.7716-0.7795 (CDNOW all), 0.6687-0.6917 (CDNOW active),
0.7386-0.7428 (Online Retail all) and 0.7486-0.7532 (Online Retail active); an earlier independent
check (gradient boosting and logistic models on earlier dates) reached 0.733-0.745 / 0.739-0.745 on Online Retail. CDNOW has too little history before 1997-09-30 for
the model to beat the rules (all its customers joined in the first quarter of 1997), so the rules rank it.

On the wholesale books two of five held-out seeds stay below 0.92 (101, 404) and tuning seed 2 does too,
while their validation days (fitted on their past, judged on 2026-06-03) reach 0.93-0.94 (seed 2: 0.90). The
as-of date falls where many seasonal buyers' seasons end (the generator's seasons close between day 240 and 360 of its
year; 2026-09-01 is day 257, the validation day 167, where hardly any end). The fit days a year earlier
lifted the held-out mean from 0.9061 to 0.9157, but the seasons are not most of what is lost: on tuning
seeds 1-5 at 2026-09-01 (before those fit days), seasonal buyers made 0.010-0.027 of the 0.053-0.102 lost
AUC; customers who had already left but ordered within the last 90 days 0.009-0.035, customers who leave
within the 60 days 0.012-0.028, and steady customers who skip two months by chance 0.012-0.037. Before the
year-ago fit days, on seed 101 the seasonal buyers who placed no order account for about 0.04 of its 0.13 lost AUC (0.008 on
seed 1, 0.017 on seed 2), and 11 of its 48 were in their first season (under a year with the book): nothing
in their own past tells them from a new regular, and the model ranked 9 of those 11 below the top 15%.
Customers who had already left but ordered within the last 90 days, and steady customers who skip two
months by chance, make most of the rest. The generator's truth says how much is not in the past: on the
tuning seeds, "will have left within the 60 days" alone ranks the observed outcome at only 0.80-0.85.

How far is the top? An oracle that knows what drew each customer (their cadence, how regular they are, their
daily chance of leaving, whether and how long they fade, their season) but not the future states each active
customer's chance of no order in the 60 days from their history (\`tools/scripts/wholesaleOracle.ts\`, Monte
Carlo over the day they leave). It reaches 0.9529 on seed 101, 0.9693 on 202, 0.9692 on 303, 0.9546 on 404
and 0.9672 on 505 (tuning seeds 0.9777 / 0.9616): nothing that reads the history can pass those. Swapping
the oracle's chances in for one group at a time shows where the product's AUC goes on the two short seeds:
the regulars who stay (their exact rhythm, which the product estimates from at most eight gaps) 101:
0.8916 to 0.9191, 404: 0.8973 to 0.9220; seasonal buyers in their first year (18 and 21 customers, whose
season nothing in their past shows) to 0.9128 and 0.9072; seasonal buyers of a year or more to 0.9002 and
0.9067; customers who had already left to 0.9005 and 0.9073. A feature for the rhythm that knows how
regular each customer is (the chance of no order from a gamma fitted to their own gaps) was tried on the
tuning seeds: their mean AUC over ten cases rose only from 0.9087 to 0.9107 and Online Retail's 2011-06-11
fell (0.7527 to 0.7514), so it was left out: most of what the oracle knows about a regular is their
parameters, which a handful of gaps cannot pin down.

Each rep's top 10 falls below days since the last order on two "all customers" sets. Both were traced customer
by customer: five reps make 50 places, one customer moves the figure by 0.02, and one standard error of a share
near 0.7 over 50 places is about 0.065, so neither gap is beyond noise.
- CDNOW (the rules, 0.86 against 0.88): three reps' two top 10s hold the same customers. The rules put two
  customers above every one-time buyer: 1901 (22 order days, silent 172 days; placed no order) and 325 (26 order
  days about ten days apart, silent 67 days, nearly seven of their gaps; ordered again). Each took the place of a
  one-time buyer silent 268-269 days who placed no order, so 325 is the one customer in fifty. Among one-time
  buyers the rules' score rises with silence (the cadence model's chance, low frequency and the share of their
  history spent silent all do), so none is ranked below a shorter-silent one. On earlier dates (273 days) the
  same few regulars decide it either way: 1997-06-30 0.82 against 0.84, 07-31 0.86 against 0.84, 08-31 0.84 against 0.86.
- Online Retail (the model, 0.66 against 0.74): no customer is in both top 10s. The baseline's 50 are one-time
  buyers silent 273-282 days (one has two orders), 37 placed no order; the product's are one-time buyers silent
  143-179 days (38, of whom 25 placed no order) and first-time buyers of the last 2-18 days (12, 8 placed none),
  stated 0.78-0.82 against 0.74 for the longest silent. Two things in the model put them there. Its fit days
  (2010-12-19 to 2011-03-13) lie at most 102 days after the book's first order, so no row it learned from was
  silent, or with the book, longer than about 100 days: its last bins (silent over 66 days, with the book over 86)
  are flat beyond, and the bins of first-time buyers (with the book 18 days or less: +0.12 to +0.14; the rules'
  score and low frequency in their middle bins: +0.13 and +0.11) were learned on December's Christmas buyers, most
  of whom did not come back. And a one-time buyer's trends step at 180 days: with the order in the earlier 90-day
  window they read "fell to none" (+0.08 orders, +0.10 value), with it further back "not known" (-0.01 each), so
  one silent 282 days is ranked below one silent 179 with the same history. What happened does not favour the
  longest silent, though: of all one-time buyers, those silent 143-180 days placed no order in the 91 days at
  68%, 181-272 days 69%, 273 days or more 61% (their one order fell in early December 2010; 39% ordered again
  in the autumn of 2011), those of the last 30 days 50%; the baseline's 50 did better (74%) than their group.

Tried on the tuning books only, none kept: wholesale seeds 1-5 at the six as-of dates above (60 days, active book;
mean AUC / top 10 0.8882 / 0.6453) and Online Retail's earlier dates whose labels end by 2011-09-09 (2011-06-10,
91 days; 07-11, 60; 07-26, 45; 08-10, 30: all-customer top 10 0.86, 0.86, 0.90, 0.96 against 0.82, 0.84, 0.92, 0.98).
- A trend of 0 with no order in either window (no step at 180 days): 0.8865 / 0.6407; Online Retail unchanged
  (its fit days have no one silent through both windows).
- Monotone shapes (neighbouring bins against the direction fitted as one) for days since the last order and
  lateness: 0.8876 / 0.6463, Online Retail 2011-06-10 AUC 0.7442 to 0.7433 and every top 10 unchanged; for eight
  figures that only grow with risk: 0.8878 / 0.6453, Online Retail 07-26 top 10 0.88, 08-10 1.00. Neither reaches
  the first-time buyers' bins: days with the book is not a figure whose shape must be monotone.
- Chances within 2 points ordered by silence: on Online Retail's and CDNOW's earlier dates and wholesale seeds 1-2
  (26 cases) mean AUC 0.8315 to 0.8284 (seed 2 as of 2025-10-01: 0.8866 to 0.8689), top 10 0.7681 to 0.7704.
- A one-time buyer ranked at least as high as any one-time buyer silent less long: Online Retail 07-26 and 08-10
  top 10 0.94 and 1.00, but 2011-06-10 0.84 (active book 0.84 to 0.78) and 07-11's active book 0.74 to 0.70.

So the ranking is left as it is. On the active books, where the lists are, its top 10 is at or above the
baseline everywhere. This measure ranks every customer by the stated chance; the card itself lists only the
kinds of name (slipping, not back, lapsed) that pass the gates, by value at risk with a share for each kind,
so its precision is not this one.

Calibration misses on Online Retail only: its customers ordered more in the autumn of 2011 (Christmas
stock) than in the summer the 90-day chances were calibrated on, so the stated chances run 0.07-0.15 above
what happened from the fifth decile up. The drift correction could not see it coming: fewer customers ordered
in the 30 days from 2011-08-10 than in those from 2011-06-11 (the August lull), so it moved the 90-day
chances up, by about 0.02, not down (worst
decile gap 0.1261 to 0.1486, mean 0.0812 to 0.0982, Brier skill 0.1402 to 0.1273). On the wholesale books
the 60-day chances are now calibrated on 2026-07-03 rather than 2026-06-03, and every seed meets the goals.

${await readFile(join(root, 'tools/bench/listsAccuracy.md'), 'utf8')}
## The BG/NBD check
${await bgNbdCheck()}
`;
}

function weeklySummary(book: Book) {
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
  (async () => {
    const publicRows = await accuracyRows(PUBLIC_CASES);
    const wholesale = await accuracyRows(WHOLESALE_CASES);
    const calibrationRows = await accuracyRows(CALIBRATION_CASES);
    const markdown = await renderMarkdown(publicRows, wholesale, calibrationRows);
    await writeFile(join(root, 'docs/accuracy.md'), markdown, 'utf8');
    console.log(markdown);
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
