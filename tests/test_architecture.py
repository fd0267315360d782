"""The shape of the package (ARCHITECTURE.md): no import circles, short modules, one objective.

Read from the source with ``ast`` (every import, at module level or inside a function): the
sub-packages and top-level modules of ``shrinkage`` form an acyclic graph, so data flows one
way; no module is longer than 600 lines; the solvers take their formulas from ``datafits`` and
``penalties``.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "shrinkage"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The ``shrinkage`` modules that ``path`` imports (absolute or relative, any scope)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("shrinkage"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("shrinkage"):
                out.add(mod)
                if not node.module:      # `from .. import plots` / `from .. import Ridge`
                    out.update(_named(mod, a.name) for a in node.names)
    return out


def _named(package: str, name: str) -> str:
    """What ``from package import name`` imports: a sub-module, a lazy estimator's sub-package
    (``shrinkage._LAZY``), or else the package itself (an attribute such as ``__version__``)."""
    from shrinkage import _LAZY
    if package == "shrinkage" and name in _LAZY:
        return f"shrinkage.{_LAZY[name]}"
    path = SRC.parent.joinpath(*package.split("."), name)
    return f"{package}.{name}" if path.is_dir() or path.with_suffix(".py").exists() else package


def _unit(module: str) -> str:
    """The architectural unit: a sub-package (``shrinkage.solvers``) or top-level module."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _graph():
    files = sorted(SRC.rglob("*.py"))
    edges = {}
    for f in files:
        src = _unit(_module_name(f))
        for dst in _imports(f):
            dst = _unit(dst)
            if dst != src and dst != "shrinkage":
                edges.setdefault(src, set()).add(dst)
    return edges


def _cycle(edges):
    """One cycle of the graph as a list of nodes, or None."""
    state, stack = {}, []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for v in sorted(edges.get(u, ())):
            if state.get(v) == 1:
                return stack[stack.index(v):] + [v]
            if v not in state:
                found = visit(v)
                if found:
                    return found
        state[u] = 2
        stack.pop()
        return None

    for u in sorted(edges):
        if u not in state:
            found = visit(u)
            if found:
                return found
    return None


def test_no_import_circle_between_sub_packages():
    cycle = _cycle(_graph())
    assert cycle is None, "import circle: " + " → ".join(cycle)


def test_the_layers_point_down():
    edges = _graph()
    below = {
        "shrinkage.datafits": set(),
        "shrinkage.penalties": set(),
        "shrinkage.solvers": {"shrinkage.linear_model", "shrinkage.selection", "shrinkage.nn",
                              "shrinkage.diagnostics", "shrinkage.cli"},
    }
    for unit, forbidden in below.items():
        assert not edges.get(unit, set()) & forbidden, (unit, edges.get(unit))
    # the maths imports nothing of the layers above it
    for unit in ("shrinkage.datafits", "shrinkage.penalties"):
        assert edges.get(unit, set()) <= {"shrinkage.standardization", "shrinkage._threads",
                                          "shrinkage._docs"}, \
            (unit, edges.get(unit))


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_above_600_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(SRC)} has {n} lines; split it by role"


def test_solvers_take_their_formulas_from_datafits_and_penalties():
    # no solver module computes a log-sigmoid, a log-sum-exp or a soft threshold of its own
    forbidden = ("log_expit", "logsumexp", "np.sign(w) * np.maximum", "def _soft", "def _dist")
    for path in (SRC / "solvers").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in forbidden:
            assert word not in text, f"{path.name} writes its own {word}"


def test_joblib_parallel_appears_in_the_engine_only():
    users = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                   if "Parallel(" in p.read_text(encoding="utf-8"))
    assert users == ["selection/engine.py"], users
