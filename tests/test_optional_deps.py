"""``pip install shrinkage`` without extras (issue 16): the core imports and fits every public
estimator with pandas, pyarrow, matplotlib and tqdm absent, and every use of a missing package
names the extra that installs it.

The core-only environment is a subprocess in which ``sys.modules[name] = None`` makes those
packages unimportable (what an environment without them sees: ``ImportError``); its fitted
coefficients must equal those of the same fits in this (full) environment.
"""

import json
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
OPTIONAL = ("pandas", "pyarrow", "matplotlib", "tqdm", "dask", "distributed")
EXTRA_OF = {"pandas": "cli", "pyarrow": "cli", "tqdm": "cli", "matplotlib": "plots"}

# Fits every public estimator (shrinkage.__all__) at its defaults on one small data set; prints
# {name: flattened coef_ / first layer's weights}. Run here and in the core-only subprocess.
FITS = textwrap.dedent("""
    import inspect, json, warnings
    import numpy as np
    from sklearn.base import BaseEstimator, is_classifier
    import shrinkage
    from shrinkage.selection import LamSearchCV

    def fits():
        rng = np.random.default_rng(0)
        X = rng.normal(size=(80, 4))
        y = X @ [1.0, -1.0, 0.5, 0.0] + 0.3 * rng.normal(size=80)
        targets = {"class": (y > 0).astype(int), "count": rng.poisson(np.exp(0.3 * X[:, 0])),
                   "positive": np.exp(0.2 * X[:, 1] + 0.1 * rng.normal(size=80)), "real": y,
                   "targets": np.column_stack([y, X[:, 2]])}
        kind = {"PoissonRegressor": "count", "GLMRegressorCV": "count", "GammaRegressor": "positive",
                "TweedieRegressor": "positive"}
        kind.update(dict.fromkeys([n for n in shrinkage.__all__ if n.startswith("MultiTask")],
                                  "targets"))
        out = {}
        for name in shrinkage.__all__:
            cls = getattr(shrinkage, name)
            if not (inspect.isclass(cls) and issubclass(cls, BaseEstimator)):
                continue
            est = cls(max_epochs=5, random_state=0) if name.startswith("MLP") else cls()
            t = "class" if is_classifier(est) else kind.get(name, "real")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est.fit(X, targets[t])
            w = est.coefs_[0] if name.startswith("MLP") else est.coef_
            out[name] = np.ravel(w).tolist()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")           # the best λ at the grid's edge
            search = LamSearchCV(shrinkage.Ridge(), lams=[0.1, 1.0], cv=3).fit(X, y)
        out["LamSearchCV"] = [search.lam_, *search.best_estimator_.coef_]
        return out
""")

CORE_ONLY = textwrap.dedent("""
    import sys
    for name in {optional!r}:
        sys.modules[name] = None          # import name -> ImportError, as where it is absent
""")


def _core_only(body: str) -> subprocess.CompletedProcess:
    code = CORE_ONLY.format(optional=OPTIONAL) + textwrap.dedent(body)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"),
                                                        os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600, env=env, check=False)


def test_the_core_fits_every_estimator_without_the_extras_and_gets_the_same_numbers():
    proc = _core_only(FITS + textwrap.dedent("""
        result = fits()
        loaded = sorted({m.split(".")[0] for m in sys.modules if sys.modules[m] is not None})
        print(json.dumps({"fits": result, "loaded": loaded}))
    """))
    assert proc.returncode == 0, proc.stderr
    core = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(core["loaded"]) & set(OPTIONAL) == set()
    namespace = {}
    exec(FITS, namespace)
    full = namespace["fits"]()
    import shrinkage
    assert set(core["fits"]) >= {n for n in shrinkage.__all__ if n[0].isupper() and n != "Strength"}
    for name, coef in full.items():
        np.testing.assert_allclose(core["fits"][name], coef, rtol=1e-7, atol=1e-9, err_msg=name)


