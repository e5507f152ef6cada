"""Replica of the product's weighted score (rules/signals.ts + default-rules.json) for ablations.
Checks it reproduces the product's AUCs, then tries weight changes and added signals (fixed rules)."""
import numpy as np
from common import build, SETS, GOAL, TRAIN, label, dataset
from data import auc, day_of

W = dict(noOrderLikely=45, missedOrders=0, overdue=30, lowFrequency=12, newCustomer=3, recency=1,
         frequencyDrop=2, valueDrop=3, sourTickets=4, openTickets=2)


def own_cadence(udays):
    """Median of the last (up to) 8 gaps between distinct order days; 0 when fewer than 2 gaps."""
    g = np.diff(udays)[-8:]
    return float(np.median(g)) if len(g) >= 2 else 0.0


def signals(name, asof, s):
    d = dataset(name)
    a = day_of(asof)
    m = d['o_day'] <= a
    oc, od, oa = d['o_cust'][m], d['o_day'][m], d['o_amt'][m]
    # book cadence from every customer with an order by as-of
    per = {}
    for c, dd, aa in zip(oc, od, oa):
        per.setdefault(int(c), []).append((dd, aa))
    own_all = [own_cadence(np.unique([x for x, _ in v])) for v in per.values()]
    own_all = [x for x in own_all if x > 0]
    pop = float(np.median(own_all)) if own_all else 30.0
    tm = (d['t_day'] <= a) & (d['t_day'] > a - 30)
    sour = np.bincount(d['t_cust'][tm], minlength=len(d['ids']))
    col = lambda n: s['X'][:, s['names'].index(n)]
    rec, nd, age = col('recency'), col('order_days'), col('age')
    out = {k: np.zeros(len(s['cust'])) for k in W}
    out['noOrderLikely'] = col('bg_p_none_90')
    for i, c in enumerate(s['cust']):
        v = per[int(c)]
        days = np.array([x for x, _ in v]); amts = np.array([y for _, y in v])
        ud = np.unique(days)
        own = own_cadence(ud)
        cad = own if own > 0 else pop
        ratio = rec[i] / cad
        out['overdue'][i] = 1 - 1 / ratio ** 2 if ratio > 1 else 0
        out['lowFrequency'][i] = np.exp(-nd[i] / (age[i] + pop) * 90)
        out['newCustomer'][i] = pop / (age[i] + pop)
        out['recency'][i] = rec[i] / (rec[i] + pop)
        r_days = np.sum(ud > a - 90); p_days = np.sum((ud > a - 180) & (ud <= a - 90))
        r_val = amts[days > a - 90].sum(); p_val = amts[(days > a - 180) & (days <= a - 90)].sum()
        drop = lambda r, p: min(1, max(0, 1 - r / p)) if p > 0 else 0
        out['frequencyDrop'][i] = drop(r_days, p_days) if p_days >= 2 else 0
        out['valueDrop'][i] = drop(r_val, p_val) if p_days >= 2 and p_val > 0 else 0
        out['sourTickets'][i] = 1 - 0.5 ** sour[int(c)]
    # silence probability for missedOrders: ((a+tx)/(a+T))^(r+x), 1 for one-order customers
    r_, al = s['bg_params'][0], s['bg_params'][1]
    x = nd - 1; tx = col('span'); T = age
    out['missedOrders'] = np.where(x > 0, 1 - ((al + tx) / (al + T)) ** (r_ + x), 0)
    return out


def score(sig, w):
    tot = sum(w.values())
    return sum(100 * w[k] * sig[k] / tot for k in w if w[k])


if __name__ == '__main__':
    cols = [label(n, a) for n, a in SETS]
    sigs = {}
    for name, active in SETS:
        s = build(name, *GOAL[name], active)
        sigs[label(name, active)] = (signals(name, GOAL[name][0], s), s)
    variants = {
        'product replica (default weights)': W,
        'noOrderLikely alone': dict(W, **{k: 0 for k in W if k != 'noOrderLikely'}),
        'drop overdue': dict(W, overdue=0),
        'drop overdue, lowFrequency': dict(W, overdue=0, lowFrequency=0),
        'overdue alone': {k: (1 if k == 'overdue' else 0) for k in W},
        'lowFrequency alone': {k: (1 if k == 'lowFrequency' else 0) for k in W},
        'missedOrders alone': {k: (1 if k == 'missedOrders' else 0) for k in W},
        'recency alone': {k: (1 if k == 'recency' else 0) for k in W},
        'newCustomer alone': {k: (1 if k == 'newCustomer' else 0) for k in W},
        'frequencyDrop alone': {k: (1 if k == 'frequencyDrop' else 0) for k in W},
        'noOrder 45 + lowFreq 12 + recency 10': dict(W, overdue=0, recency=10, newCustomer=0, frequencyDrop=0, valueDrop=0, sourTickets=0, openTickets=0),
    }
    print('| weights | ' + ' | '.join(cols) + ' |')
    print('|---|' + '---|' * len(cols))
    for vn, w in variants.items():
        print(f'| {vn} | ' + ' | '.join(f"{auc(score(sigs[c][0], w), sigs[c][1]['y']):.4f}" for c in cols) + ' |', flush=True)
