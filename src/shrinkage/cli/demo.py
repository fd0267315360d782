"""``shrinkage demo``: the main job on data that ships with scikit-learn.

Ridge on the diabetes data (λ by exact leave-one-out) and L2 logistic regression on the breast
cancer data (λ by 5-fold cross-validation), each on a training split, scored on a held-out
test split, with λ_min, λ_1se, effective degrees of freedom and the largest coefficients. Then
L1 vs L2 vs elastic net on a sparse synthetic truth (non-zeros, paths, CV curve), and the seed's
network on the digits: λ = 0 overfits, a cross-validated λ generalizes better, a very
large λ underfits and learns slowly; the per-epoch history (data loss, penalty, total) of each
is written to ``<out>/mlp_history.json``. Figures go to ``<out>/``: the CV curves with λ_min
and λ_1se marked, the ridge path with df, the bias–variance trade-off against λ, the network's
training curves (data loss, penalty, total) and weight histograms.
"""

from __future__ import annotations

import json
import os
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import StratifiedKFold, train_test_split

from .._atomic import atomic_write


def _save(fig, out_dir, name, written):
    """Write a figure atomically into ``out_dir`` and close it."""
    import matplotlib.pyplot as plt
    path = os.path.join(out_dir, name)
    with atomic_write(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    written.append(path)


def _table(rows, headers):
    cols = list(zip(*([headers] + [[str(c) for c in r] for r in rows])))
    widths = [max(len(c) for c in col) for col in cols]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths))   # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _top(X, coef, k=5):
    """The k largest standardized coefficients ``w_j · sd_j`` (comparable across features)."""
    std = coef * np.asarray(X).std(axis=0)
    order = np.argsort(-np.abs(std))[:k]
    names = list(X.columns)
    return ", ".join(f"{names[j]}={std[j]:+.3g}" for j in order)


def _synthetic_bias_variance(seed: int):
    """Ridge on a known linear truth (40 rows, 30 features, noise sd 1): fresh training sets
    drawn 60 times, the same draws for every λ, so bias², variance and noise are all known."""
    from .. import Ridge
    from ..diagnostics import bias_variance
    rng = np.random.default_rng(seed)
    p, n_train, sigma = 30, 40, 1.0
    w = rng.normal(size=p) * 0.5
    X_test = rng.normal(size=(500, p))
    f_test = X_test @ w
    y_test = f_test + sigma * rng.normal(size=500)

    def draw(r):
        X = r.normal(size=(n_train, p))
        return X, X @ w + sigma * r.normal(size=n_train)

    return bias_variance(Ridge(), None, None, np.geomspace(10.0, 1e-4, 25), n_rounds=60,
                         X_test=X_test, y_test=y_test, f_test=f_test, sampling=draw,
                         random_state=seed)


def ridge_section(seed: int, out_dir: str, written: list) -> str:
    from .. import Ridge, RidgeCV
    from ..plots import plot_bias_variance, plot_cv, plot_path
    data = load_diabetes(as_frame=True)
    X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                              random_state=seed)
    t0 = time.perf_counter()
    cv = RidgeCV(cv="loo").fit(X_tr, y_tr)
    seconds = time.perf_counter() - t0
    rows = []
    for label, lam in (("λ_min", cv.lam_min_), ("λ_1se", cv.lam_1se_), ("λ = 0", 0.0)):
        m = Ridge(lam=lam).fit(X_tr, y_tr)
        i = int(np.argmin(np.abs(cv.cv_results_["lam"] - lam))) if lam > 0 else None
        loo_mse = -cv.cv_results_["mean_score"][i] if i is not None else float("nan")
        test_mse = float(np.mean((y_te - m.predict(X_te)) ** 2))
        rows.append([label, f"{lam:.4g}", f"{m.df_:.2f}", f"{loo_mse:.1f}", f"{test_mse:.1f}",
                     f"{m.score(X_te, y_te):.3f}"])
    best = Ridge(lam=cv.lam_min_).fit(X_tr, y_tr)
    _save(plot_cv(cv).figure, out_dir, "ridge_cv.png", written)
    _save(plot_path(cv, X_tr, y_tr).figure, out_dir, "ridge_path.png", written)
    bv = _synthetic_bias_variance(seed)
    _save(plot_bias_variance(bv).figure, out_dir, "ridge_bias_variance.png", written)
    out = [
        f"Ridge on diabetes ({len(y_tr)} train / {len(y_te)} test rows, {X_tr.shape[1]} features), "
        f"λ by exact leave-one-out over {cv.cv_results_['lam'].size} values in {seconds:.2f} s",
        _table(rows, ["model", "λ", "df", "LOO MSE", "test MSE", "test R²"]),
        f"largest standardized coefficients at λ_min: {_top(X_tr, best.coef_)}",
    ]
    return "\n".join(out)


