"""Shared set-up: the four evaluation sets (and training dates) with features and labels."""
import numpy as np
from data import load, population, auc
from features import feature_table, bgnbd_summary
import bgnbd

GOAL = {'cdnow': ('1997-09-30', 273), 'online-retail': ('2011-09-09', 91)}
TRAIN = {'cdnow': ('1997-06-30', 182), 'online-retail': ('2011-06-09', 91)}
CDNOW_PARAMS_WEEKS = (0.243, 4.414, 0.793, 2.426)
_cache = {}


def dataset(name):
    if name not in _cache:
        _cache[name] = load(name)
    return _cache[name]


def build(name, asof, horizon, active, bg_params_days=None):
    """Features (+ BG/NBD columns) and labels for one set. bg_params_days: (r, alpha_days, a, b) or None = fit here."""
    d = dataset(name)
    cust, y = population(d, asof, horizon, 90 if active else None)
    names, X = feature_table(d, asof, cust)
    # BG/NBD is fitted on everyone with an order by as-of (unsupervised, no labels), then scored for this set.
    call, _ = population(d, asof, horizon, None)
    xa, txa, Ta = bgnbd_summary(d, asof, call)
    params = bg_params_days if bg_params_days is not None else bgnbd.fit(xa, txa, Ta)
    x, tx, T = bgnbd_summary(d, asof, cust)
    cols = {'bg_p_alive': bgnbd.p_alive(params, x, tx, T)}
    for t in (30, 90, 182, 273):
        cols[f'bg_p_none_{t}'] = bgnbd.p_no_purchase(params, t, x, tx, T)
    names = names + list(cols)
    X = np.column_stack([X] + [cols[k] for k in cols])
    return {'names': names, 'X': X, 'y': y, 'cust': cust, 'bg_params': params}


SETS = [('cdnow', False), ('cdnow', True), ('online-retail', False), ('online-retail', True)]


def label(name, active):
    return f"{'CDNOW' if name == 'cdnow' else 'OR'} {'active' if active else 'all'}"
