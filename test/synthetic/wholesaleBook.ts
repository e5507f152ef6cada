/**
 * A wholesale distributor's book whose truth is known: regulars on weekly to bimonthly cadences of
 * different regularity, customers who leave abruptly and customers who fade first (longer gaps,
 * smaller orders, sour tickets near the end), seasonal buyers who go quiet every winter and come
 * back, and a few one-off buyers. Seeded, so every seed is one reproducible book.
 *
 * Used by the accuracy table (scripts/accuracyTable.ts), the model's tests and the benchmark: the
 * model's settings were chosen on TUNING_SEEDS only; the goals are judged on HELD_OUT_SEEDS.
 */
import { type Book, type Customer, dayOf } from '../../rules/book';
import { type Random, seededRandom } from '../../rules/seededRandom';

/** Seeds the learned model's settings were chosen on. */
export const TUNING_SEEDS = [1, 2] as const;
/**
 * Seeds nobody looked at while choosing them: the goals are judged here. 404 and 505 were added after
 * 101's misses had been studied (its outcomes were looked at, customer by customer), and first run for
 * the accuracy table after the last setting was chosen.
 */
export const HELD_OUT_SEEDS = [101, 202, 303, 404, 505] as const;

export interface WholesaleOptions {
  seed: number;
  customers?: number;
  reps?: number;
  /** First and last day of the book (YYYY-MM-DD). */
  from?: string;
  to?: string;
}

/** The date the wholesale books are judged on, and the horizon: the last 60 days are the future. */
export const WHOLESALE_AS_OF = '2026-09-01';
export const WHOLESALE_HORIZON_DAYS = 60;

export interface Truth {
  /** Day the customer stops for good (Infinity: never in the book). */
  leaveDay: number;
  kind: 'one_off' | 'seasonal' | 'regular';
  /** Leaves fading (longer gaps, smaller orders) rather than abruptly. */
  fader: boolean;
  cadenceDays: number;
  /** Gamma shape of the gaps: higher is steadier. */
  regularity: number;
  /** The rest of what drew the customer's orders and tickets (for an oracle that knows them). */
  joinDay: number;
  /** Daily hazard of leaving. */
  hazard: number;
  /** Days before leaving that a fader's gaps stretch and orders shrink. */
  fadeDays: number;
  /** Day of the year a seasonal buyer's season opens (it lasts 180 days). */
  seasonStart: number;
  meanAmount: number;
}