def logistic_section(seed: int, out_dir: str, written: list) -> str:
    from .. import LogisticRegression, LogisticRegressionCV
    from ..plots import plot_cv
    data = load_breast_cancer(as_frame=True)
    X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                              random_state=seed, stratify=data.target)
    t0 = time.perf_counter()
    cv = LogisticRegressionCV(cv=5, random_state=seed).fit(X_tr, y_tr)
    seconds = time.perf_counter() - t0
    res = cv.cv_results_
    rows = []
    for label, lam in (("λ_min", cv.lam_min_), ("λ_1se", cv.lam_1se_)):
        m = LogisticRegression(lam=lam).fit(X_tr, y_tr)
        i = int(np.argmin(np.abs(res["lam"] - lam)))
        p = np.clip(m.predict_proba(X_te)[:, 1], 1e-15, 1 - 1e-15)
        test_ll = float(-np.mean(y_te * np.log(p) + (1 - y_te) * np.log(1 - p)))
        rows.append([label, f"{lam:.4g}", f"{-res['mean_score'][i]:.4f}", f"{test_ll:.4f}",
                     f"{m.score(X_te, y_te):.3f}"])
    best = LogisticRegression(lam=cv.lam_min_).fit(X_tr, y_tr)
    _save(plot_cv(cv).figure, out_dir, "logistic_cv.png", written)
    out = [
        f"L2 logistic regression on breast cancer ({len(y_tr)} train / {len(y_te)} test rows, "
        f"{X_tr.shape[1]} features), λ by 5-fold CV over {res['lam'].size} values in "
        f"{seconds:.2f} s",
        _table(rows, ["model", "λ", "CV log-loss", "test log-loss", "test accuracy"]),
        f"largest standardized coefficients at λ_min: {_top(X_tr, best.coef_.ravel())}",
    ]
    return "\n".join(out)


def sparse_section(seed: int, out_dir: str, written: list) -> str:
    """L1 vs L2 vs elastic net on a sparse truth: 5 of 50 features matter."""
    from .. import ElasticNetCV, Lasso, Ridge, RidgeCV
    from ..diagnostics import sparsity_comparison
    from ..plots import plot_cv, plot_l1_vs_l2, plot_path
    rng = np.random.default_rng(seed)
    n, p = 300, 50
    w = np.zeros(p)
    w[:5] = [3.0, -2.0, 1.5, 1.0, -1.0]
    X = rng.normal(size=(n, p))
    X[:, 5:10] += 0.7 * X[:, :5]                      # decoys correlated with the signal
    y = X @ w + 1.5 * rng.normal(size=n)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=seed)
    t0 = time.perf_counter()
    ridge = RidgeCV(cv=5, random_state=seed).fit(X_tr, y_tr)
    lasso = ElasticNetCV(l1_ratio=1.0, cv=5, random_state=seed).fit(X_tr, y_tr)
    enet = ElasticNetCV(l1_ratio=0.5, cv=5, random_state=seed).fit(X_tr, y_tr)
    seconds = time.perf_counter() - t0
    rows = []
    for label, est in (("L2 (ridge), λ_min", Ridge(lam=ridge.lam_min_)),
                       ("L1 (lasso), λ_min", Lasso(lam=lasso.lam_min_)),
                       ("L1 (lasso), λ_1se", Lasso(lam=lasso.lam_1se_)),
                       ("elastic net ρ=0.5, λ_min", enet)):
        m = est if est is enet else est.fit(X_tr, y_tr)
        coef = np.ravel(m.coef_)
        found = int(np.count_nonzero(coef[:5]))
        rows.append([label, f"{getattr(m, 'lam_', getattr(m, 'lam', np.nan)):.4g}",
                     f"{np.count_nonzero(coef)}", f"{found}/5",
                     f"{np.mean((y_te - m.predict(X_te)) ** 2):.3f}"])
    _save(plot_cv(lasso).figure, out_dir, "lasso_cv.png", written)
    _save(plot_path(Lasso(), X_tr, y_tr, lams=lasso.cv_results_["lam"], cv=lasso).figure,
          out_dir, "lasso_path.png", written)
    lams = np.geomspace(lasso.cv_results_["lam"].max(), lasso.lam_min_ / 10, 30)
    comp = sparsity_comparison(X_tr, y_tr, lams, {"L2 (ridge)": Ridge(), "L1 (lasso)": Lasso(),
                                                  "elastic net ρ=0.5": _EnetHalf()})
    _save(plot_l1_vs_l2(comp).figure, out_dir, "l1_vs_l2.png", written)
    out = [
        f"L1 vs L2 vs elastic net on a sparse truth ({n - len(y_te)} train / {len(y_te)} test "
        f"rows, 50 features of which 5 matter, 5 correlated decoys), λ by 5-fold CV in "
        f"{seconds:.1f} s",
        _table(rows, ["model", "λ", "non-zeros", "true found", "test MSE"]),
        "L1 sets coefficients exactly to zero; L2 shrinks all 50 and keeps them; λ_1se trades a "
        "little fit for a much sparser model.",
    ]
    return "\n".join(out)


