"""Q3: one fixed weighted rule for both feeds, weights chosen on the EARLIER dates only (mean AUC over the four
training-date sets), then evaluated on the goal dates. Signals are the product's (replica) plus rec/(age+1)."""
import itertools
import numpy as np
from common import build, SETS, GOAL, TRAIN, label
from data import auc
from product_replica import signals

cols = [label(n, a) for n, a in SETS]
sets = {}
for when, dates in (('train', TRAIN), ('goal', GOAL)):
    for name, active in SETS:
        s = build(name, *dates[name], active)
        sig = signals(name, dates[name][0], s)
        col = lambda n: s['X'][:, s['names'].index(n)]
        sig['recencyShare'] = col('recency') / (col('age') + 1)  # share of the tenure spent silent, in [0, 1]
        sig['noOrder273'] = col('bg_p_none_273')
        sets[(when, label(name, active))] = (sig, s['y'])

KEYS = ['noOrderLikely', 'lowFrequency', 'recencyShare', 'overdue', 'recency', 'noOrder273']
GRID = [0, 5, 10, 20, 30]
results = []
for w in itertools.product([45], GRID, GRID, [0, 5, 10, 30], [0, 5, 10], [0, 20, 45]):
    wd = dict(zip(KEYS, w))
    def a(when, c):
        sig, y = sets[(when, c)]
        return auc(sum(wd[k] * sig[k] for k in KEYS if wd[k]), y)
    results.append((np.mean([a('train', c) for c in cols]), wd, [a('goal', c) for c in cols]))
results.sort(key=lambda r: -r[0])
print('| weights (chosen on earlier dates) | mean AUC earlier dates | ' + ' | '.join(cols) + ' |')
print('|---|---|' + '---|' * len(cols))
for m, wd, g in results[:8]:
    print(f"| {', '.join(f'{k} {v}' for k, v in wd.items() if v)} | {m:.4f} | " + ' | '.join(f'{x:.4f}' for x in g) + ' |')
best_goal = max(results, key=lambda r: np.mean(r[2]))
print(f"\nOptimistic (best mean on goal dates): {best_goal[1]} -> " + ', '.join(f'{x:.4f}' for x in best_goal[2]))
goals = np.array([0.80, 0.72, 0.76, 0.72])
best_margin = max(results, key=lambda r: np.min(np.array(r[2]) - goals))
print(f"Optimistic (best worst-margin to goals): {best_margin[1]} -> " + ', '.join(f'{x:.4f}' for x in best_margin[2]))
