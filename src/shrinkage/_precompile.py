"""Compile the numba kernels ahead of the first fit, into numba's on-disk cache.

``pip install .`` runs this once while it builds the package (``setup.py``): the build imports
the package from its build folder and fits every estimator that uses a compiled kernel on a few
rows of generated data, so numba writes each kernel's machine code to ``__pycache__`` beside
the module that holds it. Those cache files ship inside the installed package, and numba finds
them in the first process after the install: a first ``Lasso().fit`` loads machine code instead
of compiling for several seconds. Numba (0.68 and later) keys each cached kernel on the source
file's contents, numba's version, the Python version and the CPU, so a cache built elsewhere
(another CPU, another numba) is ignored and that kernel compiles as it would without one; an
older numba keys it on the file's modification time, which the install changes, so the build
skips the step there. Numba reads the cache beside the sources only where that ``__pycache__``
is writable by the user (else, or where ``NUMBA_CACHE_DIR`` is set, it uses a cache folder of
its own and compiles once into it).

Run it by hand after an editable install (``pip install -e .`` builds nothing) or to refill a
cache that was cleared::

    python -m shrinkage._precompile

It prints the kernels and signatures it compiled and the seconds it took. Set
``SHRINKAGE_PRECOMPILE=0`` to skip the step when building.
"""

from __future__ import annotations

import importlib
import sys
import time
import warnings

import numpy as np

# The modules that hold numba kernels (every ``@njit(cache=True)`` in the package).
KERNEL_MODULES = (
    "shrinkage.solvers._cd_kernels",
    "shrinkage.solvers._cd_sparse",
    "shrinkage.penalties._kernels",
    "shrinkage.datafits._softmax",
    "shrinkage.nn._blas",
    "shrinkage.nn.layers",
    "shrinkage.nn.optimizers",
)


