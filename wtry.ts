import { readFeed } from './feed/readFeed';
import { backtest, dayOf, defaultRules, scoreBook } from './rules';
import { wholesaleBook } from './test/synthetic/wholesaleBook';
const f4 = (x: number) => x.toFixed(4);
async function main() {
  const cases: [string, () => Promise<any>, string, number][] = [
    ['w1', async () => wholesaleBook({ seed: 1 }).book, '2026-09-01', 60],
    ['w2', async () => wholesaleBook({ seed: 2 }).book, '2026-09-01', 60],
    ['or', async () => (await readFeed('test/fixtures/online-retail/feed')).book, '2011-09-09', 91],
    ['cd', async () => (await readFeed('test/fixtures/cdnow/feed')).book, '1997-09-30', 273],
  ];
  for (const [name, load, asOf, h] of cases) {
    if (process.argv[2] && !process.argv[2].includes(name)) continue;
    const book = await load();
    const t = Date.now();
    const s = scoreBook(book, defaultRules(), dayOf(asOf));
    console.log(name, 'ms', Date.now() - t, s.choice.use, s.choice.reason);
    for (const active of [undefined, 90]) {
      const r = backtest(book, defaultRules(), { asOfDay: dayOf(asOf), horizonDays: h, activeWithinDays: active });
      const off = backtest(book, { ...defaultRules(), learn: { ...defaultRules().learn, enabled: false } }, { asOfDay: dayOf(asOf), horizonDays: h, activeWithinDays: active });
      console.log(`  active ${active}: model ${f4(r.score.auc)} / ${r.score.topKPrecision.toFixed(2)}  rules ${f4(off.score.auc)} / ${off.score.topKPrecision.toFixed(2)} base ${f4(r.baseline.auc)} / ${r.baseline.topKPrecision.toFixed(2)}`);
    }
  }
}
main();
