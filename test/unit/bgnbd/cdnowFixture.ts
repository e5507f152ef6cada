import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BgNbdSummary } from '../../../rules/model/bgnbdSummary';

const FIXTURE = join(__dirname, '../../fixtures/cdnow/cdnow_customers_summary.csv');

/**
 * The CDNOW 2,357-customer calibration summary (lifetimes' cdnow_customers_summary.csv, weeks rounded
 * to 0.01). With `wholeDays`, recency and T are restored to exact whole days / 7: the file's rounding
 * (±0.005 week = ±0.035 day) never crosses half a day, so Math.round(weeks * 7) is the true day count.
 */
export function loadCdnowSummary(options: { wholeDays?: boolean } = {}): BgNbdSummary {
  const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n');
  if (lines[0].trim() !== 'ID,frequency,recency,T') throw new Error(`Unexpected header: ${lines[0]}`);
  const rows = lines.slice(1);
  const x = new Float64Array(rows.length);
  const tx = new Float64Array(rows.length);
  const T = new Float64Array(rows.length);
  const toWeeks = options.wholeDays ? (weeks: number) => Math.round(weeks * 7) / 7 : (weeks: number) => weeks;
  rows.forEach((row, i) => {
    const [, frequency, recency, age] = row.split(',').map(Number);
    x[i] = frequency;
    tx[i] = toWeeks(recency);
    T[i] = toWeeks(age);
  });
  return { x, tx, T };
}
