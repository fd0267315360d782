"""Text classification on a hashed sparse design (issue 12): shrinkage's L2 logistic
regression on CSR beside scikit-learn's (lbfgs, saga) and glum's, and LogisticRegressionCV
beside scikit-learn's (sparse ridge and lasso: ``sparse_linear.py``).

The corpus is generated (nothing is downloaded): a Zipf vocabulary of 50,000 words, documents of
40–120 words of which a fifth come from a class's own 400 "topic" words; hashed to 2^18
features with ``HashingVectorizer(alternate_sign=False)`` (l2-normalized rows), 20,000 training
documents and 5,000 held out. Every fit runs in this process; the timed runs are interleaved
across libraries (round-robin) and each reported time is the median over ``--repeat`` runs.
Peak memory is tracemalloc's peak during the fit (numpy's allocations are traced), reported as a
multiple of the CSR's bytes (data + indices + indptr).

Two comparisons per library: **at its defaults** (``LogisticRegression()`` of each library,
what a new user gets; the models differ) and **matched** (the same objective: our ``lam`` is
scikit-learn's ``C=1`` converted, no standardization, and the same gradient tolerance); and
``LogisticRegressionCV()`` of each library at its defaults (**CV defaults**: ours walks 20 λ
by 5-fold log-loss, scikit-learn's 10 C by 5-fold accuracy). ``--fits CV`` runs only the fits
whose name contains ``CV``.

    python benchmarks/sparse_text.py --repeat 5 --out benchmarks/results/sparse_text.md
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.dirname(__file__))


def corpus(n_train=20_000, n_test=5_000, n_classes=2, seed=0):
    from sklearn.feature_extraction.text import HashingVectorizer
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(50_000)])
    zipf = 1.0 / np.arange(1, vocab.size + 1)
    zipf /= zipf.sum()
    topics = [rng.choice(vocab.size, 400, replace=False) for _ in range(n_classes)]
    y = rng.integers(0, n_classes, n_train + n_test)
    docs = []
    for k in y:
        length = int(rng.integers(40, 121))
        common = rng.choice(vocab.size, length - length // 5, p=zipf)
        topic = rng.choice(topics[k], length // 5)
        docs.append(" ".join(vocab[np.r_[common, topic]]))
    # label noise: 10 % of the labels flipped, so that the problem is not separable
    flip = rng.random(y.size) < 0.1
    y = np.where(flip, (y + 1) % n_classes, y)
    X = HashingVectorizer(n_features=2**18, alternate_sign=False).transform(docs).tocsr()
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def _fits(X, n):
    """name -> (setup, fit function returning the fitted model, probability function)."""
    from sklearn.linear_model import LogisticRegression as SkLogistic
    from sklearn.linear_model import LogisticRegressionCV as SkLogisticCV

    from shrinkage import LogisticRegression, LogisticRegressionCV, convert_strength
    lam = convert_strength(1.0, source="sklearn-logistic", n_samples=n).value
    out = {
        "shrinkage LogisticRegression()": ("defaults", lambda X, y: LogisticRegression().fit(X, y)),
        "sklearn LogisticRegression() [lbfgs]": ("defaults", lambda X, y: SkLogistic().fit(X, y)),
        "shrinkage (lam = C=1 converted, tol=1e-4)": (
            "matched", lambda X, y: LogisticRegression(lam=lam, standardize=False,
                                                       tol=1e-4).fit(X, y)),
        "sklearn lbfgs (C=1, tol=1e-4)": (
            "matched", lambda X, y: SkLogistic(C=1.0, tol=1e-4, max_iter=1000).fit(X, y)),
        "sklearn saga (C=1, tol=1e-4)": (
            "matched", lambda X, y: SkLogistic(C=1.0, solver="saga", tol=1e-4,
                                               max_iter=1000).fit(X, y)),
        "shrinkage LogisticRegressionCV()": (
            "CV defaults", lambda X, y: LogisticRegressionCV().fit(X, y)),
        "sklearn LogisticRegressionCV()": (
            "CV defaults", lambda X, y: SkLogisticCV().fit(X, y)),
    }
    try:
        import glum
        out["glum lbfgs (alpha = 2 lam, tol=1e-4)"] = (
            "matched", lambda X, y: glum.GeneralizedLinearRegressor(
                family="binomial", alpha=2 * lam, l1_ratio=0.0, gradient_tol=1e-4, solver="lbfgs",
                scale_predictors=False).fit(X, y))
    except ImportError:
        pass
    return out


def _proba(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)[:, 1]
    return model.predict(X)                         # glum: the mean, P(y = 1)


def _measure(fit, X, y):
    tracemalloc.start()
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(X, y)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return model, elapsed, peak


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--n-train", type=int, default=20_000)
    ap.add_argument("--out", default=None, help="write the markdown table here")
    ap.add_argument("--fits", default=None, help="only the fits whose name contains this")
    ap.add_argument("--slow", type=float, default=30.0,
                    help="a fit whose warm-up takes longer is timed once (that warm-up)")
    args = ap.parse_args(argv)
    from machine import describe
    X, y, Xt, yt = corpus(args.n_train)
    csr_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    fits = _fits(X, X.shape[0])
    if args.fits:
        fits = {k: v for k, v in fits.items() if args.fits in k}
    times = {k: [] for k in fits}
    peaks, models = {}, {}
    for name, (_, fit) in fits.items():            # warm-up (imports, compilation)
        models[name], t, peaks[name] = _measure(fit, X, y)
        if t > args.slow:                          # a slow fit: its warm-up is its one run
            times[name].append(t)
    names = [k for k in fits if not times[k]]
    for r in range(args.repeat if names else 0):   # interleaved, starting one later each round
        for name in names[r % len(names):] + names[: r % len(names)]:
            _, t, _ = _measure(fits[name][1], X, y)
            times[name].append(t)
    ref = {"defaults": "shrinkage LogisticRegression()",
           "matched": "shrinkage (lam = C=1 converted, tol=1e-4)",
           "CV defaults": "shrinkage LogisticRegressionCV()"}
    rows = []
    for name, (kind, _) in fits.items():
        p = np.clip(_proba(models[name], Xt), 1e-15, 1 - 1e-15)
        rows.append({
            "fit": name, "kind": kind, "median_s": float(np.median(times[name])),
            "ratio": float(np.median(times[name]) / np.median(times[ref[kind]])),
            "peak_x_csr": peaks[name] / csr_bytes,
            "accuracy": float(np.mean((p > 0.5) == yt)),
            "log_loss": float(-np.mean(yt * np.log(p) + (1 - yt) * np.log(1 - p))),
        })
    lines = [f"X: {X.shape[0]} × {X.shape[1]} CSR, {X.nnz} stored values, "
             f"{csr_bytes / 1e6:.1f} MB; {Xt.shape[0]} held-out documents; "
             f"medians of {args.repeat} interleaved runs (one run for fits slower than "
             f"{args.slow:g} s: " + ", ".join(k for k in fits if len(times[k]) == 1) + ")",
             "", "| fit | compared | median s | time / ours | peak memory / CSR | held-out "
             "accuracy | held-out log-loss |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['fit']} | {r['kind']} | {r['median_s']:.3g} | {r['ratio']:.2f} | "
                     f"{r['peak_x_csr']:.1f}× | {r['accuracy']:.4f} | {r['log_loss']:.4f} |")
    text = "\n".join(lines)
    print(text)
    print(json.dumps(describe(), default=str))
    if args.out:
        from shrinkage._atomic import atomic_write
        with atomic_write(args.out, "w") as fh:
            fh.write(text + "\n\nmachine: " + json.dumps(describe(), default=str) + "\n")


if __name__ == "__main__":
    main()