def _data(n: int, p: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[: min(3, p)] = 1.0
    y = X @ w + 0.5 * rng.standard_normal(n)
    return X, y


def _fits():
    """(label, callable) for every fit whose kernels a user's first fits compile: float64, C- and
    F-ordered, dense and sparse, tall (Gram) and wide (naive) elastic net, binary and multinomial
    L1 logistic regression, the group lasso, the GLMs and the networks (float32, their default,
    and float64; each optimizer with a kernel). The linear models compute in float64 whatever
    X's dtype, and lay X out as their kernels need, so one signature per kernel serves them."""
    import scipy.sparse as sp

    import shrinkage as sk

    tall, ytall = _data(60, 8)
    wide, ywide = _data(20, 40, seed=1)
    lab = (ytall > 0).astype(np.int64)
    lab3 = np.digitize(ytall, [-0.5, 0.5])
    count = np.random.default_rng(2).poisson(np.exp(0.3 * tall[:, 0]))
    pos = np.exp(0.2 * tall[:, 0]) + 0.1
    csc = sp.csc_matrix(np.where(np.abs(wide) > 1.0, wide, 0.0))
    small = dict(max_epochs=5, random_state=0)
    return [
        ("Lasso, tall", lambda: sk.Lasso().fit(tall, ytall)),
        ("Lasso, tall F-ordered", lambda: sk.Lasso().fit(np.asfortranarray(tall), ytall)),
        ("Lasso, wide", lambda: sk.Lasso().fit(wide, ywide)),
        ("Lasso, wide F-ordered", lambda: sk.Lasso().fit(np.asfortranarray(wide), ywide)),
        ("ElasticNetCV", lambda: sk.ElasticNetCV(cv=3).fit(tall, ytall)),
        ("ElasticNetCV, wide", lambda: sk.ElasticNetCV(cv=3).fit(wide, ywide)),
        ("Lasso, sparse", lambda: sk.Lasso().fit(csc, ywide)),
        ("Lasso, sparse CSR", lambda: sk.Lasso().fit(csc.tocsr(), ywide)),
        ("MultiTaskLasso", lambda: sk.MultiTaskLasso().fit(tall, np.c_[ytall, -ytall])),
        ("GroupLasso", lambda: sk.GroupLasso(groups=[0, 0, 1, 1, 2, 2, 3, 3]).fit(tall, ytall)),
        ("LogisticRegression(l1_ratio=0.5)",
         lambda: sk.LogisticRegression(l1_ratio=0.5).fit(tall, lab)),
        ("LogisticRegression(l1_ratio=0.5), F-ordered",
         lambda: sk.LogisticRegression(l1_ratio=0.5).fit(np.asfortranarray(tall), lab)),
        ("LogisticRegression(l1_ratio=0.5), sparse",
         lambda: sk.LogisticRegression(l1_ratio=0.5).fit(csc, (ywide > 0).astype(np.int64))),
        ("LogisticRegression, multinomial", lambda: sk.LogisticRegression().fit(tall, lab3)),
        ("LogisticRegression(l1_ratio=0.5), multinomial",
         lambda: sk.LogisticRegression(l1_ratio=0.5).fit(tall, lab3)),
        ("LogisticRegression(l1_ratio=0.5), multinomial sparse",
         lambda: sk.LogisticRegression(l1_ratio=0.5).fit(csc, np.arange(20) % 3)),
        ("LogisticRegressionCV", lambda: sk.LogisticRegressionCV(cv=3).fit(tall, lab)),
        ("GroupLassoClassifier",
         lambda: sk.GroupLassoClassifier(groups=[0, 0, 1, 1, 2, 2, 3, 3]).fit(tall, lab)),
        ("PoissonRegressor(l1_ratio=0.5)",
         lambda: sk.PoissonRegressor(l1_ratio=0.5).fit(tall, count)),
        ("GammaRegressor(l1_ratio=0.5)",
         lambda: sk.GammaRegressor(l1_ratio=0.5).fit(tall, pos)),
        ("MLPClassifier", lambda: sk.MLPClassifier(hidden_layer_sizes=(4,), **small).fit(tall, lab3)),
        ("MLPRegressor", lambda: sk.MLPRegressor(hidden_layer_sizes=(4,), **small).fit(tall, ytall)),
        ("MLPRegressor, momentum", lambda: sk.MLPRegressor(
            hidden_layer_sizes=(4,), optimizer="momentum", **small).fit(tall, ytall)),
        ("MLPRegressor, rmsprop", lambda: sk.MLPRegressor(
            hidden_layer_sizes=(4,), optimizer="rmsprop", **small).fit(tall, ytall)),
        ("MLPRegressor, float64", lambda: sk.MLPRegressor(
            hidden_layer_sizes=(4,), dtype="float64", **small).fit(tall, ytall)),
    ]


def signatures() -> dict[str, list[str]]:
    """``{kernel: [signature, ...]}`` of every numba kernel compiled (or loaded) in this process."""
    out: dict[str, list[str]] = {}
    for name in KERNEL_MODULES:
        module = importlib.import_module(name)
        for attr, obj in sorted(vars(module).items()):
            sigs = getattr(obj, "signatures", None)
            if sigs and getattr(obj, "__module__", None) == name:
                out[f"{name}.{attr}"] = [str(s) for s in sigs]
    return out


def cache_survives_install() -> bool:
    """Whether numba keys its cache on the source's contents (numba 0.68 and later), so that
    cache files stay valid when pip copies the sources; older numba keys them on the file's
    modification time, which an install changes."""
    from numba.core import caching
    return hasattr(caching, "_hash_source_file")


def main(argv: list[str] | None = None) -> int:
    """Run every warm-up fit; print what was compiled. Returns the number of fits that failed
    (each failure is printed; a failed fit only means its kernels compile at first use).
    ``--for-wheel`` (setup.py): compile nothing where the cache could not survive the install."""
    args = argv if argv is not None else sys.argv[1:]
    quiet = "--quiet" in args
    if "--for-wheel" in args and not cache_survives_install():
        import numba
        print(f"shrinkage precompile: skipped, numba {numba.__version__} keys its cache on file "
              "times, which an install changes; the kernels compile at first use")
        return 0
    t0 = time.perf_counter()
    failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for label, fit in _fits():
            t = time.perf_counter()
            try:
                fit()
            except Exception as exc:  # noqa: BLE001 - a warm-up fit must never stop the build
                failed += 1
                print(f"shrinkage precompile: {label} failed: {exc!r}", file=sys.stderr)
                continue
            if not quiet:
                print(f"  {label}: {time.perf_counter() - t:.1f} s")
    sigs = signatures()
    n_sig = sum(len(v) for v in sigs.values())
    print(f"shrinkage precompile: {len(sigs)} kernels, {n_sig} signatures in "
          f"{time.perf_counter() - t0:.0f} s" + (f"; {failed} warm-up fits failed" if failed else ""))
    if not quiet:
        for name, s in sigs.items():
            print(f"  {name}: {len(s)}")
    return failed


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
