"""Which customers the product's score ranks too low on a wholesale TUNING book, by the generator's truth.

For one file of wholesaleRows.ts: the AUC the product loses (pairs of a customer who placed no order
ranked at or below one who ordered, ties half), split by what the generator says about the customer
who placed no order (seasonal, already left abruptly or fading, leaves within the 60 days, stays and
skipped by chance), beside depth-3 boosted trees fitted on the same rows (wholesale_ceiling.py), and the
median features of the missed beside the customers who ordered and were ranked near them.
Run (from this folder): python3 wholesale_misses.py /tmp/wholesale-rows/seed2_2026-09-01.csv
"""
import sys
import numpy as np
from data import auc
from wholesale_ceiling import MODELS, expanded, load, part


def group(extra):
    _, kind, fader, left, *_ = extra.split(';')
    if kind != 'regular':
        return kind
    how = 'fading' if fader == '1' else 'abrupt'
    return {'left': f'already left ({how})', 'leaves': f'leaves in the 60 days ({how})', 'stays': 'stays'}[left]


def lost_auc(score, y):
    """Per customer who placed no order: the share of pairs lost with those who ordered (ties half)."""
    s1, s0 = score[y], np.sort(score[~y])
    above = len(s0) - np.searchsorted(s0, s1, side='right')
    ties = np.searchsorted(s0, s1, side='right') - np.searchsorted(s0, s1, side='left')
    return (above + 0.5 * ties) / (len(s1) * len(s0)), above


if __name__ == '__main__':
    data = load(sys.argv[1])
    d = part(data, 'asof')
    score = np.array([float(e.split(';')[0]) for e in d['extra']])
    g = np.array([group(e) for e in d['extra']])
    y = d['y'].astype(bool)
    s1, s0 = score[y], score[~y]
    n1, n0 = len(s1), len(s0)
    lost, above = lost_auc(score, y)
    trees = MODELS['GBM d3']().fit(*expanded(part(data, 'fit'))).predict(d['X'])
    lost_trees, _ = lost_auc(trees, y)
    print(f'AUC {1 - lost.sum():.4f} (depth-3 trees {auc(trees, y):.4f}); {n1} placed no order of {n1 + n0}')
    print('\n| placed no order: group | customers | lost AUC | median rank among those who ordered (1 = top) | lost AUC, depth-3 trees |')
    print('|---|---|---|---|---|')
    for name in sorted(set(g[y]), key=lambda k: -lost[g[y] == k].sum()):
        m = g[y] == name
        print(f'| {name} | {m.sum()} | {lost[m].sum():.4f} | {np.median(above[m]) + 1:.0f} of {n0} | {lost_trees[m].sum():.4f} |')
    # Who ordered and was ranked above them: their groups, weighted by the pairs they win.
    s1_sorted = np.sort(s1)
    below = np.searchsorted(s1_sorted, s0, side='left')
    print('\n| ordered again: group | customers | lost AUC (ranked above one who placed none) |')
    print('|---|---|---|')
    lost0 = below / (n1 * n0)
    for name in sorted(set(g[~y]), key=lambda k: -lost0[g[~y] == k].sum()):
        m = g[~y] == name
        print(f'| {name} | {m.sum()} | {lost0[m].sum():.4f} |')
    # The missed: who placed no order but ranked below the top 20% of those who ordered, against those who ordered near them.
    cut = np.quantile(s0, 0.8)
    missed = y & (score < cut)
    near = ~y & (score >= np.quantile(s0, 0.5)) & (score < cut)
    print(f'\nmissed (placed no order, ranked below the top 20% of those who ordered): {missed.sum()}; '
          f'by group: ' + ', '.join(f'{k} {int((g[missed] == k).sum())}' for k in sorted(set(g[missed]))))
    print('\n| feature | missed (median) | ordered, ranked 50-80% (median) | AUC of the feature, missed against those |')
    print('|---|---|---|---|')
    for j, name in enumerate(d['names']):
        a, b = d['X'][missed, j], d['X'][near, j]
        ok_a, ok_b = a[~np.isnan(a)], b[~np.isnan(b)]
        v = np.concatenate([ok_a, ok_b])
        lab = np.concatenate([np.ones(len(ok_a)), np.zeros(len(ok_b))])
        sep = auc(v, lab) if len(ok_a) and len(ok_b) else float('nan')
        med = lambda x: f'{np.median(x):.3g}' if len(x) else 'n/a'
        print(f'| {name} | {med(ok_a)} ({len(a) - len(ok_a)} not known) | {med(ok_b)} ({len(b) - len(ok_b)} not known) | {sep:.3f} |')
