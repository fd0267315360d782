"""Plots: each figure renders (Agg, PNG) and draws what it should — the lines, their data, the
axis labels, the λ markers at λ_min / λ_1se, the legend entries."""

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso

from shrinkage import (
    LogisticRegression,
    LogisticRegressionCV,
    MLPClassifier,
    MLPRegressor,
    Ridge,
    RidgeCV,
)
from shrinkage.diagnostics import bias_variance, coefficient_path, sparsity_comparison
from shrinkage.plots import (
    plot_bias_variance,
    plot_cv,
    plot_history,
    plot_l1_vs_l2,
    plot_path,
    plot_weights,
)
from shrinkage.selection.results import CVResult

LAM = "λ (lam)"


def render(fig):
    """Draw once (Agg) and encode that drawing as a PNG; return the figure, closed in pyplot's
    registry. (``savefig`` would draw a second time; text layout dominates the cost.)"""
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    assert pixels.shape[2] == 4 and pixels[..., :3].min() < 100      # something dark was drawn
    buf = io.BytesIO()
    plt.imsave(buf, pixels, format="png")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n" and len(buf.getvalue()) > 1000
    plt.close(fig)
    return fig


def vlines(ax):
    """Vertical marker lines: {label: x}."""
    out = {}
    for line in ax.get_lines():
        x = np.asarray(line.get_xdata(), dtype=float)
        if x.size == 2 and x[0] == x[1] and not line.get_label().startswith("_"):
            out[line.get_label()] = float(x[0])
    return out


def legend_texts(ax):
    leg = ax.get_legend()
    return [t.get_text() for t in leg.get_texts()] if leg is not None else []


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return X, y


@pytest.fixture(scope="module")
def ridge_cv(diabetes):
    return RidgeCV(lams=25, cv=5, random_state=0).fit(*diabetes)


# -- plot_cv ---------------------------------------------------------------------------------------
def test_plot_cv_ridge(ridge_cv):
    fig = render(plot_cv(ridge_cv))
    ax = fig.axes[0]
    assert ax.get_xlabel() == LAM and ax.get_xscale() == "log"
    assert ax.get_ylabel() == "mean squared error (5-fold CV)"
    marks = vlines(ax)
    assert marks == {f"λ_min = {ridge_cv.lam_min_:.3g}": ridge_cv.lam_min_,
                     f"λ_1se = {ridge_cv.lam_1se_:.3g}": ridge_cv.lam_1se_}
    res = ridge_cv.cv_results_
    order = np.argsort(res["lam"])
    curve = next(line for line in ax.get_lines() if len(line.get_xdata()) == res["lam"].size)
    np.testing.assert_allclose(curve.get_xdata(), res["lam"][order])
    np.testing.assert_allclose(curve.get_ydata(), -res["mean_score"][order])    # MSE, not −MSE
    assert "mean ± 1 se" in legend_texts(ax)
    assert len(ax.collections) == 1                                       # the error bars
    segs = ax.collections[0].get_segments()
    np.testing.assert_allclose([s[1, 1] - s[0, 1] for s in segs], 2 * res["se_score"][order])


def test_plot_cv_cvresult_and_dict(ridge_cv):
    res = ridge_cv.cv_results_
    cvr = CVResult(res, index=3, index_min=5, index_1se=2)
    fig, ax = plt.subplots()
    assert plot_cv(cvr, ax=ax, flip_neg=False) is fig
    assert sorted(vlines(ax).values()) == sorted([res["lam"][5], res["lam"][2]])
    assert ax.get_ylabel() == "neg mean squared error (5-fold CV)"
    render(fig)
    # a plain dict: λ_min / λ_1se given, or worked out by the rules
    given = render(plot_cv({**res, "lam_min": 0.5, "lam_1se": 2.0}))
    assert sorted(vlines(given.axes[0]).values()) == [0.5, 2.0]
    plain = render(plot_cv(dict(res)))
    assert sorted(vlines(plain.axes[0]).values()) == sorted([ridge_cv.lam_min_, ridge_cv.lam_1se_])


