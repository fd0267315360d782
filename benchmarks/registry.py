"""The two registries: problems (data + what to fit) and adapters (one per library setup).

A problem is a function returning one :class:`Problem` or a list of them (several tasks on the
same data); register it with ``@problem``. An adapter is a function ``fit(problem) -> Fit``
registered with ``@adapter(library, setup, tasks=...)``; it raises :class:`Skip` when its library
is not importable or it cannot run the task. Adding a library or a problem is one small file or
one function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

TASKS = ("ridge_cv", "ridge", "logistic", "logistic_cv", "multinomial", "mlp_epoch", "mlp_grid",
         "enet_cv", "lasso_path")

THREADS = 2   # set by the runner; for libraries whose pools threadpoolctl cannot reach (torch)

PROBLEMS: dict[str, Callable[[], "Problem | list[Problem]"]] = {}
ADAPTERS: list["Adapter"] = []


class Skip(Exception):
    """Raised by an adapter that cannot run here (library missing, task unsupported)."""


@dataclass
class Problem:
    """Generated data and what to fit, in ``shrinkage``'s conventions (mean loss + λ‖w‖²).

    ``lam`` is the strength of a single fit; ``lams`` the CV grid or path (largest first);
    ``folds`` the (train, test) index pairs of K-fold CV, ``None`` for leave-one-out;
    ``l1_ratio`` our ρ for the elastic-net tasks (1 for the lasso). ``tol`` is passed to
    every iterative solver as its own ``tol`` (their stopping rules differ; the quality column
    shows what that buys).
    """

    name: str
    task: str
    X: np.ndarray
    y: np.ndarray
    description: str
    lam: float | None = None
    lams: np.ndarray | None = None
    folds: list | None = None
    tol: float | None = None
    l1_ratio: float | None = None
    fit_intercept: bool = True
    options: dict = field(default_factory=dict)   # task-specific settings (e.g. a network's)
    targets: list = field(default_factory=list)   # (peer label prefix, minimum ratio, wording)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.task})"

    @property
    def n_train(self) -> int:
        """Rows each CV fit sees: ``n − 1`` for leave-one-out, the training-fold size for K-fold."""
        if self.folds is None:
            return self.X.shape[0] - 1
        sizes = {len(tr) for tr, _ in self.folds}
        if len(sizes) != 1:
            raise ValueError("folds of unequal size: no single λ↔C conversion")
        return sizes.pop()


@dataclass
class Fit:
    """What an adapter returns: coefficients on the original scale and, for CV, the chosen λ.

    ``coef`` is (p,) for one output or (K, p) for K classes; ``lam`` is the chosen λ in our
    convention (``None`` for a single fit); ``extra`` holds anything else worth comparing (e.g.
    the CV score at the chosen λ).
    """

    coef: np.ndarray | None = None
    intercept: np.ndarray | float | None = None
    lam: float | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Adapter:
    library: str
    setup: str
    tasks: frozenset
    fit: Callable[[Problem], Fit]
    reference: bool = False          # the shrinkage adapter: ratios and quality are against it
    floor: bool = False              # a lower bound, not a library: no quality comparison

    @property
    def label(self) -> str:
        return f"{self.library} {self.setup}".strip()


def problem(func):
    """Register a problem function under its own name."""
    PROBLEMS[func.__name__] = func
    return func


def adapter(library: str, setup: str = "", *, tasks, reference: bool = False, floor: bool = False):
    """Register ``fit(problem) -> Fit`` for the given tasks."""
    unknown = set(tasks) - set(TASKS)
    if unknown:
        raise ValueError(f"unknown tasks {unknown}")

    def register(func):
        ADAPTERS.append(Adapter(library, setup, frozenset(tasks), func, reference, floor))
        return func
    return register


def require(module: str):
    """Import ``module`` or raise :class:`Skip` saying it is not installed."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Skip(f"{module} not importable ({exc})") from None
