"""Boosted trees and a ridge logistic against the product's binned model on the wholesale TUNING books.

Reads the rows written by wholesaleRows.ts (the product's own features on its own fit days, each day
counted as the product counts it) and, per seed and as-of date, fits on the fit rows and ranks the
as-of day's active customers (no order in the 60 days after it). Prints each case's AUC and the mean
over the cases, with how many cases each model beats the product's score in.

Run (from this folder):
    npx tsx wholesaleRows.ts /tmp/wholesale-rows && python3 wholesale_ceiling.py /tmp/wholesale-rows
"""
import glob
import os
import sys
import time
import numpy as np
from data import auc
from gbm import GBM
from logit import Logit


def load(path):
    with open(path) as f:
        header = f.readline().rstrip('\n').split(',')
        rows = [line.rstrip('\n').split(',') for line in f]
    names = header[4:-1]
    sets = np.array([r[0] for r in rows])
    weight = np.array([int(r[1]) for r in rows])
    cust = np.array([int(r[2]) for r in rows])
    y = np.array([int(r[3]) for r in rows])
    X = np.array([[float(v) for v in r[4:-1]] for r in rows])
    extra = [r[-1] for r in rows]
    return dict(names=names, set=sets, weight=weight, cust=cust, y=y, X=X, extra=extra)


def part(d, name):
    m = d['set'] == name
    out = {k: (v[m] if isinstance(v, np.ndarray) else [e for e, keep in zip(v, m) if keep]) for k, v in d.items() if k != 'names'}
    out['names'] = d['names']
    return out


def expanded(p):
    """Each fit row repeated as often as the product counts it (year-ago days twice)."""
    idx = np.repeat(np.arange(len(p['y'])), p['weight'])
    return p['X'][idx], p['y'][idx].astype(float)


def logged(X):
    """log1p of the columns that are never negative, for the logistic (trees do not care)."""
    X = X.copy()
    for j in range(X.shape[1]):
        col = X[:, j]
        if np.nanmin(col) >= 0 and np.nanmax(col) > 5:
            X[:, j] = np.log1p(col)
    return X


class ChosenRounds:
    """Boosted trees whose number of rounds the validation day picks (as the product's validation day
    picks its penalty): the AUC on its active customers after each of CHECKS rounds."""
    CHECKS = (50, 100, 200, 300, 400)

    def __init__(self, depth):
        self.gbm = GBM(rounds=max(self.CHECKS), lr=0.05, depth=depth, min_leaf=20)

    def fit(self, X, y, Xv, yv):
        from gbm import _predict_tree
        self.gbm.fit(X, y)
        Bv = self.gbm.binner.transform(Xv)
        F = np.full(len(yv), self.gbm.base)
        best = -1
        for k, tree in enumerate(self.gbm.trees, 1):
            F += _predict_tree(tree, Bv)
            if k in self.CHECKS and auc(F, yv) > best:
                best, self.rounds = auc(F, yv), k
        return self

    def predict(self, X):
        from gbm import _predict_tree
        B = self.gbm.binner.transform(X)
        return self.gbm.base + sum(_predict_tree(t, B) for t in self.gbm.trees[:self.rounds])


MODELS = {
    'GBM d1': lambda: GBM(rounds=200, lr=0.05, depth=1, min_leaf=20),
    'GBM d2': lambda: GBM(rounds=200, lr=0.05, depth=2, min_leaf=20),
    'GBM d3': lambda: GBM(rounds=200, lr=0.05, depth=3, min_leaf=20),
    'GBM d2, rounds by validation': lambda: ChosenRounds(2),
    'GBM d3, rounds by validation': lambda: ChosenRounds(3),
    'ridge logit': lambda: Logit(lam=1.0),
}
DEFAULT = ['GBM d2', 'GBM d3', 'ridge logit']


def cases(folder):
    return sorted(glob.glob(os.path.join(folder, 'seed*_*.csv')))


if __name__ == '__main__':
    folder = sys.argv[1]
    only = sys.argv[2:] or DEFAULT
    results = {m: [] for m in ['product'] + only}
    print('| case | active / no order | product | ' + ' | '.join(only) + ' |')
    print('|---|---|---|' + '---|' * len(only))
    for path in cases(folder):
        t0 = time.time()
        d = load(path)
        fit, val, now = part(d, 'fit'), part(d, 'validation'), part(d, 'asof')
        Xf, yf = expanded(fit)
        product = np.array([float(e.split(';')[0]) for e in now['extra']])
        results['product'].append(auc(product, now['y']))
        cells = []
        for m in only:
            logit = 'logit' in m
            model = MODELS[m]()
            if isinstance(model, ChosenRounds):
                model.fit(Xf, yf, val['X'], val['y'])
            else:
                model.fit(logged(Xf) if logit else Xf, yf)
            a = auc(model.predict(logged(now['X']) if logit else now['X']), now['y'])
            results[m].append(a)
            cells.append(f'{a:.4f}')
        name = os.path.basename(path)[:-4].replace('_', ' ')
        print(f"| {name} | {len(now['y'])} / {now['y'].sum()} | {results['product'][-1]:.4f} | " + ' | '.join(cells) + ' |',
              f'({time.time() - t0:.0f}s)', flush=True)
    p = np.array(results['product'])
    print(f"\nmean over {len(p)} cases: product {p.mean():.4f}")
    for m in only:
        a = np.array(results[m])
        print(f"{m}: {a.mean():.4f} ({a.mean() - p.mean():+.4f}), higher than the product in {(a > p).sum()} of {len(p)}")
