"""BG/NBD (Fader, Hardie & Lee 2005) in numpy: log-likelihood, Nelder-Mead fit, P(alive), P(no purchase in t)."""
import math
import numpy as np

_lg = np.vectorize(math.lgamma)


def loglik(params, x, tx, T):
    r, alpha, a, b = params
    if min(params) <= 0:
        return -np.inf
    lnA1 = _lg(r + x) - math.lgamma(r) + r * math.log(alpha)
    lnA2 = math.lgamma(a + b) + _lg(b + x) - math.lgamma(b) - _lg(a + b + x)
    lnA3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide='ignore', invalid='ignore'):
        lnA4 = np.where(x > 0, math.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(lnA1 + lnA2 + np.logaddexp(lnA3, lnA4)))


def nelder_mead(f, x0, iters=3000, tol=1e-10):
    """Minimise f from x0 (standard Nelder-Mead)."""
    n = len(x0)
    pts = [np.array(x0, float)]
    for i in range(n):
        p = np.array(x0, float); p[i] += 0.5 if p[i] == 0 else 0.1 * abs(p[i]) + 0.05; pts.append(p)
    vals = [f(p) for p in pts]
    for _ in range(iters):
        o = np.argsort(vals); pts = [pts[i] for i in o]; vals = [vals[i] for i in o]
        if abs(vals[-1] - vals[0]) < tol * (1 + abs(vals[0])):
            break
        c = np.mean(pts[:-1], axis=0)
        xr = c + (c - pts[-1]); fr = f(xr)
        if fr < vals[0]:
            xe = c + 2 * (c - pts[-1]); fe = f(xe)
            pts[-1], vals[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < vals[-2]:
            pts[-1], vals[-1] = xr, fr
        else:
            xc = c + 0.5 * (pts[-1] - c); fc = f(xc)
            if fc < vals[-1]:
                pts[-1], vals[-1] = xc, fc
            else:
                pts = [pts[0] + 0.5 * (p - pts[0]) for p in pts]; vals = [f(p) for p in pts]
    i = int(np.argmin(vals))
    return pts[i], vals[i]


def _mle(log_likelihood, x, tx, T):
    """MLE of (r, alpha, a, b) by Nelder-Mead on log-params, restarted once; time unit as given."""
    f = lambda lp: -log_likelihood(np.exp(lp), x, tx, T)
    best, _ = nelder_mead(f, np.log([0.5, float(np.mean(T)) / 4, 1.0, 2.0]))
    best, _ = nelder_mead(f, best)
    return np.exp(best)


def fit(x, tx, T):
    """BG/NBD fit."""
    return _mle(loglik, x, tx, T)


def p_alive(params, x, tx, T):
    r, alpha, a, b = params
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        logodds = math.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
        pa = 1 / (1 + np.exp(logodds))
    return np.where(x > 0, pa, 1.0)


def p_no_purchase(params, t, x, tx, T):
    r, alpha, a, b = params
    p_buy_if_alive = -np.expm1(-(r + x) * np.log1p(t / (alpha + T)))
    return 1 - p_alive(params, x, tx, T) * p_buy_if_alive


# MBG/NBD (Batislam, Denizel & Filiztekin 2007): like BG/NBD, but a customer may also drop out right at the first
# purchase, so one-order customers get P(alive) < 1 that falls with their age T.
def mbg_loglik(params, x, tx, T):
    r, alpha, a, b = params
    if min(params) <= 0:
        return -np.inf
    lnA1 = _lg(r + x) - math.lgamma(r) + r * math.log(alpha)
    # B(a, b+x+1) / B(a, b)
    lnA2 = _lg(b + x + 1) + math.lgamma(a + b) - math.lgamma(b) - _lg(a + b + x + 1)
    lnA3 = -(r + x) * np.log(alpha + T)
    lnA4 = math.log(a) - np.log(b + x) - (r + x) * np.log(alpha + tx)
    return float(np.sum(lnA1 + lnA2 + np.logaddexp(lnA3, lnA4)))


def mbg_fit(x, tx, T):
    """MBG/NBD fit."""
    return _mle(mbg_loglik, x, tx, T)


def mbg_p_alive(params, x, tx, T):
    r, alpha, a, b = params
    logodds = math.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
    return 1 / (1 + np.exp(np.clip(logodds, -700, 700)))


def mbg_p_no_purchase(params, t, x, tx, T):
    r, alpha, a, b = params
    return 1 - mbg_p_alive(params, x, tx, T) * -np.expm1(-(r + x) * np.log1p(t / (alpha + T)))
