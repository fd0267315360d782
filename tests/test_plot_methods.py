"""``.plot()`` on fitted estimators (issue 16, "``.plot()`` conveniences", as glmnet's
``plot(cvfit)`` and ``plot(fit)``): the drawn data are the estimator's own numbers — the CV
curve is ``cv_results_``, the path is the stored ``coef_path_`` or a refit per λ that equals a
one-λ fit, the bars are ``coef_``, a network's history lines are ``history_``."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes

from shrinkage import (ElasticNet, ElasticNetCV, GLMRegressorCV, Lasso, LogisticRegression,
                       LogisticRegressionCV, MLPRegressor, PoissonRegressor, Ridge, RidgeCV)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return X, y


def _curve(fig):
    """(x, y) of the error-bar line of plot_cv (the first line on the main axes)."""
    line = fig.axes[0].lines[0]
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


def _markers(ax):
    return {ln.get_label().split(" =")[0]: ln.get_xdata()[0] for ln in ax.lines
            if ln.get_label().startswith("λ_")}


def _path_lines(ax, p):
    """The first p lines (one per coefficient): x-data and the (n_lams, p) y-data."""
    lines = ax.lines[:p]
    return (np.asarray(lines[0].get_xdata(), float),
            np.column_stack([np.asarray(ln.get_ydata(), float) for ln in lines]))


def test_elasticnet_cv_plot_draws_the_chosen_ratios_cv_curve_and_stored_path(diabetes):
    X, y = diabetes
    m = ElasticNetCV(l1_ratio=[0.5, 1.0], random_state=0).fit(X, y)
    fig = m.plot()
    res = m.cv_results_
    keep = np.array([p["l1_ratio"] == m.l1_ratio_ for p in res["params"]])
    order = np.argsort(res["lam"][keep])
    x, mse = _curve(fig)
    np.testing.assert_array_equal(x, res["lam"][keep][order])
    np.testing.assert_allclose(mse, -res["mean_score"][keep][order], rtol=1e-12)
    assert _markers(fig.axes[0]) == {"λ_min": m.lam_min_, "λ_1se": m.lam_1se_}
    assert fig.axes[0].get_title().startswith(f"ElasticNetCV (l1_ratio = {m.l1_ratio_:g}): ")

    r = list(m.l1_ratio).index(m.l1_ratio_)
    fig = m.plot(kind="path", X=X)             # standardized: coef × the column's sd
    x, C = _path_lines(fig.axes[0], X.shape[1])
    order = np.argsort(m.lams_[r])
    np.testing.assert_array_equal(x, m.lams_[r][order])
    np.testing.assert_allclose(C, m.coef_path_[r][order] * X.to_numpy().std(axis=0), rtol=1e-12)
    assert fig.axes[0].get_ylabel() == "coefficient × sd (standardized scale)"
    # the stored path is the all-data fit: at the chosen λ it is the one-λ ElasticNet's
    k = int(np.argmin(np.abs(m.lams_[r] - m.lam_)))
    one = ElasticNet(lam=m.lams_[r][k], l1_ratio=m.l1_ratio_, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(m.coef_path_[r][k], one.coef_, rtol=1e-3, atol=1e-3)
    fig = m.plot(kind="path")                  # no X: the original scale
    np.testing.assert_allclose(_path_lines(fig.axes[0], X.shape[1])[1], m.coef_path_[r][order])


def test_ridge_cv_plot_curve_and_path_equal_the_fits(diabetes):
    X, y = diabetes
    m = RidgeCV(lams=np.geomspace(1e2, 1e-4, 15)).fit(X, y)
    fig = m.plot()
    x, mse = _curve(fig)
    order = np.argsort(m.cv_results_["lam"])
    np.testing.assert_array_equal(x, m.cv_results_["lam"][order])
    np.testing.assert_allclose(mse, -m.cv_results_["mean_score"][order], rtol=1e-12)
    assert _markers(fig.axes[0])["λ_min"] == m.lam_min_
    fig = m.plot("path", X=X, y=y)
    x, C = _path_lines(fig.axes[0], X.shape[1])
    sd = X.to_numpy().std(axis=0)
    for lam in (x[0], x[7], x[-1]):
        j = int(np.flatnonzero(x == lam)[0])
        np.testing.assert_allclose(C[j], Ridge(lam=lam).fit(X, y).coef_ * sd, rtol=1e-8,
                                   atol=1e-9)


def test_logistic_cv_path_equals_one_lam_fits():
    X, y = load_breast_cancer(return_X_y=True)
    X = X[:, :6]
    m = LogisticRegressionCV(lams=np.geomspace(1.0, 1e-4, 8), cv=3).fit(X, y)
    fig = m.plot()
    np.testing.assert_allclose(_curve(fig)[0], np.sort(m.cv_results_["lam"]))
    fig = m.plot("path", X=X, y=y, scale="original")
    x, C = _path_lines(fig.axes[0], X.shape[1])
    for j in (0, 4):
        ref = LogisticRegression(lam=x[j], tol=1e-10).fit(X, y).coef_.ravel()
        np.testing.assert_allclose(C[j], ref, rtol=1e-4, atol=1e-6)


def test_glm_cv_plot_draws_its_deviance_curve():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 4))
    y = rng.poisson(np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1]))
    m = GLMRegressorCV(family="poisson", cv=3, random_state=0).fit(X, y)
    x, dev = _curve(m.plot())
    order = np.argsort(m.cv_results_["lam"])
    np.testing.assert_allclose(x, m.cv_results_["lam"][order])
    label = m.cv_results_["scoring"]
    sign = -1.0 if str(label).startswith("neg_") else 1.0
    np.testing.assert_allclose(dev, sign * m.cv_results_["mean_score"][order], rtol=1e-12)
    fig = m.plot("path", X=X, y=y, scale="original")
    x, C = _path_lines(fig.axes[0], X.shape[1])
    ref = PoissonRegressor(lam=x[3], tol=1e-10).fit(X, y).coef_
    np.testing.assert_allclose(C[3], ref, rtol=1e-4, atol=1e-6)


def test_lasso_plot_coef_bars_and_path_from_lam_max(diabetes):
    X, y = diabetes
    m = Lasso(lam=1.0).fit(X, y)
    fig = m.plot()                                        # kind="coef": one bar per coefficient
    widths = sorted(p.get_width() for p in fig.axes[0].patches)
    np.testing.assert_allclose(widths, np.sort(m.coef_))
    fig = m.plot("path", X=X, y=y)
    x, C = _path_lines(fig.axes[0], X.shape[1])
    top = m.lam_max(X, y)
    np.testing.assert_allclose(x, np.geomspace(top, top * 1e-3, 50)[::-1])
    np.testing.assert_allclose(C[-1], 0.0, atol=1e-12)    # all zero at λ_max
    ref = Lasso(lam=x[20], tol=1e-10).fit(X, y).coef_ * X.to_numpy().std(axis=0)
    np.testing.assert_allclose(C[20], ref, rtol=1e-3, atol=1e-3)


def test_plot_draws_on_the_callers_axes_and_refuses_what_it_cannot_draw(diabetes):
    X, y = diabetes
    fig, ax = plt.subplots()
    assert RidgeCV().fit(X, y).plot(ax=ax) is fig and len(ax.lines) >= 1
    with pytest.raises(ValueError, match="no cross-validation curve"):
        Ridge().fit(X, y).plot("cv")
    with pytest.raises(ValueError, match="needs lams"):
        Ridge().fit(X, y).plot("path", X=X, y=y)
    with pytest.raises(ValueError, match="pass X and y"):
        RidgeCV().fit(X, y).plot("path")
    with pytest.raises(ValueError, match="kind must be"):
        Lasso().fit(X, y).plot("histogram")


def test_network_plot_draws_its_history():
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = X.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = MLPRegressor((8,), lam=0.01, max_epochs=12, random_state=0).fit(X, y)
    fig = net.plot()
    lines = {ln.get_label(): ln.get_ydata() for ln in fig.axes[0].lines}
    np.testing.assert_allclose(lines["data loss"], net.history_["data_loss"])
    np.testing.assert_allclose(lines["penalty"], net.history_["penalty"])
    fig = net.plot("weights")
    assert len(fig.axes) == len(net.coefs_)
    with pytest.raises(ValueError, match="kind must be"):
        net.plot("cv")


def test_plot_network_path_draws_the_norms_and_losses():
    from shrinkage.diagnostics import network_path
    from shrinkage.plots import plot_network_path
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = X.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = network_path(MLPRegressor((8,), max_epochs=10, learning_rate=1e-2,
                                         random_state=0), X, y, [1.0, 0.1, 0.0])
        one = MLPRegressor((8,), lam=0.1, max_epochs=10, learning_rate=1e-2,
                           random_state=0).fit(X, y)
    np.testing.assert_allclose(path.weight_norms[1], [np.linalg.norm(W) for W in one.coefs_])
    fig = plot_network_path(path)
    ax, twin = fig.axes
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0.0, 0.1, 1.0])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), path.weight_norms[::-1, 1])
    np.testing.assert_allclose(twin.lines[0].get_ydata(), path.data_loss[::-1])
    assert len(twin.lines) == 1 and np.isnan(path.val_loss).all()   # nothing held out
    # held-out rows: each λ's loss on them, as the network's own fit measures it
    X_val = np.random.default_rng(1).normal(size=(20, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        held = network_path(MLPRegressor((8,), max_epochs=10, learning_rate=1e-2,
                                         random_state=0), X, y, [1.0, 0.0],
                            X_val=X_val, y_val=X_val.sum(axis=1))
        unpenalized = MLPRegressor((8,), lam=0.0, max_epochs=10, learning_rate=1e-2,
                                   random_state=0).fit(X, y)
    mse = np.mean((unpenalized.predict(X_val) - X_val.sum(axis=1)) ** 2)   # the squared loss
    np.testing.assert_allclose(held.val_loss[1], mse, rtol=1e-4)
    assert held.val_loss[0] > held.val_loss[1] > 0      # λ = 1 underfits this linear target
    twin = plot_network_path(held).axes[1]
    assert [ln.get_label() for ln in twin.lines] == ["training data loss", "held-out data loss"]
    np.testing.assert_allclose(twin.lines[1].get_ydata(), held.val_loss[::-1])
    with pytest.raises(ValueError, match="both X_val and y_val"):
        network_path(MLPRegressor(), X, y, [1.0], X_val=X_val)