def test_plot_cv_logistic():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 4))
    y = (X[:, 0] + rng.normal(size=150) > 0).astype(int)
    clf = LogisticRegressionCV(lams=12, cv=3).fit(X, y)
    ax = render(plot_cv(clf)).axes[0]
    assert ax.get_ylabel() == "log loss (3-fold CV)"
    assert set(vlines(ax).values()) == {clf.lam_min_, clf.lam_1se_}


# -- plot_path -------------------------------------------------------------------------------------
def test_plot_path_from_estimator(ridge_cv, diabetes):
    X, y = diabetes
    fig = render(plot_path(ridge_cv, X, y))
    ax, twin = fig.axes
    lams = ridge_cv.cv_results_["lam"]
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == lams.size]
    assert len(curves) == X.shape[1]
    assert [c.get_label() for c in curves] == list(X.columns)
    path = coefficient_path(Ridge(), X, y, lams)
    order = np.argsort(lams)
    np.testing.assert_allclose(curves[2].get_ydata(), path.coef[order, 2])   # bmi
    assert set(vlines(ax).values()) == {ridge_cv.lam_min_, ridge_cv.lam_1se_}
    assert ax.get_xlabel() == LAM and ax.get_ylabel() == "coefficient (original scale)"
    np.testing.assert_allclose(twin.get_lines()[0].get_ydata(), path.df[order])
    assert twin.get_ylabel() == "effective degrees of freedom"
    assert "λ_min = " + f"{ridge_cv.lam_min_:.3g}" in legend_texts(ax)


def test_plot_path_on_the_standardized_scale_shows_w_times_sd(ridge_cv, diabetes):
    """Issue 16: "the CLI report draws the path on the original scale where one feature
    dominates": scale="standardized" draws w_j·sd_j, which the report and the CLI use for
    standardized models."""
    X, y = diabetes
    X = X.assign(age=X["age"] * 1000.0)                  # one feature in tiny units
    lams = ridge_cv.cv_results_["lam"]
    fig = render(plot_path(Ridge(), X, y, lams=lams, scale="standardized"))
    ax = fig.axes[0]
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == lams.size]
    path = coefficient_path(Ridge(), X, y, lams)
    order = np.argsort(lams)
    sd = X.to_numpy().std(axis=0)
    for j, line in enumerate(curves):
        np.testing.assert_allclose(line.get_ydata(), path.coef[order, j] * sd[j], rtol=1e-12)
    assert ax.get_ylabel() == "coefficient × sd (standardized scale)"
    with pytest.raises(ValueError, match="needs X"):
        plot_path(path, scale="standardized")


def test_plot_path_result_multitarget_and_zero_lam():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(30, 3)), rng.normal(size=(30, 2))
    path = coefficient_path(Ridge(), X, Y, [10.0, 1.0, 0.1, 0.0])
    fig = render(plot_path(path, show_df=False, cv={"lam_min": 1.0, "lam_1se": 10.0}))
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len([ln for ln in ax.get_lines() if len(ln.get_xdata()) == 4]) == 6
    assert ax.get_xscale() == "symlog"                  # λ = 0 is on the grid
    assert vlines(ax) == {"λ_min = 1": 1.0, "λ_1se = 10": 10.0}
    with pytest.raises(ValueError, match="needs X and y"):
        plot_path(Ridge())


# -- plot_bias_variance ----------------------------------------------------------------------------
def test_plot_bias_variance_squared_with_truth():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 8))
    f = X @ rng.normal(size=8)
    y = f + rng.normal(size=200)
    res = bias_variance(Ridge(), X, y, np.geomspace(10, 1e-3, 8), n_rounds=6, f_test=f,
                        random_state=0)
    ax = render(plot_bias_variance(res)).axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    order = np.argsort(res.lams)
    for label, values in (("test error", res.error), ("bias²", res.bias2),
                          ("variance", res.variance), ("noise", res.noise)):
        np.testing.assert_allclose(lines[label].get_ydata(), values[order])
        np.testing.assert_allclose(lines[label].get_xdata(), res.lams[order])
    assert vlines(ax) == {f"least error, λ = {res.lam_best:.3g}": res.lam_best}
    assert ax.get_xlabel() == LAM and ax.get_ylabel() == "squared error"
    assert legend_texts(ax)[:4] == ["test error", "bias²", "variance", "noise"]


