"""``shrinkage demo``: the main job on data that ships with scikit-learn.

Four parts, each on a training split and scored on a held-out test split:

1. ridge on the diabetes data, λ by exact leave-one-out (λ_min, λ_1se, df, largest
   coefficients), and the bias–variance trade-off on a known linear truth;
2. L2 logistic regression on the breast cancer data, λ by 5-fold cross-validation;
3. L1 vs L2 vs elastic net on a sparse synthetic truth: non-zeros, true features found, the CV
   curve of each, the lasso path, and the paths and non-zero counts of all three against λ;
4. the seed's network on the digits: λ = 0 overfits, a cross-validated λ generalizes better, a
   very large λ underfits and learns slowly; the per-epoch history (data loss, penalty, total)
   of each is written to ``<out>/mlp_history.json``.

Into ``<out>/`` go the figures (PNG), ``report.html`` (one self-contained page: the tables and
every figure embedded, nothing fetched) and ``summary.json`` (the numbers of the tables, for
scripts and tests). Nothing is opened.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import StratifiedKFold, train_test_split

from .._atomic import atomic_write
from .._optional import require

REPORT = "report.html"
SUMMARY = "summary.json"


@dataclass
class Section:
    """One part of the demo: printed as text, rendered as a report section, summarized."""

    title: str                                   # the report heading
    intro: str                                   # the first printed line
    headers: list
    rows: list
    notes: list = field(default_factory=list)    # printed after the table
    figures: list = field(default_factory=list)  # (file name, caption, PNG bytes, title)
    numbers: dict = field(default_factory=dict)  # what summary.json holds for this part

    def text(self) -> str:
        return "\n".join([self.intro, _table(self.rows, self.headers), *self.notes])

    def figure(self, fig, out_dir: str, name: str, caption: str) -> None:
        """Write ``fig`` atomically as ``out_dir/name`` (PNG), keep its bytes and title for the
        report."""
        from ..report import figure_png, figure_title
        title = figure_title(fig)
        png = figure_png(fig, dpi=110)           # closes the figure
        with atomic_write(os.path.join(out_dir, name), "wb") as fh:
            fh.write(png)
        self.figures.append((name, caption, png, title))


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


def _cv_section(title, how, cv, seconds, best, X_tr, n_test, headers, rows, numbers):
    """A section on a cross-validated λ: its summary line and the largest coefficients of
    ``best`` (the fit at λ_min)."""
    return Section(
        title,
        f"{title} ({X_tr.shape[0]} train / {n_test} test rows, {X_tr.shape[1]} features), "
        f"{how} over {cv.cv_results_['lam'].size} values in {seconds:.2f} s",
        headers, rows,
        [f"largest standardized coefficients at λ_min: {_top(X_tr, np.ravel(best.coef_))}"],
        numbers=numbers)


def ridge_section(seed: int, out_dir: str) -> Section:
    from .. import Ridge, RidgeCV
    from ..plots import plot_bias_variance, plot_cv, plot_path
    data = load_diabetes(as_frame=True)
    X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                              random_state=seed)
    t0 = time.perf_counter()
    cv = RidgeCV(cv="loo").fit(X_tr, y_tr)
    seconds = time.perf_counter() - t0
    rows, numbers = [], {"lam_min": cv.lam_min_, "lam_1se": cv.lam_1se_, "models": {}}
    for key, label, lam in (("lam_min", "λ_min", cv.lam_min_), ("lam_1se", "λ_1se", cv.lam_1se_),
                            ("zero", "λ = 0", 0.0)):
        m = Ridge(lam=lam).fit(X_tr, y_tr)
        i = int(np.argmin(np.abs(cv.cv_results_["lam"] - lam))) if lam > 0 else None
        loo_mse = -cv.cv_results_["mean_score"][i] if i is not None else float("nan")
        test_mse = float(np.mean((y_te - m.predict(X_te)) ** 2))
        rows.append([label, f"{lam:.4g}", f"{m.df_:.2f}",
                     f"{loo_mse:.1f}" if i is not None else "—", f"{test_mse:.1f}",
                     f"{m.score(X_te, y_te):.3f}"])
        numbers["models"][key] = {"lam": lam, "df": float(m.df_), "loo_mse": loo_mse,
                                  "test_mse": test_mse, "test_r2": m.score(X_te, y_te)}
    sec = _cv_section("Ridge on diabetes", "λ by exact leave-one-out", cv, seconds,
                      Ridge(lam=cv.lam_min_).fit(X_tr, y_tr), X_tr, len(y_te),
                      ["model", "λ", "df", "LOO MSE", "test MSE", "test R²"], rows, numbers)
    sec.notes.append("LOO MSE — for λ = 0: the grid holds positive λ only; λ = 0 is the "
                     "least-squares fit, shown for its test error.")
    sec.figure(plot_cv(cv, title="Ridge on diabetes: leave-one-out MSE against λ"), out_dir,
               "ridge_cv.png",
               "Ridge: exact leave-one-out MSE against λ, λ_min and λ_1se marked.")
    sec.figure(plot_path(cv, X_tr, y_tr, title="Ridge path on diabetes"), out_dir,
               "ridge_path.png",
               "Ridge path: every coefficient shrinks smoothly towards zero; df dashed.")
    sec.figure(plot_bias_variance(_synthetic_bias_variance(seed)), out_dir,
               "ridge_bias_variance.png",
               "Bias–variance on a known linear truth: bias² grows and variance falls with λ.")
    return sec


def logistic_section(seed: int, out_dir: str) -> Section:
    from .. import LogisticRegression, LogisticRegressionCV
    from ..plots import plot_cv
    data = load_breast_cancer(as_frame=True)
    X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                              random_state=seed, stratify=data.target)
    t0 = time.perf_counter()
    cv = LogisticRegressionCV(cv=5, random_state=seed).fit(X_tr, y_tr)
    seconds = time.perf_counter() - t0
    res = cv.cv_results_
    rows, numbers = [], {"lam_min": cv.lam_min_, "lam_1se": cv.lam_1se_, "models": {}}
    for key, label, lam in (("lam_min", "λ_min", cv.lam_min_), ("lam_1se", "λ_1se", cv.lam_1se_)):
        m = LogisticRegression(lam=lam).fit(X_tr, y_tr)
        i = int(np.argmin(np.abs(res["lam"] - lam)))
        p = np.clip(m.predict_proba(X_te)[:, 1], 1e-15, 1 - 1e-15)
        test_ll = float(-np.mean(y_te * np.log(p) + (1 - y_te) * np.log(1 - p)))
        rows.append([label, f"{lam:.4g}", f"{-res['mean_score'][i]:.4f}", f"{test_ll:.4f}",
                     f"{m.score(X_te, y_te):.3f}"])
        numbers["models"][key] = {"lam": lam, "cv_log_loss": -res["mean_score"][i],
                                  "test_log_loss": test_ll, "test_accuracy": m.score(X_te, y_te)}
    sec = _cv_section("L2 logistic regression on breast cancer", "λ by 5-fold CV", cv, seconds,
                      LogisticRegression(lam=cv.lam_min_).fit(X_tr, y_tr), X_tr, len(y_te),
                      ["model", "λ", "CV log-loss", "test log-loss", "test accuracy"], rows,
                      numbers)
    sec.figure(plot_cv(cv, title="Logistic regression on breast cancer: 5-fold CV log-loss "
                       "against λ"), out_dir, "logistic_cv.png",
               "L2 logistic regression: 5-fold CV log-loss against λ, λ_min and λ_1se marked.")
    return sec


def sparse_section(seed: int, out_dir: str) -> Section:
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
    rows, numbers = [], {"n_features": p, "n_true": 5, "models": {}}
    for key, label, est in (("ridge", "L2 (ridge), λ_min", Ridge(lam=ridge.lam_min_)),
                            ("lasso", "L1 (lasso), λ_min", Lasso(lam=lasso.lam_min_)),
                            ("lasso_1se", "L1 (lasso), λ_1se", Lasso(lam=lasso.lam_1se_)),
                            ("enet", "elastic net ρ=0.5, λ_min", enet)):
        m = est if est is enet else est.fit(X_tr, y_tr)
        coef = np.ravel(m.coef_)
        found = int(np.count_nonzero(coef[:5]))
        lam = float(getattr(m, "lam_", getattr(m, "lam", np.nan)))
        mse = float(np.mean((y_te - m.predict(X_te)) ** 2))
        rows.append([label, f"{lam:.4g}", f"{np.count_nonzero(coef)}", f"{found}/5", f"{mse:.3f}"])
        numbers["models"][key] = {"lam": lam, "n_nonzero": int(np.count_nonzero(coef)),
                                  "true_found": found, "test_mse": mse}
    sec = Section(
        "L1 vs L2 vs elastic net on a sparse truth",
        f"L1 vs L2 vs elastic net on a sparse truth ({n - len(y_te)} train / {len(y_te)} test "
        f"rows, 50 features of which 5 matter, 5 correlated decoys), λ by 5-fold CV in "
        f"{seconds:.1f} s",
        ["model", "λ", "non-zeros", "true found", "test MSE"], rows,
        ["L1 sets coefficients exactly to zero; L2 shrinks all 50 and keeps them; λ_1se trades a "
         "little fit for a much sparser model."], numbers=numbers)
    for est, name, what in ((ridge, "sparse_ridge_cv.png", "L2 (ridge)"),
                            (lasso, "lasso_cv.png", "L1 (lasso)"),
                            (enet, "enet_cv.png", "Elastic net ρ = 0.5")):
        sec.figure(plot_cv(est, title=f"{what} on the sparse truth: 5-fold CV MSE against λ"),
                   out_dir, name,
                   f"{what} on the sparse truth: 5-fold CV MSE against λ, λ_min and λ_1se marked.")
    sec.figure(plot_path(Lasso(), X_tr, y_tr, lams=lasso.cv_results_["lam"], cv=lasso,
                         title="Lasso path on the sparse truth"), out_dir, "lasso_path.png",
               "Lasso path: coefficients leave zero one by one as λ falls; df (non-zeros) dashed.")
    lams = np.geomspace(lasso.cv_results_["lam"].max(), lasso.lam_min_ / 10, 30)
    comp = sparsity_comparison(X_tr, y_tr, lams, {"L2 (ridge)": Ridge(), "L1 (lasso)": Lasso(),
                                                  "elastic net ρ=0.5": _EnetHalf()})
    numbers["nonzero_path"] = {"lam": comp.lams, **{k: v for k, v in comp.n_nonzero.items()}}
    sec.figure(plot_l1_vs_l2(comp), out_dir, "l1_vs_l2.png",
               "The paths of L2, L1 and elastic net on one λ grid, and their number of non-zero "
               "coefficients against λ.")
    return sec


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
    """Held-out mean log-loss of a fitted classifier (the engine's ``neg_log_loss`` score)."""
    from ..selection import get_score
    Y = (np.asarray(y)[:, None] == model.classes_[None, :]).astype(float)
    return -get_score("neg_log_loss", classification=True)(Y, model.predict_proba(X))


def network_section(seed: int, out_dir: str) -> Section:
    import warnings

    from .. import MLPClassifier
    from ..plots import plot_history, plot_weights
    from ..selection import LamSearchCV
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, train_size=300, random_state=seed, stratify=y)
    net = dict(hidden_layer_sizes=(256,), max_epochs=400, learning_rate=1e-2, random_state=seed)

    # λ by 3-fold cross-validation on the training rows (validation log-loss)
    grid = [1e-4, 1e-3, 1e-2, 1e-1]
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    t0 = time.perf_counter()
    with warnings.catch_warnings():            # a fixed grid: its edge is the demo's choice
        warnings.filterwarnings("ignore", message="the best λ")
        search = LamSearchCV(MLPClassifier(**net), lams=grid, cv=folds, refit=False).fit(X_tr, y_tr)
    cv_loss = (-search.cv_results_["mean_score"]).tolist()
    lam_cv = search.lam_
    seconds = time.perf_counter() - t0

    rows, histories, models = [], {}, {}
    numbers = {"cv_grid": grid, "cv_log_loss": cv_loss, "lam_cv": lam_cv, "models": {}}
    for key, label, lam in (("zero", "λ = 0", 0.0), ("cv", "λ by CV", lam_cv),
                            ("large", "λ large", 0.1)):
        m = models[label] = MLPClassifier(lam=lam, **net).fit(X_tr, y_tr)
        h = m.history_
        row = {"lam": lam, "train_accuracy": m.score(X_tr, y_tr),
               "test_accuracy": m.score(X_te, y_te), "test_log_loss": _log_loss(m, X_te, y_te),
               "data_loss_epoch10": h["data_loss"][9], "data_loss": h["data_loss"][-1],
               "penalty": h["penalty"][-1]}
        numbers["models"][key] = row
        rows.append([label, f"{lam:g}"] + [f"{row[k]:.3f}" for k in list(row)[1:]])
        histories[label] = {"lam": lam, **{k: h[k] for k in ("data_loss", "penalty", "loss")}}
    path = os.path.join(out_dir, "mlp_history.json")
    with atomic_write(path, "w", encoding="utf-8") as fh:
        json.dump(histories, fh, indent=1)
    sec = Section(
        "The seed's network on digits",
        f"Network 64-256-10 (relu, Adam, 400 epochs) on digits ({len(y_tr)} train / "
        f"{len(y_te)} test rows); loss = mean cross-entropy + λ Σ_l ‖W_l‖² over both weight "
        f"matrices; λ by 3-fold CV over {grid} in {seconds:.1f} s",
        ["model", "λ", "train acc", "test acc", "test log-loss", "data loss @10", "data loss",
         "penalty"], rows,
        [f"per-epoch data loss, penalty and total written to {path}"], numbers=numbers)
    sec.figure(plot_history(histories), out_dir, "mlp_history.png",
               "Per epoch: data loss, penalty λ Σ‖W‖² and their sum, for each λ.")
    sec.figure(plot_weights(models), out_dir, "mlp_weights.png",
               "Histograms of the weights: a larger λ pulls them towards zero.")
    return sec


