"""Held-out accuracy of the ``mlp_grid`` network, ours against scikit-learn's, over seeds.

The ``mlp_grid`` benchmark compares the time of two grid searches "at equal accuracy". One
seed's held-out accuracy (1,000 rows) has a standard error of about 1.6 points, so whether the
two networks are equally accurate is decided here, over several seeds, at the λ both searches
choose (1e-2): ours with ``init="xavier"`` (Glorot uniform, as scikit-learn) and with the default
``init="auto"`` (He normal for relu layers), scikit-learn's ``MLPClassifier(solver="adam")``
with ``alpha = 2λ·batch`` (:func:`shrinkage.convert_strength`, ``target="sklearn-mlp"``). Same
data, optimizer, learning rate, batch, epochs; every epoch runs.

    python benchmarks/mlp_accuracy.py --seeds 10
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import warnings

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if (HERE.parent / "src").is_dir():
    sys.path.insert(1, str(HERE.parent / "src"))

import numpy as np                                      # noqa: E402
from threadpoolctl import threadpool_limits            # noqa: E402

import problems                                         # noqa: E402,F401  (registers them)
from registry import PROBLEMS                           # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--lam", type=float, default=1e-2)
    args = ap.parse_args(argv)
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier as SkMLP

    from shrinkage import MLPClassifier, convert_strength
    prob = PROBLEMS["mlp_grid"]()
    o = prob.options
    alpha = convert_strength(args.lam, source="shrinkage", target="sklearn-mlp",
                             n_samples=o["batch_size"]).value
    acc = {"shrinkage init=xavier": [], "shrinkage init=auto (He)": [], "sklearn": []}
    warnings.simplefilter("ignore", ConvergenceWarning)
    with threadpool_limits(1):
        for seed in range(args.seeds):
            for label, init in (("shrinkage init=xavier", "xavier"),
                                ("shrinkage init=auto (He)", "auto")):
                net = MLPClassifier(hidden_layer_sizes=(o["hidden"],), optimizer="adam", init=init,
                                    learning_rate=o["learning_rate"], batch_size=o["batch_size"],
                                    max_epochs=o["epochs"], dtype="float32", train_loss="running",
                                    lam=args.lam, random_state=seed).fit(prob.X, prob.y)
                acc[label].append(float(np.mean(net.predict(o["X_test"]) == o["y_test"])))
            sk = SkMLP(hidden_layer_sizes=(o["hidden"],), solver="adam", alpha=alpha,
                       learning_rate_init=o["learning_rate"], batch_size=o["batch_size"],
                       max_iter=o["epochs"], n_iter_no_change=o["epochs"] + 1,
                       random_state=seed).fit(prob.X, prob.y)
            acc["sklearn"].append(float(np.mean(sk.predict(o["X_test"]) == o["y_test"])))
    print(f"held-out accuracy at λ = {args.lam:g}, {args.seeds} seeds (mean ± standard error)")
    print("| network | mean | ± se | min–max |")
    print("|---|---:|---:|---|")
    for label, v in acc.items():
        v = np.array(v)
        print(f"| {label} | {v.mean():.4f} | {v.std(ddof=1) / np.sqrt(v.size):.4f} | "
              f"{v.min():.3f}–{v.max():.3f} |")
    d = np.array(acc["shrinkage init=xavier"]) - np.array(acc["sklearn"])
    print(f"paired difference xavier − sklearn: {d.mean():+.4f} ± {d.std(ddof=1) / np.sqrt(d.size):.4f}")


if __name__ == "__main__":
    main()