/** Generates one book; `truth` says when each customer really left. */
export function wholesaleBook(options: WholesaleOptions): { book: Book; truth: Truth[] } {
  const rand = seededRandom(options.seed);
  const n = options.customers ?? 2000;
  const reps = options.reps ?? 10;
  const from = dayOf(options.from ?? '2024-01-01');
  const to = dayOf(options.to ?? '2026-10-31');
  const span = to - from;

  const customers: Customer[] = [];
  const orders: { c: number; day: number; amount: number }[] = [];
  const tickets: { c: number; day: number; sentiment: -1 | 0 | 1; open: 0 | 1 }[] = [];
  const truth: Truth[] = [];

  for (let c = 0; c < n; c++) {
    customers.push({
      id: `W${options.seed}-${String(c).padStart(5, '0')}`,
      name: `Wholesale customer ${c}`,
      owner: `rep${c % reps}@distributor.example`,
      monthlyValue: null,
    });
    const kind = rand();
    const oneOff = kind < 0.06;
    const seasonal = !oneOff && kind < 0.16;
    const cadence = pick(rand, [7, 7, 10, 14, 14, 21, 21, 30, 30, 45]);
    // Gamma shape of the gaps: 2 = erratic, 4-8 = fairly steady, 15 = like clockwork.
    const shape = pick(rand, [2, 4, 8, 15]);
    const meanAmount = Math.exp(5 + 1.2 * normal(rand));
    const join = from - Math.floor(rand() * 365) + Math.floor(rand() * span * 0.85);
    // Monthly hazard of leaving 1-4%; a leaver fades first about half of the time.
    const hazard = (0.01 + 0.03 * rand()) / 30;
    const leaveDay = oneOff ? join + 1 : join + Math.floor(-Math.log(1 - rand()) / hazard);
    const fader = rand() < 0.5;
    const fadeDays = 45 + Math.floor(rand() * 90);
    const seasonStart = Math.floor(rand() * 120) + 60; // day of year the season opens
    truth.push({
      leaveDay: leaveDay <= to ? leaveDay : Number.POSITIVE_INFINITY,
      kind: oneOff ? 'one_off' : seasonal ? 'seasonal' : 'regular',
      fader,
      cadenceDays: cadence,
      regularity: shape,
      joinDay: join,
      hazard,
      fadeDays,
      seasonStart,
      meanAmount,
    });

    let day = Math.max(join, from - 400);
    if (oneOff) {
      if (join >= from && join <= to)
        orders.push({ c, day: join, amount: meanAmount * lognormal(rand, 0.3) });
      continue;
    }
    while (day < Math.min(leaveDay, to + 1)) {
      const fading = fader && day > leaveDay - fadeDays;
      const stretch = fading ? 1 + (1.5 * (day - (leaveDay - fadeDays))) / fadeDays : 1;
      const inSeason = !seasonal || (dayOfYear(day) - seasonStart < 180 && dayOfYear(day) >= seasonStart);
      if (day >= from && day >= join && inSeason) {
        const shrink = fading ? 1 - (0.6 * (day - (leaveDay - fadeDays))) / fadeDays : 1;
        orders.push({ c, day, amount: Math.max(5, meanAmount * shrink * lognormal(rand, 0.35)) });
      }
      day += Math.max(1, Math.round(cadence * stretch * gamma(rand, shape)));
    }
    // Tickets: a few neutral or happy ones over time, sour ones for most faders near the end and
    // now and then for anyone (a ticket alone does not mean leaving).
    const noise = Math.floor(rand() * 4);
    for (let t = 0; t < noise; t++) {
      const d = join + Math.floor(rand() * (Math.min(leaveDay, to) - join));
      if (d >= from && d <= to)
        tickets.push({ c, day: d, sentiment: rand() < 0.2 ? -1 : rand() < 0.5 ? 0 : 1, open: 0 });
    }
    if (leaveDay <= to && rand() < (fader ? 0.7 : 0.3)) {
      const count = 1 + Math.floor(rand() * 3);
      for (let t = 0; t < count; t++) {
        const d = leaveDay - Math.floor(rand() * 40);
        if (d >= from && d <= to) tickets.push({ c, day: d, sentiment: -1, open: rand() < 0.4 ? 1 : 0 });
      }
    }
  }
  return { book: toBook(customers, orders, tickets), truth };
}

function toBook(
  customers: Customer[],
  orders: { c: number; day: number; amount: number }[],
  tickets: { c: number; day: number; sentiment: -1 | 0 | 1; open: 0 | 1 }[],
): Book {
  orders.sort((a, b) => a.c - b.c || a.day - b.day);
  tickets.sort((a, b) => a.c - b.c || a.day - b.day);
  const n = customers.length;
  const starts = (rows: { c: number }[]) => {
    const start = new Int32Array(n + 1);
    for (const r of rows) start[r.c + 1]++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    return start;
  };
  return {
    customers,
    orderStart: starts(orders),
    orderDay: Int32Array.from(orders, (o) => o.day),
    orderAmount: Float64Array.from(orders, (o) => Math.round(o.amount * 100) / 100),
    ticketStart: starts(tickets),
    ticketDay: Int32Array.from(tickets, (t) => t.day),
    ticketSentiment: Int8Array.from(tickets, (t) => t.sentiment),
    ticketOpen: Uint8Array.from(tickets, (t) => t.open),
  };
}

function pick<T>(rand: Random, values: readonly T[]): T {
  return values[Math.floor(rand() * values.length)];
}

export function dayOfYear(day: number): number {
  return ((day % 365) + 365) % 365;
}

export function normal(rand: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function lognormal(rand: Random, sigma: number): number {
  return Math.exp(sigma * normal(rand) - (sigma * sigma) / 2);
}

/** Gamma(shape, 1/shape): mean 1 (Marsaglia-Tsang; shape >= 1). */
export function gamma(rand: Random, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rand);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / shape;
  }
}
