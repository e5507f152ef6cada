"""Rich per-customer feature table as of a day (only orders/tickets on or before it count). Plain numpy."""
import math
import numpy as np
from data import day_of

NAN = float('nan')


def _group(cust, *cols):
    """Sort rows by customer then by the first column; return dict cust -> tuple of arrays."""
    order = np.lexsort((cols[0], cust))
    cust = cust[order]
    cols = [c[order] for c in cols]
    bounds = np.flatnonzero(np.diff(cust)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(cust)]))
    return {int(cust[s]): tuple(c[s:e] for c in cols) for s, e in zip(starts, ends)}


def feature_table(data, asof_iso, cust):
    """Returns (names, X) with X[i, j] = feature j of customer cust[i] as of asof. NaN = undefined."""
    asof = day_of(asof_iso)
    m = data['o_day'] <= asof
    og = _group(data['o_cust'][m], data['o_day'][m], data['o_amt'][m])
    tm = data['t_day'] <= asof
    tg = _group(data['t_cust'][tm], data['t_day'][tm]) if data['has_tickets'] else {}
    rows = []
    for c in cust:
        days, amt = og[int(c)]
        udays, day_idx = np.unique(days, return_inverse=True)
        day_amt = np.bincount(day_idx, weights=amt)  # spend per order day
        first, last = int(udays[0]), int(udays[-1])
        rec = asof - last
        age = asof - first
        nd = len(udays)
        no = len(days)
        gaps = np.diff(udays).astype(float)
        f = {}
        f['recency'] = rec
        f['order_days'] = nd
        f['orders'] = no
        f['age'] = age
        f['span'] = last - first  # BG/NBD tx
        f['rec_over_age'] = rec / (age + 1)
        f['span_over_age'] = (last - first) / (age + 1)  # "T-to-recency ratio" tx/T, 1 = bought lately
        f['orders_per_day'] = no / nd
        f['rate'] = nd / (age + 1)  # order days per day of tenure
        f['rate_span'] = (nd - 1) / (last - first) if nd > 1 else NAN
        if nd > 1:
            f['gap_mean'] = gaps.mean()
            f['gap_median'] = float(np.median(gaps))
            f['gap_max'] = gaps.max()
            f['gap_last'] = gaps[-1]
            f['rec_over_gap_mean'] = rec / gaps.mean()
            f['rec_over_gap_median'] = rec / float(np.median(gaps))
            f['rec_over_gap_max'] = rec / gaps.max()
            f['rec_over_gap_last'] = rec / gaps[-1]
            f['gap_cv'] = gaps.std() / gaps.mean() if nd > 2 else NAN
        else:
            for k in ('gap_mean', 'gap_median', 'gap_max', 'gap_last', 'rec_over_gap_mean',
                      'rec_over_gap_median', 'rec_over_gap_max', 'rec_over_gap_last', 'gap_cv'):
                f[k] = NAN
        for w in (30, 60, 90, 180, 365):
            f[f'days_last{w}'] = int(np.sum(udays > asof - w))
            f[f'orders_last{w}'] = int(np.sum(days > asof - w))
        f['days_prev90'] = int(np.sum((udays > asof - 180) & (udays <= asof - 90)))
        f['trend_days_90'] = f['days_last90'] - f['days_prev90']
        f['spend_total'] = float(amt.sum())
        f['spend_mean_order'] = float(amt.mean())
        f['spend_mean_day'] = float(day_amt.mean())
        f['spend_last_day'] = float(day_amt[-1])
        f['spend_last_over_mean'] = float(day_amt[-1] / day_amt.mean()) if day_amt.mean() > 0 else NAN
        s90 = float(amt[days > asof - 90].sum())
        sp90 = float(amt[(days > asof - 180) & (days <= asof - 90)].sum())
        f['spend_last90'] = s90
        f['spend_last365'] = float(amt[days > asof - 365].sum())
        f['spend_trend'] = (s90 - sp90) / (s90 + sp90) if s90 + sp90 > 0 else 0.0
        f['spend_per_day_tenure'] = float(amt.sum()) / (age + 1)
        dow = (udays + 3) % 7  # 0 = Monday (epoch day 0 was a Thursday)
        f['weekend_share'] = float(np.mean(dow >= 5))
        f['last_dow'] = int(dow[-1])
        if data['has_tickets']:
            tdays = tg.get(int(c), (np.zeros(0, np.int64),))[0]
            f['tickets_total'] = len(tdays)
            for w in (30, 90, 365):
                f[f'tickets_last{w}'] = int(np.sum(tdays > asof - w))
            f['tickets_per_order'] = len(tdays) / no
            f['tickets365_per_order365'] = f['tickets_last365'] / max(f['orders_last365'], 1)
            f['days_since_ticket'] = asof - int(tdays.max()) if len(tdays) else NAN
            f['ticket_after_last_order'] = int(len(tdays) > 0 and tdays.max() >= last)
        rows.append(f)
    names = list(rows[0].keys())
    X = np.array([[r[k] for k in names] for r in rows], dtype=float)
    return names, X


def bgnbd_summary(data, asof_iso, cust):
    """x (repeat order days), tx, T in days."""
    asof = day_of(asof_iso)
    m = data['o_day'] <= asof
    og = _group(data['o_cust'][m], data['o_day'][m])
    x = np.zeros(len(cust)); tx = np.zeros(len(cust)); T = np.zeros(len(cust))
    for i, c in enumerate(cust):
        u = np.unique(og[int(c)][0])
        x[i] = len(u) - 1
        tx[i] = u[-1] - u[0]
        T[i] = asof - u[0]
    return x, tx, T
