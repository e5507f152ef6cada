"""Small gradient-boosted trees on logistic loss, histogram (quantile-binned) splits, plain numpy."""
import numpy as np


class Binner:
    """Quantile bins per feature learnt on training rows; NaN gets its own last bin."""

    def __init__(self, max_bins=32):
        self.max_bins = max_bins

    def fit(self, X):
        self.edges = []
        for j in range(X.shape[1]):
            v = X[:, j][~np.isnan(X[:, j])]
            if len(v) == 0:
                self.edges.append(np.zeros(0)); continue
            e = np.unique(np.quantile(v, np.linspace(0, 1, self.max_bins + 1)[1:-1]))
            self.edges.append(e)
        self.nb = self.max_bins + 1  # bins 0..max_bins-1 values, max_bins = NaN
        return self

    def transform(self, X):
        B = np.empty(X.shape, dtype=np.int64)
        for j, e in enumerate(self.edges):
            col = X[:, j]
            b = np.searchsorted(e, col, side='right')
            b[np.isnan(col)] = self.max_bins
            B[:, j] = b
        return B


def _best_split(B, g, h, idx, nb, lam, min_leaf):
    """Best (gain, feature, threshold bin) for rows idx: left = bin <= t."""
    p = B.shape[1]
    Bi = B[idx] + np.arange(p) * nb
    G = np.bincount(Bi.ravel(), weights=np.repeat(g[idx], p), minlength=p * nb).reshape(p, nb)
    H = np.bincount(Bi.ravel(), weights=np.repeat(h[idx], p), minlength=p * nb).reshape(p, nb)
    C = np.bincount(Bi.ravel(), minlength=p * nb).reshape(p, nb)
    GL, HL, CL = G.cumsum(1)[:, :-1], H.cumsum(1)[:, :-1], C.cumsum(1)[:, :-1]
    Gt, Ht, Ct = G.sum(1)[:, None], H.sum(1)[:, None], C.sum(1)[:, None]
    GR, HR, CR = Gt - GL, Ht - HL, Ct - CL
    gain = GL ** 2 / (HL + lam) + GR ** 2 / (HR + lam) - Gt ** 2 / (Ht + lam)
    gain[(CL < min_leaf) | (CR < min_leaf)] = -np.inf
    k = int(np.argmax(gain))
    j, t = divmod(k, nb - 1)
    return gain[j, t], j, t


def _grow(B, g, h, idx, depth, nb, lam, min_leaf, lr):
    """Returns a nested tuple tree: ('leaf', value) or ('split', j, t, left, right)."""
    leaf = ('leaf', -lr * g[idx].sum() / (h[idx].sum() + lam))
    if depth == 0 or len(idx) < 2 * min_leaf:
        return leaf
    gain, j, t = _best_split(B, g, h, idx, nb, lam, min_leaf)
    if not np.isfinite(gain) or gain <= 1e-12:
        return leaf
    left = idx[B[idx, j] <= t]
    right = idx[B[idx, j] > t]
    return ('split', j, t, _grow(B, g, h, left, depth - 1, nb, lam, min_leaf, lr),
            _grow(B, g, h, right, depth - 1, nb, lam, min_leaf, lr))


def _predict_tree(tree, B):
    out = np.empty(len(B))
    stack = [(tree, np.arange(len(B)))]
    while stack:
        node, rows = stack.pop()
        if node[0] == 'leaf':
            out[rows] = node[1]
        else:
            _, j, t, l, r = node
            m = B[rows, j] <= t
            stack.append((l, rows[m])); stack.append((r, rows[~m]))
    return out


class GBM:
    """Logistic-loss gradient boosting: y in {0,1}; predict returns the log-odds of y=1."""

    def __init__(self, rounds=200, lr=0.05, depth=3, min_leaf=20, lam=1.0, max_bins=32):
        self.__dict__.update(rounds=rounds, lr=lr, depth=depth, min_leaf=min_leaf, lam=lam, max_bins=max_bins)

    def fit(self, X, y):
        self.binner = Binner(self.max_bins).fit(X)
        B = self.binner.transform(X)
        p0 = np.clip(y.mean(), 1e-6, 1 - 1e-6)
        self.base = np.log(p0 / (1 - p0))
        F = np.full(len(y), self.base)
        self.trees = []
        idx = np.arange(len(y))
        for _ in range(self.rounds):
            p = 1 / (1 + np.exp(-F))
            g, h = p - y, p * (1 - p)
            tree = _grow(B, g, h, idx, self.depth, self.binner.nb, self.lam, self.min_leaf, self.lr)
            self.trees.append(tree)
            F += _predict_tree(tree, B)
        return self

    def predict(self, X):
        B = self.binner.transform(X)
        return self.base + sum(_predict_tree(t, B) for t in self.trees)


def stratified_folds(y, k, seed):
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=np.int64)
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % k
    return fold


def cv_scores(make_model, X, y, k=5, seed=0):
    """Out-of-fold predictions of a model factory."""
    fold = stratified_folds(y, k, seed)
    oof = np.empty(len(y))
    for f in range(k):
        tr, te = fold != f, fold == f
        oof[te] = make_model().fit(X[tr], y[tr].astype(float)).predict(X[te])
    return oof, fold
