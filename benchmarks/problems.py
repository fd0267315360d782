"""The benchmark problems of issue 2. Each function returns the data and what to fit.

Strengths are in ``shrinkage``'s convention (mean loss + λ‖w‖², :mod:`shrinkage.conventions`);
each adapter converts them to its own library's terms.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import StratifiedKFold

from registry import Problem, problem


def correlated_gaussian(n: int, p: int, rho: float = 0.5, seed: int = 0) -> np.ndarray:
    """``X`` (n, p) with AR(1) correlation ``corr(x_j, x_k) = ρ^|j−k|`` and unit variance."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    c = np.sqrt(1.0 - rho * rho)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + c * X[:, j]
    return X


def noisy_linear(n: int, p: int, noise: float, seed: int = 0):
    """``y = 1 + Xβ + noise·ε`` with dense ``β ~ N(0, 1/p)``."""
    rng = np.random.default_rng(seed + 1)
    X = correlated_gaussian(n, p, seed=seed)
    beta = rng.standard_normal(p) / np.sqrt(p)
    y = 1.0 + X @ beta + noise * rng.standard_normal(n)
    return X, y


def binary_logistic(n: int, p: int, seed: int = 0):
    """Labels in {0, 1} drawn from a logistic model with dense coefficients."""
    rng = np.random.default_rng(seed + 2)
    X = correlated_gaussian(n, p, seed=seed)
    beta = 2.0 * rng.standard_normal(p) / np.sqrt(p)
    prob = 1.0 / (1.0 + np.exp(-(0.3 + X @ beta)))
    return X, (rng.random(n) < prob).astype(np.float64)


def multinomial_softmax(n: int, p: int, k: int, seed: int = 0):
    """Labels in {0, …, k−1} drawn from a softmax model (Gumbel-max trick)."""
    rng = np.random.default_rng(seed + 3)
    X = correlated_gaussian(n, p, seed=seed)
    B = 2.0 * rng.standard_normal((k, p)) / np.sqrt(p)
    logits = X @ B.T + rng.gumbel(size=(n, k))
    return X, logits.argmax(axis=1).astype(np.float64)


@problem
def ridge_loo():
    """Tall ridge, 100 λ by exact leave-one-out."""
    X, y = noisy_linear(50_000, 500, noise=6.0)
    return Problem("ridge_loo", "ridge_cv", X, y, "n=50,000 p=500, 100 λ, LOO",
                   lams=np.geomspace(1.0, 1e-5, 100),
                   targets=[("sklearn RidgeCV", 50.0, "≥50× faster than sklearn RidgeCV"),
                            ("floor", 1 / 3, "within 3× of the floor (XᵀX + eigh)")])


@problem
def ridge_wide():
    """Wide ridge (p > n): a 100-λ LOO grid and one fit."""
    X, y = noisy_linear(2_000, 5_000, noise=1.0)
    return [Problem("ridge_wide", "ridge_cv", X, y, "n=2,000 p=5,000, 100 λ, LOO",
                    lams=np.geomspace(10.0, 1e-4, 100)),
            Problem("ridge_wide", "ridge", X, y, "n=2,000 p=5,000, one λ", lam=0.1)]


@problem
def logistic_one():
    """Binary L2 logistic regression at one λ."""
    X, y = binary_logistic(50_000, 200)
    return Problem("logistic_one", "logistic", X, y, "n=50,000 p=200, one λ, tol 1e-8",
                   lam=1e-3, tol=1e-8,
                   targets=[("sklearn newton-cholesky", 1.0, "no slower than sklearn newton-cholesky")])


@problem
def logistic_cv():
    """Binary L2 logistic regression, 20 λ by stratified 5-fold CV (same folds for all)."""
    X, y = binary_logistic(50_000, 200)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    return Problem("logistic_cv", "logistic_cv", X, y, "n=50,000 p=200, 5 folds × 20 λ, tol 1e-6",
                   lams=np.geomspace(1e-1, 1e-5, 20), folds=folds, tol=1e-6,
                   targets=[("sklearn CV", 5.0, "≥5× faster than the fastest sklearn LogisticRegressionCV")])


@problem
def multinomial():
    """Ten-class softmax regression at one λ."""
    X, y = multinomial_softmax(20_000, 100, 10)
    return Problem("multinomial", "multinomial", X, y, "n=20,000 p=100, 10 classes, one λ, tol 1e-8",
                   lam=1e-3, tol=1e-8, targets=[("sklearn lbfgs", 3.0, "≥3× faster than sklearn lbfgs")])


@problem
def mlp_epoch():
    """One epoch of momentum SGD on a 784-256-10 ReLU network (issue 3), float32, batch 128."""
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=60_000, n_features=784, n_informative=100, n_classes=10,
                               random_state=0)
    X = np.ascontiguousarray(X, dtype=np.float32)
    return Problem("mlp_epoch", "mlp_epoch", X, y.astype(np.int64),
                   "n=60,000 p=784, MLP 784-256-10 relu, float32, batch 128, SGD lr 0.01 "
                   "momentum 0.9, λ=1e-4, 1 epoch", lam=1e-4,
                   options=dict(hidden=256, batch_size=128, learning_rate=0.01, momentum=0.9,
                                epochs=1, dtype=np.float32, seed=0),
                   targets=[("torch", 1 / 0.8, "epoch ≤ 0.8× PyTorch's"),
                            ("floor", 0.5, "within 2× of the matmul floor"),
                            ("sklearn", 3.0, "≥3× faster than sklearn MLPClassifier")])
