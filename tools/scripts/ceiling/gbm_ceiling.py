"""Q1: 5-fold CV GBM (and ridge logistic) ceiling on the rich features, plus honest transfer from an earlier date."""
import sys
import time
import numpy as np
from common import build, SETS, GOAL, TRAIN, label
from data import auc
from gbm import GBM, cv_scores
from logit import Logit

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
LOG_COLS = ('recency', 'order_days', 'orders', 'age', 'span', 'spend', 'gap', 'days_last', 'orders_last', 'tickets')


def logged(names, X):
    """log1p of non-negative count/amount/day columns, for the logistic (trees do not care)."""
    X = X.copy()
    for j, n in enumerate(names):
        if n.startswith(LOG_COLS) and not n.startswith('spend_trend') and np.nanmin(X[:, j]) >= 0:
            X[:, j] = np.log1p(X[:, j])
    return X


models = {
    'GBM d2': lambda: GBM(rounds=200, lr=0.05, depth=2, min_leaf=20),
    'GBM d3': lambda: GBM(rounds=200, lr=0.05, depth=3, min_leaf=20),
    'ridge logit': lambda: Logit(lam=1.0),
}
if __name__ == '__main__':
    print('| set | trained on | model | CV AUC (mean over repeats) | min..max | transfer AUC (fit on earlier date) |')
    print('|---|---|---|---|---|---|')
    for name, active in SETS:
        s_eval = build(name, *GOAL[name], active)
        for train_pop in ([False, True] if active else [False]):
            # train_pop False = fit on the 'all' population; AUC is taken on the evaluated set's customers only
            s = build(name, *GOAL[name], train_pop)
            t = build(name, *TRAIN[name], train_pop)  # the training date's BG/NBD is fitted on that date's data only
            keep = np.isin(s['cust'], s_eval['cust'])
            ye = s['y'][keep]
            assert s['names'] == t['names']
            for mname, make in models.items():
                t0 = time.time()
                Xs, Xt = (logged(s['names'], s['X']), logged(t['names'], t['X'])) if 'logit' in mname else (s['X'], t['X'])
                aucs = [auc(cv_scores(make, Xs, s['y'], 5, seed)[0][keep], ye) for seed in range(REPEATS)]
                transfer = auc(make().fit(Xt, t['y'].astype(float)).predict(Xs)[keep], ye)
                print(f"| {label(name, active)} | {'active' if train_pop else 'all'} | {mname} | {np.mean(aucs):.4f} | {min(aucs):.4f}..{max(aucs):.4f} | {transfer:.4f} |",
                      f"({time.time() - t0:.0f}s; train n={len(t['y'])}, churn {t['y'].mean():.2f})", flush=True)
