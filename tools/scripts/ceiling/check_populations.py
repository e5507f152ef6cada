"""Reproduce the brief's population sizes, churn counts and recency AUCs."""
import numpy as np
from data import load, population, auc, day_of

SETS = [('cdnow', '1997-09-30', 273), ('online-retail', '2011-09-09', 91)]
for name, asof, h in SETS:
    d = load(name)
    for act in (None, 90):
        cust, y = population(d, asof, h, act)
        a = day_of(asof)
        m = d['o_day'] <= a
        last = np.full(len(d['ids']), -10**9)
        np.maximum.at(last, d['o_cust'][m], d['o_day'][m])
        rec = a - last[cust]
        print(name, 'all' if act is None else 'active', len(cust), int(y.sum()), round(auc(rec, y), 4))
