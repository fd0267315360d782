"""What a fresh process imports (no timing here: ``benchmarks/cold_start.py`` measures it).

``import shrinkage`` and the command line's light commands (``--help``, ``convert``) must not
load the heavy dependencies: scikit-learn and pandas (which scikit-learn imports), pyarrow,
matplotlib, tqdm, torch, numba and the compiled kernels. The estimators are imported on first
use of their names (PEP 562), and ``__all__`` / ``dir()`` list the same public names as eager
imports did. Each check runs in a subprocess so that this session's imports do not count.
"""

import json
import os
import subprocess
import sys
import types

import pytest

HEAVY = ("sklearn", "pandas", "pyarrow", "matplotlib", "tqdm", "torch", "numba", "scipy",
         "joblib")
#: modules that exist only to hold compiled kernels or estimators
KERNELS = ("shrinkage.solvers._cd_kernels", "shrinkage.penalties._kernels", "shrinkage.nn._blas",
           "shrinkage.datafits._softmax", "shrinkage.linear_model", "shrinkage.nn",
           "shrinkage.selection", "shrinkage.solvers")

_PROBE = r'''
import json, sys
{code}
print(json.dumps(sorted(sys.modules)))
'''


def _loaded(code: str) -> set:
    """The modules in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", _PROBE.format(code=code)], capture_output=True,
                         text=True, timeout=300, env=env, check=False)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def _heavy(modules: set) -> list:
    top = {m.split(".")[0] for m in modules}
    return sorted(set(HEAVY) & top) + sorted(set(KERNELS) & modules)


def test_import_shrinkage_loads_no_heavy_dependency():
    mods = _loaded("import shrinkage; shrinkage.convert_strength; shrinkage.__version__")
    assert _heavy(mods) == []


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["convert", "--help"],
                                  ["fit", "--help"],
                                  ["convert", "1", "--from", "sklearn-ridge", "--n-samples", "100"],
                                  ["convert", "2", "--from", "glmnet", "--to", "sklearn-logistic",
                                   "--n-samples", "10", "--json"]])
def test_light_commands_load_no_estimator(argv):
    code = ("from shrinkage.cli.main import main\n"
            "try:\n"
            f"    rc = main({argv!r})\n"
            "except SystemExit as e:\n"
            "    rc = e.code\n"
            "assert rc in (0, None), rc")
    assert _heavy(_loaded(code)) == []


def test_lazy_names_are_the_classes_of_their_modules():
    import shrinkage
    from shrinkage import linear_model, nn
    for name in shrinkage.__all__:
        assert getattr(shrinkage, name) is not None
    assert shrinkage.Lasso is linear_model.Lasso and shrinkage.RidgeCV is linear_model.RidgeCV
    assert shrinkage.MLPClassifier is nn.MLPClassifier
    public = {n for n in dir(shrinkage) if not n.startswith("_")}
    expected = (set(shrinkage.__all__) - {"__version__"}) | {
        "conventions", "datafits", "linear_model", "nn", "penalties", "selection", "solvers",
        "standardization"}
    assert expected <= public        # beyond these: sub-modules this session imported (io, …)
    assert all(isinstance(getattr(shrinkage, n), types.ModuleType) for n in public - expected)
    with pytest.raises(AttributeError, match="no attribute 'Lassoo'"):
        shrinkage.Lassoo            # noqa: B018


def test_from_import_of_each_public_name_in_a_fresh_process():
    import shrinkage
    code = (f"from shrinkage import {', '.join(n for n in shrinkage.__all__)}\n"
            "import shrinkage.selection, shrinkage.solvers\n"
            "assert shrinkage.selection.LamSearchCV and Lasso.__module__.startswith("
            "'shrinkage.linear_model')")
    mods = _loaded(code)
    assert {"shrinkage.linear_model", "shrinkage.nn", "sklearn"} <= mods


def test_one_estimator_loads_its_own_module_only():
    mods = _loaded("from shrinkage import Lasso")
    assert "shrinkage.linear_model._enet" in mods
    assert not {"shrinkage.linear_model._enet_cv", "shrinkage.linear_model._logistic_cv",
                "shrinkage.selection", "shrinkage.nn", "matplotlib", "torch"} & mods
