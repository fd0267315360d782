"""Exact LOO and GCV in row blocks: the same values whatever the block size.

The blocked evaluation bounds the working set of ``RidgeCV(cv="loo" | "gcv")`` (see
:data:`shrinkage.solvers.ridge._LOO_BLOCK`); here it is forced down to one row per block and
compared with one block holding every row, and with brute-force refits.
"""

import numpy as np
import pytest

from shrinkage import Ridge, RidgeCV
from shrinkage.linear_model import _ridge_loo
from shrinkage.solvers import ridge as ridge_solver
from shrinkage.solvers.ridge import RidgeProblem, decompose


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def data(n, p, t=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, p) + rng.normal(size=p)
    Y = X @ rng.normal(size=(p, t)) + rng.normal(size=(n, t))
    return X, (Y[:, 0] if t == 1 else Y)


WEIGHTS = {"none": None, "equal": "equal", "varied": "varied"}


def weights(kind, n, seed=1):
    if kind == "equal":
        return np.full(n, 2.5)
    if kind == "varied":
        return np.random.default_rng(seed).uniform(0.2, 3.0, n)
    return None


def with_block(monkeypatch, size, fn):
    monkeypatch.setattr(ridge_solver, "_LOO_BLOCK", size)
    return fn()


CASES = [((47, 5), 1, "none"), ((47, 5), 3, "varied"), ((31, 4), 2, "equal"),
         ((15, 30), 2, "varied"), ((15, 30), 1, "none")]   # primal and dual (p > n)


@pytest.mark.parametrize("shape,t,wkind", CASES)
@pytest.mark.parametrize("method", ["eigh", "svd"])
def test_blocked_loo_residuals_and_gcv_terms_equal_one_block(monkeypatch, shape, t, wkind,
                                                            method):
    X, y = data(*shape, t=t, seed=3)
    sw = weights(wkind, shape[0])
    f = np.ones(shape[1])
    f[1] = 0.0                                      # an unpenalized column (projected out)
    dec = decompose(RidgeProblem.build(X, y, sw, penalty_factor=f), method=method)
    # with p > n the leverages tend to 1 as λ → 0 and e/(1 − h) amplifies the rounding of the
    # products (whose summation order depends on the block's shape) by 1/(1 − h): there the
    # grid stops where 1 − h is not small
    lams = np.geomspace(10.0, 1e-4 if shape[0] > shape[1] else 1e-2, 13)
    whole = with_block(monkeypatch, 1 << 40, lambda: (dec.loo_residuals(lams),
                                                      dec.gcv_terms(lams)))
    assert dec.block_rows(lams.size) == shape[0]    # one block
    tiny = with_block(monkeypatch, 1, lambda: (dec.loo_residuals(lams), dec.gcv_terms(lams)))
    assert dec.block_rows(lams.size) == 1           # one row per block
    for a, b in zip(tiny, whole):
        assert a.shape == (shape[0], lams.size, t)
        assert rel(a, b) < 1e-12


@pytest.mark.parametrize("wkind", list(WEIGHTS))
def test_blocked_loo_still_equals_brute_force_refits(monkeypatch, wkind):
    monkeypatch.setattr(ridge_solver, "_LOO_BLOCK", 3)
    X, y = data(23, 4, seed=7)
    sw = weights(wkind, 23)
    dec = decompose(RidgeProblem.build(X, y, sw))
    sd = np.sqrt(np.cov(X.T, bias=True, aweights=sw).diagonal())
    for lam in (0.3, 0.01):
        loo = dec.loo_residuals([lam])[:, 0, 0]
        ref = np.empty(23)
        for i in range(23):
            keep = np.arange(23) != i
            m = Ridge(lam=lam, standardize=False, penalty_factor=sd ** 2)
            m.fit(X[keep], y[keep], sample_weight=None if sw is None else sw[keep])
            ref[i] = y[i] - m.predict(X[i:i + 1])[0]
        assert rel(loo, ref) < 1e-8


