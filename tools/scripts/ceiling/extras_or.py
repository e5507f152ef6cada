"""OR-only extra signals: same-season-last-year orders and UK vs export (from customers.csv owner), alone and
added to the GBM/logit ceiling."""
import csv
import numpy as np
from common import build, GOAL, label
from data import auc, day_of, ROOT
from gbm import GBM, cv_scores
from logit import Logit
from gbm_ceiling import logged

name = 'online-retail'
d = __import__('common').dataset(name)
owner = {}
with open(f'{ROOT}/{name}/feed/customers.csv') as f:
    for row in csv.DictReader(f):
        owner[row['customer_id']] = row['owner']
asof, h = GOAL[name]
a = day_of(asof)
for active in (False, True):
    s = build(name, asof, h, active)
    y = s['y']
    export = np.array([owner.get(d['ids'][c], '') == 'export@example.com' for c in s['cust']], float)
    # order days in the same window one year earlier: (as-of - 365, as-of - 365 + horizon]
    lo, hi = a - 365, a - 365 + h
    m = (d['o_day'] > lo) & (d['o_day'] <= hi)
    seas = np.zeros(len(d['ids']))
    np.add.at(seas, d['o_cust'][m], 1)
    seas = seas[s['cust']]
    print(label(name, active), f'export share {export.mean():.2f}; AUC(export)={auc(export, y):.4f};',
          f'AUC(-orders same window last year)={auc(-seas, y):.4f} (share with any: {(seas > 0).mean():.2f})')
    X = np.column_stack([s['X'], export, seas])
    names = s['names'] + ['export', 'orders_same_window_last_year']
    base = auc(cv_scores(lambda: GBM(depth=2), s['X'], y, 5, 0)[0], y)
    plus = auc(cv_scores(lambda: GBM(depth=2), X, y, 5, 0)[0], y)
    lb = auc(cv_scores(lambda: Logit(), logged(s['names'], s['X']), y, 5, 0)[0], y)
    lp = auc(cv_scores(lambda: Logit(), logged(names, X), y, 5, 0)[0], y)
    print(f'  GBM d2 CV: {base:.4f} -> {plus:.4f} with extras; ridge logit CV: {lb:.4f} -> {lp:.4f}')
