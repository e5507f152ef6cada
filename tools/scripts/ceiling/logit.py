"""Ridge logistic regression by Newton's method (standardised inputs, NaN -> 0 after standardising + flag)."""
import numpy as np


class Logit:
    def __init__(self, lam=1.0):
        self.lam = lam

    def _design(self, X):
        Z = (X - self.mu) / self.sd
        nan = np.isnan(Z)
        Z[nan] = 0
        cols = [np.ones(len(Z)), Z] + ([nan[:, self.nancols].astype(float)] if self.nancols.any() else [])
        return np.column_stack(cols)

    def fit(self, X, y):
        self.mu = np.nanmean(X, 0)
        self.sd = np.nanstd(X, 0)
        self.sd[~(self.sd > 0)] = 1
        self.mu[np.isnan(self.mu)] = 0
        self.nancols = np.isnan(X).any(0)
        D = self._design(X)
        w = np.zeros(D.shape[1])
        R = self.lam * np.eye(D.shape[1]); R[0, 0] = 0
        for _ in range(50):
            p = 1 / (1 + np.exp(-D @ w))
            grad = D.T @ (p - y) + R @ w
            Hm = (D * (p * (1 - p))[:, None]).T @ D + R
            step = np.linalg.solve(Hm, grad)
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        self.w = w
        return self

    def predict(self, X):
        return self._design(X) @ self.w