class _EnetHalf:
    """An ElasticNet with ρ = 0.5 behind the ``lam``-only interface of sparsity_comparison."""

    def __init__(self, lam=1.0):
        self.lam = lam

    def get_params(self, deep=True):
        return {"lam": self.lam}

    def set_params(self, **params):
        self.lam = params.get("lam", self.lam)
        return self

    def fit(self, X, y):
        from .. import ElasticNet
        self.model_ = ElasticNet(lam=self.lam, l1_ratio=0.5).fit(X, y)
        self.coef_ = self.model_.coef_
        return self


def _log_loss(model, X, y):
    proba = np.clip(model.predict_proba(X), 1e-15, 1.0)
    return float(-np.mean(np.log(proba[np.arange(len(y)), np.searchsorted(model.classes_, y)])))


def network_section(seed: int, out_dir: str, written: list) -> str:
    from .. import MLPClassifier
    from ..plots import plot_history, plot_weights
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, train_size=300, random_state=seed, stratify=y)
    net = dict(hidden_layer_sizes=(256,), max_epochs=400, learning_rate=1e-2, random_state=seed)

    # λ by 3-fold cross-validation on the training rows (validation log-loss)
    grid = [1e-4, 1e-3, 1e-2, 1e-1]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=seed).split(X_tr, y_tr))
    t0 = time.perf_counter()
    cv_loss = [np.mean([_log_loss(MLPClassifier(lam=lam, **net).fit(X_tr[a], y_tr[a]), X_tr[b], y_tr[b])
                        for a, b in folds]) for lam in grid]
    lam_cv = grid[int(np.argmin(cv_loss))]
    seconds = time.perf_counter() - t0

    rows, histories, models = [], {}, {}
    for label, lam in (("λ = 0", 0.0), ("λ by CV", lam_cv), ("λ large", 0.1)):
        m = models[label] = MLPClassifier(lam=lam, **net).fit(X_tr, y_tr)
        h = m.history_
        rows.append([label, f"{lam:g}", f"{m.score(X_tr, y_tr):.3f}", f"{m.score(X_te, y_te):.3f}",
                     f"{_log_loss(m, X_te, y_te):.3f}", f"{h['data_loss'][9]:.3f}",
                     f"{h['data_loss'][-1]:.3f}", f"{h['penalty'][-1]:.3f}"])
        histories[label] = {"lam": lam, **{k: h[k] for k in ("data_loss", "penalty", "loss")}}
    path = os.path.join(out_dir, "mlp_history.json")
    with atomic_write(path, "w", encoding="utf-8") as fh:
        json.dump(histories, fh, indent=1)
    _save(plot_history(histories).figure, out_dir, "mlp_history.png", written)
    _save(plot_weights(models).figure, out_dir, "mlp_weights.png", written)
    out = [
        f"Network 64-256-10 (relu, Adam, 400 epochs) on digits ({len(y_tr)} train / "
        f"{len(y_te)} test rows); loss = mean cross-entropy + λ Σ_l ‖W_l‖² over both weight "
        f"matrices; λ by 3-fold CV over {grid} in {seconds:.1f} s",
        _table(rows, ["model", "λ", "train acc", "test acc", "test log-loss",
                      "data loss @10", "data loss", "penalty"]),
        f"per-epoch data loss, penalty and total written to {path}",
    ]
    return "\n".join(out)


def run_demo(seed: int = 0, out_dir: str = "shrinkage-demo") -> int:
    import matplotlib
    matplotlib.use("Agg")                      # files only: the demo opens no window
    os.makedirs(out_dir, exist_ok=True)
    written: list[str] = []
    print("shrinkage demo — one objective: (1/n) Σ loss + λ Σ f_j w_j²  "
          "(intercept unpenalized, features standardized)\n")
    print(ridge_section(seed, out_dir, written))
    print()
    print(logistic_section(seed, out_dir, written))
    print()
    print(sparse_section(seed, out_dir, written))
    print()
    print(network_section(seed, out_dir, written))
    print("\nλ_1se is the largest λ whose CV score is within one standard error of the best: "
          "a simpler model, nearly as good.")
    print(f"\nfigures written to {out_dir}/: " + ", ".join(os.path.basename(p) for p in written))
    return 0