def test_plot_bias_variance_zero_one_without_truth():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    y = (X[:, 0] + rng.normal(size=150) > 0).astype(int)
    res = bias_variance(LogisticRegression(), X, y, [1.0, 0.01], n_rounds=4, loss="zero_one",
                        random_state=0)
    ax = render(plot_bias_variance(res)).axes[0]
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert labels[:3] == ["test error", "bias", "net variance"] and "noise" not in labels
    assert ax.get_ylabel() == "0-1 loss"


# -- plot_history ----------------------------------------------------------------------------------
def test_plot_history_network_and_mapping():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 4))
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = MLPClassifier((8,), lam=0.01, max_epochs=6, random_state=0).fit(X, y)
        val = MLPClassifier((8,), lam=0.01, max_epochs=6, random_state=0,
                            early_stopping=True, patience=50).fit(X, y)
    ax = render(plot_history(net)).axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert list(lines) == ["data loss", "penalty", "total (objective)"]
    np.testing.assert_allclose(lines["penalty"].get_ydata(), net.history_["penalty"])
    np.testing.assert_allclose(lines["total (objective)"].get_ydata(), net.history_["loss"])
    np.testing.assert_array_equal(lines["data loss"].get_xdata(), np.arange(1, 7))
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss" and ax.get_title() == "λ = 0.01"
    assert ax.get_yscale() == "log"
    # the demo's JSON form: label -> {"lam", "data_loss", "penalty", "loss"}, one panel each
    runs = {"λ = 0": {"lam": 0.0, "data_loss": [1.0, 0.5], "penalty": [0.0, 0.0],
                      "loss": [1.0, 0.5]},
            "wide": val}
    fig = render(plot_history(runs, logy=False))
    assert len(fig.axes) == 2
    assert [a.get_title() for a in fig.axes] == ["λ = 0", "wide — λ = 0.01"]
    assert [ln.get_label() for ln in fig.axes[1].get_lines()][-1] == "validation data loss"
    with pytest.raises(TypeError, match="history"):
        plot_history(Ridge())


def test_figures_of_several_panels_wrap_at_two_per_row_and_carry_one_title():
    """Issue 16: three or four panels in one row were shrunk to half size on a page; at most two
    per row keeps a multi-panel figure as wide as two one-panel figures, with one title."""
    from shrinkage.plots._axes import MAX_COLUMNS, PANEL
    h = {"data_loss": [1.0, 0.5, 0.4], "penalty": [0.1, 0.1, 0.1], "loss": [1.1, 0.6, 0.5]}
    fig = render(plot_history({"λ = 0": h, "λ = 0.1": h, "λ = 1": h}))
    assert MAX_COLUMNS == 2 and len(fig.axes) == 3
    width, height = fig.get_size_inches()
    assert width == pytest.approx(2 * PANEL[0]) and height == pytest.approx(2 * PANEL[1])
    lefts = sorted({round(a.get_position().x0, 3) for a in fig.axes})
    assert len(lefts) == 2                                   # two columns, two rows
    assert fig._suptitle.get_text() == ("Training: data loss, penalty and their sum per epoch "
                                        "(3 runs)")


# -- plot_weights ----------------------------------------------------------------------------------
def test_plot_weights_layers_and_comparison():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = X.sum(axis=1)
    nets = {f"λ = {lam:g}": MLPRegressor((5,), lam=lam, max_epochs=30, learning_rate=1e-2,
                                          random_state=0).fit(X, y) for lam in (0.0, 0.3)}
    fig = render(plot_weights(nets, bins=10))
    assert len(fig.axes) == 2
    assert [a.get_title() for a in fig.axes] == ["layer 0: W of shape 3 × 5",
                                                 "layer 1: W of shape 5 × 1"]
    for layer, ax in enumerate(fig.axes):
        assert len(ax.patches) == 2 and ax.get_xlabel() == "weight"
        norms = [np.linalg.norm(m.coefs_[layer]) for m in nets.values()]
        assert legend_texts(ax) == [f"{k}  ‖W‖_F = {n:.3g}" for k, n in zip(nets, norms)]
        ticks = ax.yaxis.get_majorticklocs()       # counts: whole numbers only
        assert np.array_equal(ticks, np.round(ticks))
    ridge = Ridge().fit(X, y)
    single = render(plot_weights(ridge))
    assert len(single.axes) == 1 and single.axes[0].get_xlabel() == "coefficient"
    assert single.axes[0].get_title() == "3 coefficients of Ridge"