@pytest.mark.parametrize("cv", ["loo", "gcv"])
@pytest.mark.parametrize("t,wkind", [(1, "none"), (3, "varied"), (2, "equal")])
def test_ridgecv_curve_is_the_same_in_tiny_blocks(monkeypatch, cv, t, wkind):
    X, y = data(60, 6, t=t, seed=11)
    sw = weights(wkind, 60)
    lams = np.geomspace(1.0, 1e-5, 17)

    def fit():
        return RidgeCV(lams=lams, cv=cv).fit(X, y, sample_weight=sw)

    whole = with_block(monkeypatch, 1 << 40, fit)
    tiny = with_block(monkeypatch, 1, fit)       # one row and one λ per block
    for key in ("mean_score", "se_score"):
        assert rel(tiny.cv_results_[key], whole.cv_results_[key]) < 1e-12
    assert tiny.lam_ == whole.lam_
    # the unblocked formulas: weighted mean and standard error of the per-row terms
    dec = decompose(RidgeProblem.build(X, y, sw))
    if cv == "loo":
        terms = -(dec.loo_residuals(lams) ** 2).mean(axis=2)
    else:
        terms = -dec.gcv_terms(lams).mean(axis=2)
    w = np.ones(60) / 60 if sw is None else sw / sw.sum()
    mean = w @ terms
    se = np.sqrt((w @ (terms - mean) ** 2) / (1.0 / np.sum(w * w) - 1.0))
    assert rel(tiny.cv_results_["mean_score"], mean) < 1e-12
    assert rel(tiny.cv_results_["se_score"], se) < 1e-12


def test_pooled_scores_in_lam_chunks_equal_one_chunk(monkeypatch):
    """r2 (not a mean of per-row terms) gathers all rows' predictions a few λ at a time."""
    X, y = data(50, 5, t=2, seed=2)
    sw = weights("varied", 50)
    lams = np.geomspace(1.0, 1e-4, 9)

    def fit():
        return RidgeCV(lams=lams, scoring=["r2", "neg_mean_squared_error"]).fit(X, y, sw)

    whole = fit()
    monkeypatch.setattr(_ridge_loo, "_POOLED_BYTES", 8)     # one λ per chunk
    tiny = with_block(monkeypatch, 1, fit)
    assert rel(tiny.cv_results_["mean_score"], whole.cv_results_["mean_score"]) < 1e-12
    assert np.all(np.isnan(tiny.cv_results_["se_score"]))
    extra = tiny.cv_results_["extra_scores"]
    ref = whole.cv_results_["extra_scores"]
    for name in ref:
        assert rel(extra[name], ref[name]) < 1e-12
    assert tiny.lam_ == whole.lam_


@pytest.mark.parametrize("signal", [0.0, 1.0])
def test_default_grid_stops_where_the_fit_no_longer_depends_on_lam(signal):
    """No signal: the best λ is the largest, the grid extends upward; an exact linear signal:
    the smallest, it extends downward. Either way no value lies beyond the first one past the
    range where the gains d²/(d² + Sλ) still change (ridge_flat_limits)."""
    from shrinkage.selection.grid import ridge_flat_limits, spacing
    rng = np.random.default_rng(4)
    X = rng.normal(size=(80, 3))
    y = signal * (X @ np.array([1.0, -2.0, 0.5])) + (1 - signal) * rng.normal(size=80)
    m = RidgeCV().fit(X, y)
    lams = m.cv_results_["lam"]
    dec = decompose(RidgeProblem.build(X, y))
    lo, hi = ridge_flat_limits(dec.d2, dec.problem.S)
    r = spacing(lams)
    assert lams.size <= 100 + 5 * 50
    assert lams.min() >= lo / r * (1 - 1e-9) and lams.max() <= hi * r * (1 + 1e-9)
    assert (lams.max() >= hi) if signal == 0.0 else (lams.min() <= lo)


@pytest.mark.parametrize("cv", ["loo", "gcv", "evidence"])
def test_rows_of_weight_zero_are_rows_left_out(cv):
    """Before: a sample weight of 0 made LOO and GCV fail with "every cross-validation score
    is NaN" (its transformed residual was 0/0)."""
    from shrinkage import RidgeCV
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ [1.0, 2.0, 3.0] + rng.normal(size=50)
    w = rng.uniform(0.5, 2.0, 50)
    w[[3, 17]] = 0.0
    keep = w > 0
    a = RidgeCV(cv=cv).fit(X, y, sample_weight=w)
    b = RidgeCV(cv=cv).fit(X[keep], y[keep], sample_weight=w[keep])
    assert a.lam_ == b.lam_
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12)
