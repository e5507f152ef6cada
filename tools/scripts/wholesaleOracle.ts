/**
 * How high can any ranking of the wholesale books go? An oracle that knows what drew each customer's
 * orders and tickets (test/synthetic/wholesaleBook.ts: cadence, regularity, daily hazard of leaving,
 * whether and how long they fade, season, mean order) but, like the product, not the future: it
 * states each active customer's P(no order in the 60 days after the as-of date) given their history,
 * by Monte Carlo over when they leave.
 *
 * The leave day is drawn after the last order (the generator's exponential, memoryless) and from a
 * uniform proposal over the days up to the horizon's end, weighted back to the prior; each draw is
 * weighted by how likely it makes the history seen so far: no order since the last one (paths with
 * an order in between are dropped), a fader's stretched gaps and shrunken orders, and sour or open
 * tickets near the end. From the last order the generator's own steps are replayed to the horizon.
 * Knowing the parameters is more than any model of the history has, so the oracle's AUC bounds what a
 * model could reach (approximately: ticket noise is taken as a Poisson rate, and gaps as densities
 * rather than rounded days).
 *
 * It prints, per seed, the product's active-book AUC beside the oracle's, and the product's AUC with the
 * oracle's chances swapped in for one group of customers at a time: how much of the gap each group makes.
 *
 * Run: `npx tsx tools/scripts/wholesaleOracle.ts [seed ...]` (default: every tuning and held-out seed).
 */

import { defaultRules, scoreBook } from '../../rules';
import { orderedWithin } from '../../rules/backtest';
import { type Book, dayOf } from '../../rules/book';
import { rocAuc } from '../../rules/metrics';
import { logGamma } from '../../rules/model/bgnbdLogGamma';
import { type Random, seededRandom } from '../../rules/seededRandom';
import {
  dayOfYear,
  gamma,
  HELD_OUT_SEEDS,
  type Truth,
  TUNING_SEEDS,
  WHOLESALE_AS_OF,
  WHOLESALE_HORIZON_DAYS,
  wholesaleBook,
} from '../../test/synthetic/wholesaleBook';

const DRAWS = 4000;
const AMOUNT_SIGMA = 0.35;
const END_TICKET_DAYS = 40;
const FROM = dayOf('2024-01-01');
const TO = dayOf('2026-10-31');

/** Whether `day` is in the season opening on day-of-year `season` (null: a regular, always). */
function inSeason(season: number | null, day: number): boolean {
  if (season === null) return true;
  const d = dayOfYear(day);
  return d >= season && d - season < 180;
}

function logGammaPdf(x: number, shape: number): number {
  return shape * Math.log(shape) + (shape - 1) * Math.log(x) - shape * x - logGamma(shape);
}

/** The stretch of a fader's gap that starts on `day`, if they leave on `leave`. */
function stretchAt(t: Truth, day: number, leave: number): number {
  return t.fader && day > leave - t.fadeDays ? 1 + (1.5 * (day - (leave - t.fadeDays))) / t.fadeDays : 1;
}

function shrinkAt(t: Truth, day: number, leave: number): number {
  return t.fader && day > leave - t.fadeDays ? 1 - (0.6 * (day - (leave - t.fadeDays))) / t.fadeDays : 1;
}

/** log of how much likelier a fader's gaps and amounts are if they leave on `leave` than never. */
function fadeLogWeight(
  t: Truth,
  season: number | null,
  days: number[],
  amounts: number[],
  leave: number,
): number {
  if (!t.fader) return 0;
  let w = 0;
  for (let k = 0; k < days.length; k++) {
    const d = days[k];
    if (d <= leave - t.fadeDays) continue;
    const shrink = shrinkAt(t, d, leave);
    if (amounts[k] > 5 && shrink > 0) {
      const la = Math.log(amounts[k]);
      const mu0 = Math.log(t.meanAmount) - (AMOUNT_SIGMA * AMOUNT_SIGMA) / 2;
      const mu1 = mu0 + Math.log(shrink);
      w += ((la - mu0) ** 2 - (la - mu1) ** 2) / (2 * AMOUNT_SIGMA * AMOUNT_SIGMA);
    }
    if (k === 0) continue;
    const prev = days[k - 1];
    const gap = d - prev;
    // A seasonal buyer's gap across the off-season is not one step of the process.
    if (season !== null && gap >= 180) continue;
    const s = stretchAt(t, prev, leave);
    if (s === 1) continue;
    const mean = t.cadenceDays;
    w +=
      logGammaPdf(gap / (mean * s), t.regularity) -
      Math.log(mean * s) -
      (logGammaPdf(gap / mean, t.regularity) - Math.log(mean));
  }
  return w;
}