def test_plot_weights_draws_a_handful_of_coefficients_as_named_bars():
    """A linear model's few coefficients: one bar each whose length is the coefficient, named,
    largest at the top (issue 16: not a histogram with fractional counts)."""
    import pandas as pd
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(80, 4)), columns=["age", "bmi", "bp", "s1"])
    y = X @ [0.5, -3.0, 1.0, 0.0] + 0.1 * rng.normal(size=80)
    ridge = Ridge(lam=0.01).fit(X, y)
    ax = render(plot_weights(ridge)).axes[0]
    widths = [bar.get_width() for bar in ax.patches]
    order = np.argsort(np.abs(ridge.coef_))
    np.testing.assert_allclose(widths, ridge.coef_[order], rtol=1e-12)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(X.columns[order])
    assert ax.get_yticklabels()[-1].get_text() == "bmi"        # the largest on top
    pair = render(plot_weights({"λ = 0.01": ridge, "λ = 1": Ridge(lam=1.0).fit(X, y)})).axes[0]
    assert len(pair.patches) == 8 and len(legend_texts(pair)) == 2


# -- plot_l1_vs_l2 ---------------------------------------------------------------------------------
def test_plot_l1_vs_l2_paths_and_bars():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5))
    y = X[:, 0] + 0.3 * X[:, 1] + 0.1 * rng.normal(size=100)
    lams = np.geomspace(2, 1e-3, 9)
    res = sparsity_comparison(X, y, lams, {
        "L2": Ridge(), "L1": lambda lam: Lasso(alpha=lam / 2).fit(X, y)})
    fig = render(plot_l1_vs_l2(res))
    assert [a.get_title() for a in fig.axes] == ["L2", "L1", "Sparsity"]
    for ax in fig.axes[:2]:
        assert len(ax.get_lines()) == 5 and ax.get_xlabel() == LAM
    assert fig.axes[0].get_ylim() == fig.axes[1].get_ylim()          # one scale for both
    sparsity = fig.axes[2]
    order = np.argsort(lams)
    for ln, name in zip(sparsity.get_lines(), ("L2", "L1")):
        np.testing.assert_array_equal(ln.get_ydata(), res.n_nonzero[name][order])
    assert legend_texts(sparsity) == ["L2", "L1"]
    models = {"ridge": Ridge(lam=0.1).fit(X, y), "lasso": Lasso(alpha=0.2).fit(X, y)}
    ax = render(plot_l1_vs_l2(models)).axes[0]
    assert len(ax.patches) == 10
    nz = np.count_nonzero(models["lasso"].coef_)
    assert legend_texts(ax) == ["ridge (5 non-zero)", f"lasso ({nz} non-zero)"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"x{j}" for j in range(5)]


def test_axes_argument_checked():
    path = coefficient_path(Ridge(), np.eye(4), np.arange(4.0), [1.0, 0.1])
    res = sparsity_comparison(np.eye(4), np.arange(4.0), [1.0, 0.1], {"a": Ridge(), "b": Ridge()})
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="needs 3 axes"):
        plot_l1_vs_l2(res, axes=[ax])
    assert plot_path(path, ax=ax) is fig
    plt.close(fig)


# -- every function draws on the caller's axes and returns the caller's figure --------------------
def _caller(n=2):
    """A caller's figure of ``n`` panels, and the figures open before it."""
    before = set(plt.get_fignums())
    fig, axs = plt.subplots(1, n, squeeze=False)
    return fig, list(axs[0]), before


