"""The benchmark problems of issues 2–5. Each function returns the data and what to fit.

Strengths are in ``shrinkage``'s convention (mean loss + λ‖w‖², :mod:`shrinkage.conventions`);
each adapter converts them to its own library's terms.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

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


def sparse_linear(n: int, p: int, k: int, noise: float, seed: int = 0):
    """``y = 1 + Xβ + noise·ε`` with ``k`` non-zero ``β_j ~ N(0, 1)`` at random positions."""
    rng = np.random.default_rng(seed + 4)
    X = correlated_gaussian(n, p, seed=seed)
    beta = np.zeros(p)
    beta[rng.choice(p, k, replace=False)] = rng.standard_normal(k)
    y = 1.0 + X @ beta + noise * rng.standard_normal(n)
    return X, y


def enet_grid(X, y, rho: float, n_lams: int, ratio: float) -> np.ndarray:
    """Our λ grid from ``λ_max = max_j |2 x̃_jᵀỹ/n| / ρ`` (every coefficient zero; centred data,
    no standardization) down to ``ratio·λ_max``, geometric: scikit-learn's ``_alpha_grid`` in
    our units (``λ = α(1 + r)``, :func:`shrinkage.convert_strength`)."""
    Xc = X - X.mean(axis=0)
    top = np.max(np.abs(2.0 * (Xc.T @ (y - y.mean())) / X.shape[0])) / rho
    return np.geomspace(top, top * ratio, n_lams)


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


@problem
def ridge_kfold():
    """Ridge, 100 λ by 5-fold CV (the same shuffled folds for all)."""
    X, y = noisy_linear(20_000, 400, noise=6.0)
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    return Problem("ridge_kfold", "ridge_cv", X, y, "n=20,000 p=400, 5 folds × 100 λ",
                   lams=np.geomspace(1.0, 1e-5, 100), folds=folds)


@problem
def mlp_grid():
    """λ of a 50-64-10 ReLU network by 3-fold grid search (issue 4's CV engine), then the refit
    best model's accuracy on a held-out 20%. Adam lr 1e-3, batch 200, 30 epochs, float32."""
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=5_000, n_features=50, n_informative=30, n_classes=10,
                               random_state=0)
    X = np.ascontiguousarray(X, dtype=np.float32)
    X, X_test, y, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    return Problem("mlp_grid", "mlp_grid", X, y,
                   "n=4,000 (+1,000 held out) p=50, 10 classes, MLP 50-64-10 relu, Adam lr 1e-3, "
                   "batch 200, 30 epochs, 4 λ × 3 folds",
                   lams=np.array([1e-5, 1e-4, 1e-3, 1e-2]), folds=folds,
                   options=dict(hidden=64, batch_size=200, learning_rate=1e-3, epochs=30,
                                seed=0, X_test=X_test, y_test=y_test),
                   targets=[("sklearn GridSearchCV", 2.0,
                             "≥2× faster than GridSearchCV over sklearn MLPClassifier")])


@problem
def enet_cv():
    """Elastic net, 5 folds × 100 λ, scikit-learn's l1_ratio 0.5 (our ρ = 2/3)."""
    X, y = sparse_linear(20_000, 1_000, k=50, noise=3.0)
    rho = 2 * 0.5 / 1.5
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    return Problem("enet_cv", "enet_cv", X, y,
                   "n=20,000 p=1,000 (50 non-zero), 5 folds × 100 λ, sklearn l1_ratio 0.5",
                   lams=enet_grid(X, y, rho, 100, 1e-3), folds=folds, l1_ratio=rho,
                   targets=[("sklearn ElasticNetCV", 1.0, "no slower than sklearn ElasticNetCV")])


@problem
def lasso_path_wide():
    """A lasso path on wide data (p ≫ n), 100 λ from λ_max down to λ_max/100, no intercept
    (X and y centred, since ``sklearn.linear_model.lasso_path`` fits none)."""
    X, y = sparse_linear(1_000, 20_000, k=20, noise=1.0)
    X -= X.mean(axis=0)
    y -= y.mean()
    X = np.asfortranarray(X)
    return Problem("lasso_path_wide", "lasso_path", X, y,
                   "n=1,000 p=20,000 (20 non-zero), 100 λ down to λ_max/100",
                   lams=enet_grid(X, y, 1.0, 100, 1e-2), l1_ratio=1.0, fit_intercept=False)