CLOSING = ("λ_1se is the largest λ whose CV score is within one standard error of the best: "
           "a simpler model, nearly as good.")
OBJECTIVE = ("one objective: (1/n) Σ loss + λ Σ f_j w_j²  (intercept unpenalized, features "
             "standardized); elastic net adds ρ: λ Σ f_j [(1−ρ) w_j² + ρ |w_j|]")


def _report(sections, seed: int, seconds: float) -> str:
    from .. import __version__
    from ..report import Figure, Heading, Paragraph, Table, render
    blocks = [Paragraph(OBJECTIVE[0].upper() + OBJECTIVE[1:] + ".")]
    for sec in sections:
        blocks += [Heading(sec.title), Paragraph(sec.intro), Table(sec.headers, sec.rows)]
        blocks += [Paragraph(n) for n in sec.notes]
        blocks += [Figure(png, caption, title=title) for _, caption, png, title in sec.figures]
    blocks.append(Paragraph(CLOSING))
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return render("shrinkage demo", blocks,
                  f"seed {seed} · {seconds:.0f} s · shrinkage {__version__} · {stamp}")


def run_demo(seed: int = 0, out_dir: str = "shrinkage-demo") -> dict:
    """Run every part, print its table, write figures, ``report.html`` and ``summary.json``
    into ``out_dir``; return the summary (what ``summary.json`` holds)."""
    require("matplotlib", "shrinkage demo").use("Agg")      # files only: it opens no window
    from ._output import jsonable
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.perf_counter()
    print(f"shrinkage demo — {OBJECTIVE}\n")
    sections = {}
    for key, part in (("ridge", ridge_section), ("logistic", logistic_section),
                      ("sparse", sparse_section), ("network", network_section)):
        sections[key] = part(seed, out_dir)
        print(sections[key].text() + "\n")
    print(CLOSING)
    seconds = time.perf_counter() - t0
    figures = [f[0] for sec in sections.values() for f in sec.figures]
    with atomic_write(os.path.join(out_dir, REPORT), "w", encoding="utf-8") as fh:
        fh.write(_report(list(sections.values()), seed, seconds))
    summary = jsonable({"seed": seed, "seconds": seconds, "report": REPORT, "figures": figures,
                        **{k: sec.numbers for k, sec in sections.items()}})
    with atomic_write(os.path.join(out_dir, SUMMARY), "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=1, ensure_ascii=False)
    print(f"\nfigures written to {out_dir}/: " + ", ".join(figures))
    print(f"report: {os.path.join(out_dir, REPORT)}; numbers: {os.path.join(out_dir, SUMMARY)}")
    return summary