def _drew_only_on(fig, before, targets, others=()):
    assert set(plt.get_fignums()) - before == {fig.number}       # no new figure was made
    for ax in targets:
        assert ax.get_lines() or ax.patches or ax.collections
    for ax in others:
        assert not (ax.get_lines() or ax.patches or ax.collections)
    render(fig)


def test_plot_cv_on_the_callers_ax(ridge_cv):
    fig, (a, b), before = _caller()
    assert plot_cv(ridge_cv, ax=b) is fig
    assert b.get_title().endswith("by 3-fold CV against λ") or "CV against λ" in b.get_title()
    _drew_only_on(fig, before, [b], [a])


def test_plot_path_on_the_callers_ax(ridge_cv, diabetes):
    path = coefficient_path(Ridge(), *diabetes, [10.0, 1.0, 0.1])
    fig, (a, b), before = _caller()
    assert plot_path(path, ax=b, show_df=False) is fig
    assert [ln.get_label() for ln in b.get_lines() if not ln.get_label().startswith("_")] \
        == list(diabetes[0].columns)
    _drew_only_on(fig, before, [b], [a])


def test_plot_bias_variance_on_the_callers_ax():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 4))
    y = X[:, 0] + rng.normal(size=80)
    res = bias_variance(Ridge(), X, y, [1.0, 0.01], n_rounds=3, random_state=0)
    fig, (a, b), before = _caller()
    assert plot_bias_variance(res, ax=a) is fig
    assert "test error" in [ln.get_label() for ln in a.get_lines()]
    est = bias_variance(Ridge(), X, y, [1.0, 0.01], n_rounds=3, random_state=0, noise=1.0)
    assert plot_bias_variance(est, ax=b) is fig
    labels = [ln.get_label() for ln in b.get_lines()]
    assert "bias²" in labels and "noise (given estimate)" in labels
    _drew_only_on(fig, before, [a, b])


def test_plot_l1_vs_l2_on_the_callers_ax_or_axes():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 4))
    y = X[:, 0] + 0.1 * rng.normal(size=50)
    models = {"ridge": Ridge(lam=0.1).fit(X, y), "lasso": Lasso(alpha=0.1).fit(X, y)}
    fig, (a, b), before = _caller()
    assert plot_l1_vs_l2(models, ax=b) is fig               # one panel: ax
    assert len(b.patches) == 8
    _drew_only_on(fig, before, [b], [a])
    res = sparsity_comparison(X, y, [1.0, 0.1], {"a": Ridge(), "b": Ridge(lam=1.0)})
    fig, axs, before = _caller(3)
    assert plot_l1_vs_l2(res, axes=axs) is fig              # three panels: axes
    _drew_only_on(fig, before, axs)
    with pytest.raises(ValueError, match="3 panels but ax is a single Axes"):
        plot_l1_vs_l2(res, ax=axs[0])
    with pytest.raises(ValueError, match="not both"):
        plot_l1_vs_l2(models, ax=axs[0], axes=axs)
    plt.close("all")


def test_plot_history_on_the_callers_ax_or_axes():
    h = {"data_loss": [1.0, 0.5], "penalty": [0.1, 0.1], "loss": [1.1, 0.6]}
    fig, (a, b), before = _caller()
    assert plot_history(h, ax=a) is fig
    assert [ln.get_label() for ln in a.get_lines()] == ["data loss", "penalty",
                                                       "total (objective)"]
    _drew_only_on(fig, before, [a], [b])
    fig, axs, before = _caller()
    assert plot_history({"one": h, "two": h}, axes=axs) is fig
    _drew_only_on(fig, before, axs)


def test_plot_weights_on_the_callers_ax_or_axes():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3))
    y = X.sum(axis=1)
    fig, (a, b), before = _caller()
    assert plot_weights(Ridge().fit(X, y), ax=b) is fig
    assert len(b.patches) == 3                      # one bar per coefficient
    _drew_only_on(fig, before, [b], [a])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = MLPRegressor((4,), max_epochs=3, random_state=0).fit(X, y)
    fig, axs, before = _caller()
    assert plot_weights(net, axes=axs) is fig
    _drew_only_on(fig, before, axs)