interface SourTicket {
  day: number;
  open: boolean;
}

/** Likelihood (up to a constant) of the sour tickets seen by `asOf` if the customer leaves on `leave`. */
function ticketWeight(t: Truth, tickets: SourTicket[], leave: number, asOf: number): number {
  // Noise: about 1.5 tickets over the customer's time, one in five sour, none open.
  const lambda = 0.3 / Math.max(30, TO - t.joinDay);
  const from = leave - (END_TICKET_DAYS - 1);
  const inWindow: SourTicket[] = [];
  let outside = 1;
  for (const k of tickets) {
    if (k.day >= from && k.day <= leave) inWindow.push(k);
    else outside *= k.open ? 0 : lambda;
  }
  if (outside === 0) return 0;
  const pEnd = leave <= TO ? (t.fader ? 0.7 : 0.3) : 0;
  const seen = Math.min(1, Math.max(0, (asOf - from + 1) / END_TICKET_DAYS));
  const noiseOnly = inWindow.every((k) => !k.open) ? lambda ** inWindow.length : 0;
  let endTerm = 0;
  const n = inWindow.length;
  for (let c = 1; c <= 3; c++) {
    // Every subset of the window's tickets that are the end tickets (the rest noise).
    for (let mask = 0; mask < 1 << n; mask++) {
      let size = 0;
      let p = 1;
      for (let j = 0; j < n; j++) {
        if (mask & (1 << j)) {
          size++;
          p *= (inWindow[j].open ? 0.4 : 0.6) / END_TICKET_DAYS;
        } else p *= inWindow[j].open ? 0 : lambda;
      }
      if (size > c || p === 0) continue;
      let ways = 1;
      for (let j = 0; j < size; j++) ways *= c - j;
      endTerm += (1 / 3) * ways * p * (1 - seen) ** (c - size);
    }
  }
  return outside * ((1 - pEnd) * noiseOnly + pEnd * endTerm);
}

interface History {
  days: number[];
  amounts: number[];
  tickets: SourTicket[];
}

function historyOf(book: Book, i: number, asOf: number): History {
  const days: number[] = [];
  const amounts: number[] = [];
  for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++) {
    if (book.orderDay[k] > asOf) break;
    days.push(book.orderDay[k]);
    amounts.push(book.orderAmount[k]);
  }
  const tickets: SourTicket[] = [];
  for (let k = book.ticketStart[i]; k < book.ticketStart[i + 1]; k++) {
    if (book.ticketDay[k] > asOf) break;
    if (book.ticketSentiment[k] < 0) tickets.push({ day: book.ticketDay[k], open: book.ticketOpen[k] === 1 });
  }
  return { days, amounts, tickets };
}

/** Weighted sums over draws of the leave day, under one season: histories kept, and of those silent. */
function drawSums(
  t: Truth,
  season: number | null,
  h: History,
  asOf: number,
  horizon: number,
  draws: number,
  rand: Random,
): { accepted: number; silent: number } {
  const last = h.days[h.days.length - 1];
  const end = asOf + horizon;
  const span = end - last;
  const prior = (v: number) => t.hazard * Math.exp(-t.hazard * (v - last - 1));
  let accepted = 0;
  let silent = 0;
  for (let s = 0; s < draws; s++) {
    const leave =
      s % 2 === 0
        ? last + 1 + Math.floor(-Math.log(1 - rand()) / t.hazard)
        : last + 1 + Math.floor(rand() * span);
    const proposal = 0.5 * prior(leave) + (leave <= end ? 0.5 / span : 0);
    let w = prior(leave) / proposal;
    w *=
      Math.exp(fadeLogWeight(t, season, h.days, h.amounts, leave)) * ticketWeight(t, h.tickets, leave, asOf);
    if (!(w > 0)) continue;
    // Replay the generator's steps from the last order.
    let day = last;
    let ordered = false;
    let rejected = false;
    for (;;) {
      day += Math.max(1, Math.round(t.cadenceDays * stretchAt(t, day, leave) * gamma(rand, t.regularity)));
      if (day >= Math.min(leave, TO + 1) || day > end) break;
      if (day < FROM || day < t.joinDay || !inSeason(season, day)) continue;
      if (day <= asOf) {
        rejected = true;
        break;
      }
      ordered = true;
      break;
    }
    if (rejected) continue;
    accepted += w;
    if (!ordered) silent += w;
  }
  return { accepted: accepted / draws, silent: silent / draws };
}

