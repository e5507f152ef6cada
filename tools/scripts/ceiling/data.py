"""Load the two benchmark feeds, build populations/labels as of a date, and a rich feature table (plain numpy)."""
import csv
import os
import datetime as dt
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'test', 'fixtures')
EPOCH = dt.date(1970, 1, 1)


def day_of(s):
    """Epoch day of an ISO date or UTC timestamp string (date part)."""
    return (dt.date.fromisoformat(s[:10]) - EPOCH).days


def load(name):
    """Returns dict: cust (int array), day (int array), amount (float array) for orders; tickets cust/day."""
    orders = {'cust': [], 'day': [], 'amount': []}
    with open(f'{ROOT}/{name}/feed/orders.csv') as f:
        for row in csv.DictReader(f):
            orders['cust'].append(row['customer_id'])
            orders['day'].append(day_of(row['ordered_at']))
            orders['amount'].append(float(row['amount']))
    tickets = {'cust': [], 'day': []}
    try:
        with open(f'{ROOT}/{name}/feed/tickets.csv') as f:
            for row in csv.DictReader(f):
                tickets['cust'].append(row['customer_id'])
                tickets['day'].append(day_of(row['opened_at']))
    except FileNotFoundError:
        pass
    ids = sorted(set(orders['cust']) | set(tickets['cust']))
    idx = {c: i for i, c in enumerate(ids)}
    return {
        'ids': ids,
        'o_cust': np.array([idx[c] for c in orders['cust']], dtype=np.int64),
        'o_day': np.array(orders['day'], dtype=np.int64),
        'o_amt': np.array(orders['amount'], dtype=np.float64),
        't_cust': np.array([idx[c] for c in tickets['cust']], dtype=np.int64),
        't_day': np.array(tickets['day'], dtype=np.int64),
        'has_tickets': len(tickets['cust']) > 0,
    }


def population(data, asof_iso, horizon, active_days=None):
    """Customer indices with an order on/before as-of (optionally within active_days), and churn labels."""
    asof = day_of(asof_iso)
    n = len(data['ids'])
    before = data['o_day'] <= asof
    last = np.full(n, -10**9)
    np.maximum.at(last, data['o_cust'][before], data['o_day'][before])
    future = (data['o_day'] > asof) & (data['o_day'] <= asof + horizon)
    bought = np.zeros(n, bool)
    bought[data['o_cust'][future]] = True
    pop = last > -10**9
    if active_days is not None:
        pop &= last >= asof - active_days  # last order within active_days days before as-of (inclusive: gap <= 90)
    cust = np.nonzero(pop)[0]
    return cust, (~bought[cust]).astype(np.int8)


def auc(score, y):
    """Mann-Whitney AUC, higher score = more likely y=1, ties count half."""
    score = np.asarray(score, float)
    y = np.asarray(y).astype(bool)
    order = np.argsort(score, kind='mergesort')
    s = score[order]
    ranks = np.empty(len(s))
    # average ranks for ties
    i = 0
    r = np.arange(1, len(s) + 1, dtype=float)
    uniq, start, counts = np.unique(s, return_index=True, return_counts=True)
    avg = start + (counts + 1) / 2.0
    ranks_sorted = np.repeat(avg, counts)
    ranks[order] = ranks_sorted
    n1 = y.sum()
    n0 = len(y) - n1
    return (ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)