def test_the_command_lines_help_and_convert_need_no_extra_and_data_commands_name_it():
    proc = _core_only("""
        import contextlib, io, json
        from shrinkage.cli.main import main
        def run(*argv):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    rc = main(list(argv))
                except SystemExit as e:
                    rc = e.code
            return [rc, out.getvalue(), err.getvalue()]
        print(json.dumps({
            "help": run("--help"), "fit_help": run("fit", "--help"),
            "convert": run("convert", "2.0", "--from", "sklearn-ridge", "--to", "shrinkage",
                           "--n-samples", "100"),
            "fit": run("fit", "data.csv", "--target", "y"),
            "demo": run("demo", "--out", "never-written")}))
    """)
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    assert r["help"][0] == 0 and "convert" in r["help"][1]
    assert r["fit_help"][0] == 0 and "--target" in r["fit_help"][1]
    rc, out, err = r["convert"]
    assert rc == 0, err
    from shrinkage import convert_strength    # sklearn's alpha = λ·n for ridge
    assert float(out.split()[0]) == pytest.approx(convert_strength(2.0, source="sklearn-ridge",
                                                                   target="shrinkage",
                                                                   n_samples=100).value)
    assert float(out.split()[0]) == pytest.approx(2.0 / 100)
    assert r["fit"][0] == 2
    assert 'pip install "shrinkage[cli]"' in r["fit"][2] and "pandas" in r["fit"][2]
    assert r["demo"][0] == 2
    assert 'pip install "shrinkage[cli,plots]"' in r["demo"][2]
    assert not os.path.exists("never-written")


def test_every_library_use_of_a_missing_package_names_its_extra():
    proc = _core_only("""
        import json
        import numpy as np
        from shrinkage import Ridge, RidgeCV
        from shrinkage._progress import ProgressBar
        X = np.random.default_rng(0).normal(size=(30, 3)); y = X.sum(1)
        messages = {}
        def catch(key, f):
            try:
                f()
                messages[key] = None
            except ImportError as exc:
                messages[key] = [type(exc).__name__, str(exc)]
        cv = RidgeCV().fit(X, y)
        from shrinkage.plots import plot_cv                 # importing is fine; drawing is not
        catch("plot_cv", lambda: plot_cv(cv))
        catch("method", lambda: cv.plot())                  # .plot() on the estimator
        catch("to_frame", lambda: cv.cv_results_.to_frame())
        catch("summary", lambda: Ridge(lam=0.0).fit(X, y).summary(X, y))
        from shrinkage._formats import read_table
        catch("read_table", lambda: read_table("data.csv"))
        with ProgressBar(2, "folds") as bar:                # falls back to a counter
            bar.update(2)
        messages["progress_done"] = bar.done
        print(json.dumps(messages))
    """)
    assert proc.returncode == 0, proc.stderr
    m = json.loads(proc.stdout.strip().splitlines()[-1])
    assert m["plot_cv"] == ["MissingDependencyError", 'shrinkage.plots needs matplotlib, which is '
                            'not installed: pip install "shrinkage[plots]" (or "shrinkage[all]")']
    assert m["method"] == m["plot_cv"]
    for key in ("to_frame", "summary"):
        assert m[key][0] == "MissingDependencyError" and "needs pandas" in m[key][1]
        assert 'pip install "shrinkage[pandas]"' in m[key][1]
    assert m["read_table"][0] == "MissingDependencyError"
    assert 'pip install "shrinkage[cli]"' in m["read_table"][1]
    assert m["progress_done"] == 2
    assert "folds: 2/2" in proc.stderr


def test_the_extras_install_what_each_use_needs():
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in Python 3.11+")
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {d.split(">")[0].split("=")[0].split("[")[0].strip() for d in meta["dependencies"]}
    assert core == {"numpy", "scipy", "scikit-learn", "threadpoolctl", "joblib", "numba"}
    extras = {k: {d.split(">")[0].split("=")[0].split("[")[0].strip() for d in v}
              for k, v in meta["optional-dependencies"].items()}
    assert extras["cli"] == {"pandas", "pyarrow", "tqdm"}
    assert extras["plots"] == {"matplotlib"}
    assert extras["dask"] == {"dask", "distributed"}
    assert extras["all"] == extras["cli"] | extras["plots"] | extras["dask"]
    pins = {k: set(v) for k, v in meta["optional-dependencies"].items()}
    assert pins["all"] == pins["cli"] | pins["plots"] | pins["dask"]    # same versions too
    assert pins["all"] <= pins["test"]
    assert extras["all"] <= extras["test"]            # the suite runs every optional path
    for package, extra in EXTRA_OF.items():
        assert package in extras[extra]
    from shrinkage._optional import EXTRAS
    assert {p: EXTRAS[p] for p in EXTRA_OF} == EXTRA_OF
