"""Names for the public API's type annotations.

Every module that uses them has ``from __future__ import annotations`` and imports them under
``typing.TYPE_CHECKING`` only, so nothing here is imported when the package runs (and the
annotations cost no import time). ``mypy`` reads them (``[tool.mypy]`` in pyproject.toml).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, Union

import numpy as np

__all__ = ["MatrixLike", "ArrayLike", "NDArray", "Prediction", "PathLike", "CVLike", "Scoring",
           "RandomState", "ClassWeight", "LayerLam"]

#: ``X``: a NumPy array or anything ``np.asarray`` takes, a pandas DataFrame, a SciPy sparse
#: matrix (for the estimators that take one) or a Dask array / DataFrame (for those with a
#: blockwise fit). SciPy, pandas and Dask ship no type information that covers all of these,
#: so the alias is ``Any``; the docstrings say what each estimator takes.
MatrixLike: TypeAlias = Any

#: ``y``, ``sample_weight``, a λ grid: a sequence or array (pandas Series and Dask arrays too).
#: ``Any`` rather than ``numpy.typing.ArrayLike``: a function validates its input and goes on
#: with the array under the same name, which a declared ``ArrayLike`` would not allow
ArrayLike: TypeAlias = Any

#: what ``predict`` and its kind return: a NumPy array
NDArray: TypeAlias = np.ndarray

#: ``predict`` of the estimators with a blockwise (Dask) path: a NumPy array, or a Dask array
#: for Dask input
Prediction: TypeAlias = Any

#: a file name
PathLike: TypeAlias = Union[str, "os.PathLike[str]"]


#: ``cv``: a number of folds, ``"loo"`` / ``"gcv"`` (RidgeCV), a scikit-learn splitter or an
#: iterable of ``(train, test)`` index arrays
CVLike: TypeAlias = Any

#: ``scoring``: a scikit-learn scorer name, a callable ``scorer(estimator, X, y)``, or None
Scoring: TypeAlias = Union[str, Callable[..., Any], None]

#: ``random_state``: an int seed, a NumPy ``RandomState``, or None
RandomState: TypeAlias = Union[int, np.random.RandomState, None]

#: ``class_weight``: ``{label: weight}``, ``"balanced"``, or None
ClassWeight: TypeAlias = Union[Mapping[Any, float], str, None]

#: a network's ``lam`` / ``group_lam``: one λ, one per weight matrix, or ``{layer: λ}``
LayerLam: TypeAlias = Union[float, Sequence[float], Mapping[int, float]]