def test_titles_say_what_each_figure_shows_and_big_paths_name_their_largest_lines():
    """Before: every CV figure was titled "Cross-validation curve", and a path of more than a
    legend's worth of lines named none of them."""
    import numpy as np

    from shrinkage import RidgeCV
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 20))
    y = X[:, 3] * 5 + X[:, 7] * 3 + rng.normal(size=80)
    cv = RidgeCV(lams=15, cv=4).fit(X, y)
    fig = plot_cv(cv)
    assert fig.axes[0].get_title() == "RidgeCV: mean squared error by 4-fold CV against λ"
    assert plot_cv(cv, title="mine").axes[0].get_title() == "mine"
    fig = plot_path(cv, X, y, label_top=3)
    ax = fig.axes[0]
    assert ax.get_title() == "Regularization path of RidgeCV"
    assert [t.get_text() for t in ax.texts] == ["x3", "x7", ax.texts[2].get_text()]
    assert ax.get_legend() is None
    plt.close("all")


def test_residual_and_qq_panels_hold_the_residuals():
    import numpy as np

    from shrinkage import Ridge
    from shrinkage.plots import plot_residuals
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, 2.0, 0.0] + rng.normal(size=60)
    model = Ridge().fit(X, y)
    fig = plot_residuals(model, X, y, data="held-out data")
    a, b = fig.axes
    pts = a.collections[0].get_offsets()
    np.testing.assert_allclose(pts[:, 0], model.predict(X))
    np.testing.assert_allclose(pts[:, 1], y - model.predict(X))
    z = b.collections[0].get_offsets()[:, 1]
    assert np.all(np.diff(z) >= 0) and abs(z.mean()) < 1e-12
    assert a.get_title() == "Residuals against fitted values (held-out data)"
    plt.close(fig)


def test_roc_and_calibration_equal_scikit_learns():
    import numpy as np
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import roc_auc_score

    from shrinkage import LogisticRegression
    from shrinkage.plots import plot_classification
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 3))
    y = np.where(X[:, 0] + rng.normal(size=300) > 0, "yes", "no")
    model = LogisticRegression().fit(X, y)
    fig = plot_classification(model, X, y)
    a, b = fig.axes
    p = model.predict_proba(X)[:, 1]
    assert a.lines[0].get_label() == f"yes (AUC {roc_auc_score(y == 'yes', p):.3f})"
    frac, mean = calibration_curve(y == "yes", p, n_bins=10)
    np.testing.assert_allclose(b.lines[0].get_xdata(), mean)
    np.testing.assert_allclose(b.lines[0].get_ydata(), frac)
    y3 = np.digitize(X[:, 1] + rng.normal(size=300), [-0.5, 0.5])
    fig3 = plot_classification(LogisticRegression().fit(X, y3), X, y3)
    assert len(fig3.axes[0].lines) == 3 + 1                  # one per class and the diagonal
    plt.close("all")


def test_the_report_draws_roc_and_calibration_on_held_out_folds():
    """Issue 16: ROC and calibration "held-out where CV folds exist": a cross-validated
    logistic model's report draws out-of-fold probabilities at the chosen λ."""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from shrinkage import LogisticRegression, LogisticRegressionCV
    from shrinkage.report.model import _held_out_proba
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 6))
    y = np.where(X[:, 0] + rng.normal(size=200) > 0, "yes", "no")
    model = LogisticRegressionCV(lams=10, cv=3).fit(X, y)
    held = _held_out_proba(model, X, y)
    ref = cross_val_predict(LogisticRegression(lam=model.lam_), X, y,
                            cv=StratifiedKFold(5, shuffle=True, random_state=0),
                            method="predict_proba")
    np.testing.assert_allclose(held, ref, rtol=1e-10)
    train_auc = roc_auc_score(y == "yes", model.predict_proba(X)[:, 1])
    assert roc_auc_score(y == "yes", held[:, 1]) < train_auc        # held out: less optimistic
    assert _held_out_proba(LogisticRegression().fit(X, y), X, y) is None
