"""Q2a: AUC of every single feature on each goal set (NaN filled with the feature's median; AUC<0.5 = inverse)."""
import numpy as np
from common import build, SETS, GOAL, CDNOW_PARAMS_WEEKS, label
from data import auc

res = {}
names_all = []
for name, active in SETS:
    asof, h = GOAL[name]
    s = build(name, asof, h, active)
    print(label(name, active), 'n', len(s['y']), 'churned', int(s['y'].sum()), 'BG/NBD fit (days):', np.round(s['bg_params'], 3))
    for j, f in enumerate(s['names']):
        v = s['X'][:, j].copy()
        nan = np.isnan(v)
        v[nan] = np.nanmedian(v) if (~nan).any() else 0
        res[(f, label(name, active))] = auc(v, s['y'])
        if f not in names_all:
            names_all.append(f)
    if name == 'cdnow':
        # the brief's published CDNOW parameters (alpha in weeks -> days)
        r, al, a, b = CDNOW_PARAMS_WEEKS
        s2 = build(name, asof, h, active, (r, al * 7, a, b))
        for j, f in enumerate(s2['names']):
            if f.startswith('bg_'):
                res[(f + '@pub', label(name, active))] = auc(s2['X'][:, j], s2['y'])
                if f + '@pub' not in names_all:
                    names_all.append(f + '@pub')

cols = [label(n, a) for n, a in SETS]
print('\n| feature | ' + ' | '.join(cols) + ' |')
print('|---|' + '---|' * len(cols))
for f in names_all:
    print(f'| {f} | ' + ' | '.join(f"{res[(f, c)]:.4f}" if (f, c) in res else '' for c in cols) + ' |')