/** The oracle's P(no order in (asOf, asOf + horizon]) of one customer. */
function noOrderChance(t: Truth, book: Book, i: number, asOf: number, horizon: number, rand: Random): number {
  if (t.kind === 'one_off') return 1;
  const season = t.kind === 'seasonal' ? t.seasonStart : null;
  const sums = drawSums(t, season, historyOf(book, i, asOf), asOf, horizon, DRAWS, rand);
  return sums.accepted > 0 ? sums.silent / sums.accepted : 1;
}

interface Row {
  oracle: number;
  model: number;
  churned: boolean;
  truth: Truth;
  firstOrderDay: number;
}

/** Groups of customers whose stated chance is swapped for the oracle's, to see where the model loses. */
const GROUPS: [string, (r: Row, asOf: number, horizon: number) => boolean][] = [
  ['seasonal, in their first year', (r, asOf) => r.truth.kind === 'seasonal' && asOf - r.firstOrderDay < 365],
  ['seasonal, a year or more', (r, asOf) => r.truth.kind === 'seasonal' && asOf - r.firstOrderDay >= 365],
  ['had already left', (r, asOf) => r.truth.leaveDay <= asOf],
  ['leave within the horizon', (r, asOf, h) => r.truth.leaveDay > asOf && r.truth.leaveDay <= asOf + h],
  ['regulars who stay', (r, asOf, h) => r.truth.kind === 'regular' && !(r.truth.leaveDay <= asOf + h)],
];

function main() {
  const seeds = process.argv.slice(2).map(Number);
  const asOf = dayOf(WHOLESALE_AS_OF);
  const horizon = WHOLESALE_HORIZON_DAYS;
  for (const seed of seeds.length > 0 ? seeds : [...TUNING_SEEDS, ...HELD_OUT_SEEDS]) {
    const { book, truth } = wholesaleBook({ seed });
    const rand = seededRandom(seed * 7919 + 1);
    const scored = scoreBook(book, defaultRules(), asOf);
    const rows: Row[] = [];
    for (const c of scored.customers) {
      if (c.daysSinceLastOrder === null || c.daysSinceLastOrder > 90 || !c.noOrderProbability) continue;
      const i = c.index;
      rows.push({
        oracle: noOrderChance(truth[i], book, i, asOf, horizon, rand),
        model: c.noOrderProbability.in60,
        churned: !orderedWithin(book, i, asOf, asOf + horizon),
        truth: truth[i],
        firstOrderDay: book.orderDay[book.orderStart[i]],
      });
    }
    const auc = (score: (r: Row) => number) =>
      rocAuc(
        rows.map(score),
        rows.map((r) => r.churned),
      ).toFixed(4);
    const churned = rows.filter((r) => r.churned).length;
    console.log(
      `Seed ${seed}: ${rows.length} active customers, ${churned} placed no order in ${horizon} days. ` +
        `AUC: the product ${auc((r) => r.model)}, the oracle ${auc((r) => r.oracle)}`,
    );
    for (const [name, inGroup] of GROUPS) {
      const members = rows.filter((r) => inGroup(r, asOf, horizon));
      console.log(
        `  the oracle's chances for ${name} (${members.length}, ${members.filter((r) => r.churned).length} placed no order): ` +
          auc((r) => (inGroup(r, asOf, horizon) ? r.oracle : r.model)),
      );
    }
  }
}

main();
