#!/usr/bin/python3
"""Reference values for the Ledoit-Wolf shrinkage and the shrunk H-score (issue 14).

Writes test/fixtures/transferability/ledoit-wolf.json: a few fixed matrices (including n < d)
with labels, and for each
- `shrinkage`: scikit-learn's `sklearn.covariance.ledoit_wolf_shrinkage(X)` (assume_centered=False),
  re-implemented below line for line from scikit-learn 1.x (`_shrunk_covariance.py`), since
  scikit-learn is not installed here;
- `hScore`: the shrunk H-score of Ibrahim, Ponomareva and Mazumder 2022,
  tr(cov_a(f)^+ (1 - a) cov(E[f | y])) with cov_a the Ledoit-Wolf covariance, as in
  Transfer-Learning-Library's `regularized_h_score`, except that cov(E[f | y]) divides by n like
  cov_a (that code's np.cov divides by n - 1, a factor n / (n - 1) common to every source model);
- `hScoreOriginal`: Bao et al.'s H-score, tr(cov(f)^+ cov(E[f | y])) (pinv, rcond=1e-15).
The vitest test (test/unit/engine/transferability/ledoitWolf.test.ts) matches them to 1e-10.

Run with numpy (any 1.x or 2.x), then let prettier lay the JSON out as the repository keeps it:
    python3 scripts/transferability/ledoit_wolf_reference.py [--out FILE]
    npx prettier --write test/fixtures/transferability/ledoit-wolf.json
Deterministic: the inputs are seeded and rounded to 4 decimals, so the JSON holds them exactly.
"""
import argparse
import json
import os

import numpy as np


def ledoit_wolf_shrinkage(X, assume_centered=False):
    """scikit-learn's ledoit_wolf_shrinkage, without the block loop (one block is the same sum)."""
    X = np.asarray(X, dtype=np.float64)
    if len(X.shape) == 2 and X.shape[1] == 1:
        return 0.0
    if X.ndim == 1:
        X = np.reshape(X, (1, -1))
    n_samples, n_features = X.shape
    if not assume_centered:
        X = X - X.mean(0)
    X2 = X**2
    emp_cov_trace = np.sum(X2, axis=0) / n_samples
    mu = np.sum(emp_cov_trace) / n_features
    beta_ = np.sum(np.dot(X2.T, X2))
    delta_ = np.sum(np.dot(X.T, X) ** 2)
    delta_ /= n_samples**2
    beta = 1.0 / (n_features * n_samples) * (beta_ / n_samples - delta_)
    delta = delta_ - 2.0 * mu * emp_cov_trace.sum() + n_features * mu**2
    delta /= n_features
    beta = min(beta, delta)
    return 0.0 if beta == 0 else beta / delta


def ledoit_wolf_covariance(X):
    """scikit-learn's LedoitWolf().fit(X).covariance_ and shrinkage_."""
    X = np.asarray(X, dtype=np.float64)
    Xc = X - X.mean(0)
    emp_cov = Xc.T @ Xc / X.shape[0]
    if X.shape[1] == 1:
        return emp_cov, 0.0
    shrinkage = ledoit_wolf_shrinkage(X)
    mu = np.trace(emp_cov) / X.shape[1]
    shrunk = (1.0 - shrinkage) * emp_cov
    shrunk.flat[:: X.shape[1] + 1] += shrinkage * mu
    return shrunk, shrinkage


def between_class_cov(f, y):
    g = np.zeros_like(f)
    for c in np.unique(y):
        g[y == c] = f[y == c].mean(axis=0)
    g = g - g.mean(axis=0)
    return g.T @ g / f.shape[0]


def shrunk_h_score(f, y):
    cov_a, a = ledoit_wolf_covariance(f)
    return float(np.trace(np.linalg.pinv(cov_a, rcond=1e-15) @ ((1 - a) * between_class_cov(f, y))))


def h_score(f, y):
    fc = f - f.mean(axis=0)
    cov = fc.T @ fc / f.shape[0]
    return float(np.trace(np.linalg.pinv(cov, rcond=1e-15) @ between_class_cov(f, y)))


def case(name, rng, n, d, k, separation, scales=None):
    y = np.arange(n) % k
    rng.shuffle(y)
    x = rng.standard_normal((n, d))
    x[np.arange(n), y % d] += separation
    if scales is not None:
        x = x * np.asarray(scales)
    x = np.round(x, 4)
    return {
        "name": name,
        "features": x.tolist(),
        "labels": y.tolist(),
        "shrinkage": float(ledoit_wolf_shrinkage(x)),
        "hScore": shrunk_h_score(x, y),
        "hScoreOriginal": h_score(x, y),
    }


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--out", default=os.path.join(root, "test/fixtures/transferability/ledoit-wolf.json")
    )
    out = parser.parse_args().out
    rng = np.random.default_rng(14)
    cases = [
        case("n > d, 40x5, 3 classes", rng, 40, 5, 3, 1.5),
        case("n > d, unequal scales, 30x4", rng, 30, 4, 2, 1.0, scales=[1, 10, 0.1, 3]),
        case("n < d, 6x10, 3 classes", rng, 6, 10, 3, 2.0),
        case("n < d, 25x60, 5 classes (5 per class)", rng, 25, 60, 5, 1.0),
        case("n = d, 8x8, 2 classes", rng, 8, 8, 2, 0.5),
        case("one feature, 10x1", rng, 10, 1, 2, 1.0),
    ]
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(
            {
                "about": "Written by scripts/transferability/ledoit_wolf_reference.py (numpy "
                + np.__version__
                + "); shrinkage = sklearn.covariance.ledoit_wolf_shrinkage(features).",
                "cases": cases,
            },
            fh,
            indent=1,
        )
        fh.write("\n")
    for c in cases:
        print(c["name"], c["shrinkage"], c["hScore"], c["hScoreOriginal"])


if __name__ == "__main__":
    main()
