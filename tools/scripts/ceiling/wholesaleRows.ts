/**
 * Writes, for the wholesale ceiling (wholesale_ceiling.py), the rows the product's book model sees on
 * one tuning seed and as-of date: the fit days' rows (the product's features, label = no order in 90
 * days, each day counted as the product counts it), the validation day's rows (as-of − 90) and the
 * as-of day's active rows with the product's own score, the 60-day outcome and the generator's truth.
 *
 * Only the tuning seeds are allowed: the held-out seeds are judged, never chosen on.
 * Run: `npx tsx tools/scripts/ceiling/wholesaleRows.ts <outdir> [seed ...]` (default seeds 1-5, the
 * six as-of dates of docs/accuracy.md's "What was looked at while choosing").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Book, dayOf } from '../../../rules/book';
import { computeFeatures, emptyFeatures, featureContext } from '../../../rules/features';
import { fitDaysOf, MAX_FIT_ROWS, type Rows, rowsAsOf } from '../../../rules/model/bookModel';
import { CadenceHistories, type CadenceModel, fitCadenceModel } from '../../../rules/model/cadenceModel';
import { sampleKey, sampleRows } from '../../../rules/model/cadenceSample';
import { FEATURE_COUNT, MODEL_FEATURES } from '../../../rules/model/modelFeatures';
import { defaultRules, type Rules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { type Truth, TUNING_SEEDS, wholesaleBook } from '../../../test/synthetic/wholesaleBook';

/** The as-of dates the fit days a year earlier were chosen on (docs/accuracy.md). */
const CEILING_AS_OF = ['2025-09-01', '2025-10-01', '2026-06-15', '2026-07-15', '2026-08-01', '2026-09-01'];
const HORIZON = 60;
const ACTIVE = 90;
/** Seeds 3-5 were generated for the tuning too (docs/accuracy.md); none of them is judged. */
const TUNING = new Set<number>([...TUNING_SEEDS, 3, 4, 5]);

/** The cadence model as scoreBook fits it as of `day` (every customer's history). */
function cadenceAsOf(book: Book, rules: Rules, day: number): CadenceModel {
  const ctx = featureContext(book, rules, day);
  const f = emptyFeatures();
  const histories = new CadenceHistories(book.customers.length);
  for (let i = 0; i < book.customers.length; i++) {
    computeFeatures(book, i, ctx, f);
    histories.add(f, book.customers[i].id);
  }
  return fitCadenceModel(histories, rules.model);
}

/** CSV lines (set, weight, customer, label, features, extra) of the product's own rows as of `day`. */
function lines(rows: Rows, set: string, weight: number, extra: (i: number) => string = () => ''): string[] {
  return Array.from(rows.customer, (i, k) => {
    const values = Array.from(rows.x.subarray(k * FEATURE_COUNT, (k + 1) * FEATURE_COUNT), (v) =>
      Number.isFinite(v) ? String(v) : 'nan',
    );
    return [set, weight, i, rows.labels[0][k], ...values, extra(i)].join(',');
  });
}

function truthCells(t: Truth, asOfDay: number): string {
  const left = t.leaveDay <= asOfDay ? 'left' : t.leaveDay <= asOfDay + HORIZON ? 'leaves' : 'stays';
  return [t.kind, t.fader ? 1 : 0, left, t.cadenceDays, t.regularity, Math.round(asOfDay - t.joinDay)].join(
    ';',
  );
}

function main(): void {
  const [outDir, ...seedArgs] = process.argv.slice(2);
  if (!outDir) throw new Error('usage: wholesaleRows.ts <outdir> [seed ...]');
  const seeds = seedArgs.length ? seedArgs.map(Number) : [...TUNING];
  for (const s of seeds) if (!TUNING.has(s)) throw new Error(`seed ${s} is not a tuning seed`);
  mkdirSync(outDir, { recursive: true });
  const rules = defaultRules();
  const H = rules.learn.horizonDays;
  for (const seed of seeds) {
    const { book, truth } = wholesaleBook({ seed });
    const all = Int32Array.from(book.customers, (_, i) => i);
    const firstOrder = book.orderDay.reduce((m, d) => Math.min(m, d), Number.POSITIVE_INFINITY);
    const keys = Uint32Array.from(book.customers, (c) => sampleKey(c.id));
    for (const asOf of CEILING_AS_OF) {
      const asOfDay = dayOf(asOf);
      const cadence = cadenceAsOf(book, rules, asOfDay);
      const days = fitDaysOf(asOfDay, firstOrder, rules.learn);
      const weights = days.reduce((sum, d) => sum + d.weight, 0);
      const sample = sampleRows(keys, Math.floor(MAX_FIT_ROWS / Math.max(1, weights)));
      const out = [['set', 'weight', 'customer', 'y', ...MODEL_FEATURES, 'extra'].join(',')];
      for (const d of days)
        out.push(...lines(rowsAsOf(book, rules, cadence, d.day, sample, [H]), 'fit', d.weight));
      out.push(...lines(rowsAsOf(book, rules, cadence, asOfDay - H, all, [H], ACTIVE), 'validation', 1));
      const scored = scoreBook(book, rules, asOfDay);
      const product = new Float64Array(book.customers.length);
      for (const c of scored.customers) product[c.index] = c.score;
      out.push(
        ...lines(rowsAsOf(book, rules, cadence, asOfDay, all, [HORIZON], ACTIVE), 'asof', 1, (i) =>
          [product[i], truthCells(truth[i], asOfDay)].join(';'),
        ),
      );
      const file = join(outDir, `seed${seed}_${asOf}.csv`);
      writeFileSync(file, `${out.join('\n')}\n`);
      console.log(`${file}: ${out.length - 1} rows (${scored.choice.use})`);
    }
  }
}

main();
