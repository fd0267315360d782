"""How close an adapter's answer is to shrinkage's: our objective at both solutions, the largest
coefficient and probability differences, and for CV whether the same λ was chosen.

The objective is :mod:`shrinkage.conventions`' (mean loss + λ‖w‖²), evaluated on the original
scale for every library, so a fast-but-wrong fit shows up as a larger objective.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_softmax

from registry import Fit, Problem


def _linear(prob: Problem, fit: Fit) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients as (K, p) and the decision values (n, K)."""
    W = np.atleast_2d(np.asarray(fit.coef, dtype=float))
    b = np.ravel(np.asarray(0.0 if fit.intercept is None else fit.intercept, dtype=float))
    return W, prob.X @ W.T + b


def objective(prob: Problem, fit: Fit, lam: float) -> float:
    """Our objective at ``lam`` for ``fit``'s coefficients on ``prob``'s data."""
    W, Z = _linear(prob, fit)
    pen = lam * float(np.sum(W * W))
    if prob.task in ("ridge", "ridge_cv"):
        return float(np.mean((prob.y - Z[:, 0]) ** 2)) + pen
    if prob.task in ("logistic", "logistic_cv"):
        z = Z[:, 0]
        return float(np.mean(np.logaddexp(0.0, z) - prob.y * z)) + pen
    logp = log_softmax(Z, axis=1)
    return float(-np.mean(logp[np.arange(len(prob.y)), prob.y.astype(int)])) + pen


def enet_objective(prob: Problem, coef, intercept, lam: float) -> float:
    """Our elastic-net objective ``mean (y − b − Xw)² + λ[(1−ρ)‖w‖² + ρ‖w‖₁]`` (ρ = ``prob.l1_ratio``)."""
    w = np.asarray(coef, dtype=float)
    rho = prob.l1_ratio
    r = prob.y - prob.X @ w - float(np.ravel(intercept if intercept is not None else 0.0)[0])
    return float(np.mean(r * r) + lam * ((1 - rho) * (w @ w) + rho * np.abs(w).sum()))


def path_objectives(prob: Problem, fit: Fit) -> np.ndarray:
    """:func:`enet_objective` at every λ of the grid for a path ``fit.coef`` of shape (L, p)."""
    W = np.asarray(fit.coef, dtype=float)
    return np.array([enet_objective(prob, w, fit.intercept, lam) for w, lam in zip(W, prob.lams)])


def probabilities(prob: Problem, fit: Fit) -> np.ndarray:
    """Predicted class probabilities (independent of how the classes are parameterized)."""
    _, Z = _linear(prob, fit)
    return expit(Z[:, 0]) if Z.shape[1] == 1 else np.exp(log_softmax(Z, axis=1))


def network_objective(prob: Problem, fit: Fit) -> tuple[float, float]:
    """Our objective (mean cross-entropy + λΣ‖W_l‖², biases free) and the training accuracy of
    a ReLU network given as ``fit.coef = [W_0, b_0, W_1, b_1, …]`` (``W_l`` of shape
    ``(d_l, d_{l+1})``), in float64 on the whole training set."""
    params = [np.asarray(a, dtype=np.float64) for a in fit.coef]
    A = prob.X
    for l in range(0, len(params), 2):
        A = np.asarray(A, dtype=np.float64) @ params[l] + params[l + 1]
        if l + 2 < len(params):
            np.maximum(A, 0.0, out=A)
    y = prob.y.astype(int)
    data = float(-np.mean(log_softmax(A, axis=1)[np.arange(len(y)), y]))
    pen = prob.lam * sum(float(np.sum(W * W)) for W in params[0::2])
    return data + pen, float(np.mean(A.argmax(axis=1) == y))


def compare(prob: Problem, fit: Fit, ref: Fit) -> str:
    """One short cell: what differs between ``fit`` and the reference ``ref``."""
    if prob.task == "mlp_epoch":       # different inits and shuffles: compare outcomes only
        (f, acc), (f_ref, acc_ref) = network_objective(prob, fit), network_objective(prob, ref)
        return f"objective {f:.4f} vs {f_ref:.4f}; train acc {acc:.3f} vs {acc_ref:.3f}"
    if prob.task == "lasso_path":
        f, f_ref = path_objectives(prob, fit), path_objectives(prob, ref)
        W, W_ref = np.asarray(fit.coef), np.asarray(ref.coef)
        nnz = np.count_nonzero(W, axis=1) - np.count_nonzero(W_ref, axis=1)
        return (f"max over λ of Δobj/obj {np.max((f - f_ref) / np.abs(f_ref)):+.1e}; "
                f"max|Δcoef|/max|coef| {np.abs(W - W_ref).max() / np.abs(W_ref).max():.1e}; "
                f"non-zeros differ at {np.count_nonzero(nnz)} of {len(nnz)} λ")
    parts = []
    if prob.lams is not None and fit.lam is not None and ref.lam is not None:
        i, j = (int(np.argmin(np.abs(prob.lams - v))) for v in (fit.lam, ref.lam))
        parts.append(f"λ same (#{j})" if i == j else f"λ differs: #{i} vs #{j}")
        if "cv_mse" in fit.extra and "cv_mse" in ref.extra:
            rel = fit.extra["cv_mse"] / ref.extra["cv_mse"] - 1.0
            parts.append(f"CV-MSE rel. diff {rel:+.1e}")
    if "test_acc" in fit.extra and "test_acc" in ref.extra:
        parts.append(f"held-out acc {fit.extra['test_acc']:.3f} vs {ref.extra['test_acc']:.3f}")
    if fit.coef is None or ref.coef is None:
        return "; ".join(parts) or "—"
    W, _ = _linear(prob, fit)
    W_ref, _ = _linear(prob, ref)
    if W.shape == W_ref.shape:
        scale = max(np.abs(W_ref).max(), 1e-300)
        parts.append(f"max|Δcoef|/max|coef| {np.abs(W - W_ref).max() / scale:.1e}")
    if prob.task == "enet_cv" and ref.lam is not None:
        f = enet_objective(prob, fit.coef, fit.intercept, ref.lam)
        f_ref = enet_objective(prob, ref.coef, ref.intercept, ref.lam)
        parts.append(f"Δobj/obj at shrinkage's λ {(f - f_ref) / abs(f_ref):+.1e}")
    if prob.task not in ("ridge", "ridge_cv", "enet_cv"):
        parts.append(f"max|Δprob| {np.abs(probabilities(prob, fit) - probabilities(prob, ref)).max():.1e}")
    if prob.lam is not None:
        f, f_ref = objective(prob, fit, prob.lam), objective(prob, ref, prob.lam)
        parts.append(f"Δobj/obj {(f - f_ref) / abs(f_ref):+.1e}")
    return "; ".join(parts)
