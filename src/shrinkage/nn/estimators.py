r"""scikit-learn estimators for the L2-regularized network: :class:`MLPClassifier`, :class:`MLPRegressor`.

Both minimize, by mini-batch training (:mod:`shrinkage.nn.training`),

.. math::

    J = \frac{1}{n}\sum_i \ell(y_i, f(x_i; W, b))
        + \sum_l \lambda_l\left[(1-\rho_l)\|W_l\|_F^2 + \rho_l\|W_l\|_1\right]
        + \sum_l \gamma_l \sum_g \sqrt{p_g}\,\|W_{l,g}\|_2

the objective of :mod:`shrinkage.conventions` with the penalty of
:mod:`shrinkage.nn.penalties` (biases free unless ``penalize_bias=True``), whose formulas are
those of :mod:`shrinkage.penalties`. ``ℓ`` is the softmax cross-entropy (the logistic loss on one
output unit for two classes) or the squared error without ½, the datafits of
:mod:`shrinkage.datafits` (``head_`` names the one a fitted model uses). The strength ``lam``
is per weight matrix when given as a sequence or a mapping by layer name (``"dense_0"`` is the
input layer's weights). ``γ_l`` (``group_lam``) is a group L2 over neurons ``W_{l,g}``
(``group_axis``: incoming columns or outgoing rows), which zeroes whole neurons, or whole input
features with ``group_axis="out"`` on ``"dense_0"``.

The L1 and group parts are applied by a proximal step after each gradient step
(``penalty_mode="prox"``, the default whenever they are present), which gives exact zeros;
``penalty_mode="subgradient"`` puts them in the gradient instead (the behaviour before the
prox existed). Under ``optimizer="sgd"`` the prox is proximal gradient descent and converges to
the minimizer of ``J``; with Adam or momentum it is applied to the rescaled step, as AdamW applies
its decay (sparse, but a different fixed point). See :mod:`shrinkage.nn.penalties`.

scikit-learn's ``MLPClassifier(alpha=α)`` is ``lam = α/(2n)`` and its ``MLPRegressor(alpha=α)``
``lam = α/n`` (it halves the squared error), ``n`` the number of training rows:
``shrinkage.convert_strength(alpha, source="sklearn-mlp", n_samples=n, loss=...)``.

``weight_decay`` is *decoupled* decay (AdamW / PyTorch style): every step shrinks each weight
matrix by ``learning_rate · weight_decay`` of itself after the optimizer's scaling. Under plain
SGD it equals ``lam = weight_decay / 2``; with Adam it is a different regularizer (see
:mod:`shrinkage.nn.optimizers`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import copy
import inspect
import math
import os
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from .._progress import ProgressBar
from .._threads import NETWORK_THREADED_WORK, blas_threads
from .._validation import (check_classification_y, check_sample_weight, check_X, check_X_y,
                           input_dtype)
from .._params import ParamHints
from .._warnings import warn_user
from . import schedules as S
from ._inputs import check_val_X, class_weights, drop_weightless, to_dtype
from ._params_doc import CLASSIFIER_PARAMS_DOC, PARAMS_DOC
from ._views import NetworkViews
from .adaptive import get_adaptive
from .layers import ACTIVATIONS, check_random_state
from .network import HEADS, MLP
from .optimizers import OPTIMIZERS, GradientTransformation, chain, proximal
from .penalties import PENALTY_MODES, LayerPenalty
from .prox import GROUP_AXES
from .training import Trainer

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from collections.abc import Callable, Sequence
    from typing import Any

    from typing_extensions import Self

    from .._typing import ArrayLike, ClassWeight, LayerLam, MatrixLike, NDArray

__all__ = ["MLPClassifier", "MLPRegressor"]

SCHEDULES = ("constant", "step", "exponential", "cosine", "cyclical")
INITS = ("auto", "he", "xavier")


def _schedule(spec, lr, max_epochs, steps_per_epoch):
    """A step → learning-rate callable from a name (periods in epochs, see the class doc)."""
    if callable(spec):
        return spec
    total = max_epochs * steps_per_epoch
    if spec == "constant":
        return S.constant(lr)
    if spec == "step":
        return S.step_decay(lr, every=max(1, max_epochs // 4) * steps_per_epoch)
    if spec == "exponential":
        return S.exponential_decay(lr, 0.01, steps=total)
    if spec == "cosine":
        return S.cosine_decay(lr, steps=total)
    if spec == "cyclical":
        return S.cyclical(lr / 10, lr, half_cycle=max(1, max_epochs // 8) * steps_per_epoch)
    raise ValueError(f"schedule must be one of {SCHEDULES} or a callable step -> learning rate, "
                     f"got {spec!r}")


# The validation scores: module-level functions, not bound methods, so that a fitted network's
# trainer does not refer back to the estimator (skops walked that cycle until RecursionError).
def _accuracy(net, X, t, sw=None):
    """The (weighted) share of rows whose most probable class is ``t``."""
    eta = net.forward(X)
    pred = (eta[:, 0] > 0) if eta.shape[1] == 1 else eta.argmax(axis=1)
    return float(np.average(pred == t, weights=sw))


def _r2(net, X, t, sw=None):
    """The (weighted) R², averaged over the targets."""
    pred = net.forward(X).astype(np.float64)
    w = np.full(len(t), 1.0 / len(t)) if sw is None else sw
    ss_res = w @ (t - pred) ** 2
    ss_tot = w @ (t - w @ t) ** 2
    return float(np.mean(1 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0)))


class _BaseMLP(ParamHints, NetworkViews, BaseEstimator):
    _head = None

    def __init__(self, hidden_layer_sizes: Sequence[int] = (100,), activation: str = "relu", *,
                 init: str = "auto", lam: LayerLam = 1e-4, l1_ratio: float = 0.0,
                 group_lam: LayerLam = 0.0, group_axis: str = "in", penalty_mode: str = "auto",
                 penalize_bias: bool = False, weight_decay: float = 0.0,
                 optimizer: str | GradientTransformation = "adam", learning_rate: float = 1e-3,
                 momentum: float = 0.9, schedule: str | Callable[..., Any] = "constant",
                 batch_size: int | str = "auto", max_epochs: int = 200,
                 early_stopping: bool = False, validation_fraction: float = 0.1,
                 patience: int = 10, tol: float = 1e-4, adaptive_lam: Any = None,
                 shuffle: bool = True, dtype: str = "float32", train_loss: str = "epoch_end",
                 checkpoint: str | None = None, n_threads: int | None = None,
                 progress: bool = False,
                 random_state: int | np.random.Generator | None = None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.lam = lam
        self.l1_ratio = l1_ratio
        self.group_lam = group_lam
        self.group_axis = group_axis
        self.penalty_mode = penalty_mode
        self.penalize_bias = penalize_bias
        self.weight_decay = weight_decay
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.schedule = schedule
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.tol = tol
        self.adaptive_lam = adaptive_lam
        self.shuffle = shuffle
        self.dtype = dtype
        self.train_loss = train_loss
        self.checkpoint = checkpoint
        self.n_threads = n_threads
        self.progress = progress
        self.random_state = random_state

    # -- checks -------------------------------------------------------------------------------
    def _check_params(self):
        h = self.hidden_layer_sizes
        h = (h,) if isinstance(h, (Integral, np.integer)) else h
        try:
            hidden = tuple(int(v) for v in h)
        except (TypeError, ValueError):
            hidden = None
        if hidden is None or any(v < 1 for v in hidden) or any(
                isinstance(v, (bool, float)) for v in h):
            raise ValueError(f"hidden_layer_sizes must be a sequence of positive ints (e.g. "
                             f"(100,) or (64, 32)), got {self.hidden_layer_sizes!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")
        if not (isinstance(self.init, str) and self.init in INITS):
            raise ValueError(f"init must be one of {INITS} (He: N(0, 2/d_in); Xavier: Glorot "
                             f"uniform U(±√(6/(d_in + d_out)))), got {self.init!r}; 'auto' picks "
                             "He for relu-like activations and Xavier otherwise")
        if not (isinstance(self.optimizer, GradientTransformation) or self.optimizer in OPTIMIZERS):
            raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)} or a "
                             f"GradientTransformation, got {self.optimizer!r}")
        for name in ("learning_rate", "tol"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, Real) or not (v > 0 and math.isfinite(v)):
                raise ValueError(f"{name} must be a positive number, got {v!r}")
        wd = self.weight_decay
        if isinstance(wd, bool) or not isinstance(wd, Real) or not (wd >= 0 and math.isfinite(wd)):
            raise ValueError(f"weight_decay must be a finite number >= 0, got {wd!r}; use 0 for none")
        if not isinstance(self.momentum, Real) or not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must lie in [0, 1), got {self.momentum!r}")
        for name in ("max_epochs", "patience"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        bs = self.batch_size
        if bs != "auto" and (isinstance(bs, bool) or not isinstance(bs, Integral) or bs < 1):
            raise ValueError(f"batch_size must be a positive integer or 'auto', got {bs!r}")
        vf = self.validation_fraction
        if not isinstance(vf, Real) or not 0 < vf < 1:
            raise ValueError(f"validation_fraction must lie in (0, 1), got {vf!r}")
        if self.dtype not in ("float32", "float64", np.float32, np.float64):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        if self.schedule not in SCHEDULES and not callable(self.schedule):
            raise ValueError(f"schedule must be one of {SCHEDULES} or a callable step -> "
                             f"learning rate, got {self.schedule!r}")
        if not (isinstance(self.lam, (Real, Mapping)) or np.ndim(self.lam) == 1):
            raise ValueError(f"lam must be a number, a sequence (one per weight matrix) or a "
                             f"mapping by layer name, got {self.lam!r}")
        if not (isinstance(self.group_lam, (Real, Mapping)) or np.ndim(self.group_lam) == 1):
            raise ValueError(f"group_lam must be a number, a sequence (one per weight matrix) or "
                             f"a mapping by layer name, got {self.group_lam!r}")
        if self.group_axis not in GROUP_AXES:
            raise ValueError(f"group_axis must be 'in' (a unit's incoming weights W[:, j]) or "
                             f"'out' (its outgoing weights W[i, :]), got {self.group_axis!r}")
        if self.penalty_mode not in ("auto", *PENALTY_MODES):
            raise ValueError(f"penalty_mode must be 'auto', 'prox' or 'subgradient', got "
                             f"{self.penalty_mode!r}")
        get_adaptive(self.adaptive_lam)
        return hidden

    # -- building -----------------------------------------------------------------------------
    def _build(self, hidden, n_features, n_out, n_train):
        rng = check_random_state(self.random_state)
        dtype = np.dtype(self.dtype)
        net = MLP((n_features, *hidden, n_out), self.activation, head=self.head_,
                  init=self.init, dtype=dtype, random_state=rng)
        penalty = LayerPenalty(self.lam, net.layer_names, self.l1_ratio, self.penalize_bias,
                               group_lam=self.group_lam, group_axis=self.group_axis)
        # l1_ratios rather than λρ: adaptive λ may turn a layer's λ on later
        has_prox = bool(np.any(penalty.l1_ratios > 0) or np.any(penalty.group_lams > 0))
        penalty.mode = ("prox" if has_prox else "subgradient") if self.penalty_mode == "auto" \
            else self.penalty_mode
        bs = min(200, n_train) if self.batch_size == "auto" else min(int(self.batch_size), n_train)
        schedule = _schedule(self.schedule, float(self.learning_rate), self.max_epochs,
                             math.ceil(n_train / bs))
        if isinstance(self.optimizer, GradientTransformation):
            opt = self.optimizer
        else:
            opt = OPTIMIZERS[self.optimizer](schedule, float(self.weight_decay), self.momentum)
        if penalty.mode == "prox" and has_prox:
            opt = chain(opt, proximal(penalty.prox, schedule))     # after the gradient step
        adaptive = copy.deepcopy(get_adaptive(self.adaptive_lam))
        return Trainer(net, penalty, opt, batch_size=bs, shuffle=self.shuffle, random_state=rng,
                       early_stopping=self.early_stopping, patience=self.patience, tol=self.tol,
                       score=self._score, adaptive_lam=adaptive, learning_rate=schedule,
                       weight_decay=float(self.weight_decay), checkpoint=self.checkpoint,
                       train_loss=self.train_loss)

    def _split(self, X, t, sw, X_val, y_val, stratify):
        """``(X, t, sw), (X_val, t_val, sw_val)``: the training rows and the validation set
        (``X_val``, or ``validation_fraction`` held out when needed, weights split alike)."""
        if X_val is not None:
            if y_val is None:
                raise ValueError("X_val was given without y_val; pass both or neither")
            return (X, t, sw), (check_val_X(self, X_val, X.dtype), self._encode(y_val, "y_val"),
                                None)
        if not (self.early_stopping or self.adaptive_lam is not None):
            return (X, t, sw), (None, None, None)
        seed = int(check_random_state(self.random_state).integers(2**31 - 1))
        n_val = max(1, int(round(self.validation_fraction * X.shape[0])))
        if X.shape[0] - n_val < 1:
            raise ValueError(f"{X.shape[0]} rows are too few to hold out a validation set; "
                             "pass more data or set early_stopping=False, adaptive_lam=None")
        arrays = (X, t) if sw is None else (X, t, sw)
        try:
            parts = train_test_split(*arrays, test_size=n_val, random_state=seed,
                                     stratify=stratify)
        except ValueError:                      # too few rows per class to stratify
            parts = train_test_split(*arrays, test_size=n_val, random_state=seed)
        parts = [np.ascontiguousarray(a) for a in parts] + [None, None]
        return tuple(parts[0:6:2]), tuple(parts[1:6:2])

    def _fit(self, X, y, sample_weight=None, X_val=None, y_val=None, resume=False, epochs=None,
             partial=False):
        hidden = self._check_params()
        first = not (partial and hasattr(self, "trainer_"))
        X, t, stratify = self._validate_and_encode(X, y, first, partial)
        sw = self._row_weights(X, t, sample_weight, partial)
        X = to_dtype(X, np.dtype(self.dtype), "X", getattr(self, "feature_names_in_", None),
                     finite=True)
        if sw is not None:
            X, t, sw, stratify = drop_weightless(X, t, sw, stratify)
        if first:
            (X, t, sw), val = self._split(X, t, sw, X_val, y_val, None if partial else stratify)
            trainer = self._build(hidden, X.shape[1], self._n_outputs, X.shape[0])
            if resume and self.checkpoint is not None and os.path.exists(self.checkpoint):
                trainer.load_checkpoint(self.checkpoint)      # checked whole, or ValueError
            self.trainer_, self._val = trainer, val
        Xv, tv, swv = self._val if not partial else (None, None, None)
        n_more = max(epochs if epochs is not None else self.max_epochs - self.trainer_.epoch, 0)
        # the bar's callback only when shown: the loop asks every callback for on_batch_end
        ticks = [_EpochTick(ProgressBar(n_more, "training"))] if self.progress else []
        self.trainer_.callbacks.extend(ticks)
        try:
            with blas_threads(self._blas_threads(hidden, X.shape[1])):
                self.trainer_.run(X, t, Xv, tv, epochs=n_more, sample_weight=sw,
                                  val_weight=swv)
        finally:
            for tick in ticks:
                tick.bar.close()
                self.trainer_.callbacks.remove(tick)
        tr = self.trainer_
        # one dict update: a Ctrl-C here leaves the previous attributes or all of the new ones
        self.__dict__.update(
            net_=tr.net, history_=tr.history, n_iter_=tr.epoch, lam_=tr.penalty.lams.copy(),
            best_epoch_=tr.best_epoch, interrupted_=bool(tr.interrupted),
            loss_=tr.history["loss"][-1] if tr.history["loss"] else float("nan"))
        if (not partial and n_more and tr.epoch >= self.max_epochs and tr.wait < self.patience
                and not (tr.stopped or tr.interrupted)):
            warn_user(f"{type(self).__name__} stopped at max_epochs={self.max_epochs} while its "
                 f"{'validation' if Xv is not None else 'training'} loss was still improving "
                 f"(by more than tol={self.tol:g} within the last patience={self.patience} "
                 "epochs); increase max_epochs, or set early_stopping=True to stop when it "
                 "levels off", ConvergenceWarning)
        return self

    def _row_weights(self, X, t, sample_weight, partial):
        """Each row's weight, ``sample_weight`` times its class's ``class_weight``; None when
        they are all equal (normalised weights are then the unweighted mean's)."""
        sw = check_sample_weight(sample_weight, X)
        cw = self._class_weights(t, partial)
        if cw is not None:
            sw = cw if sw is None else sw * cw
        return None if sw is None or np.all(sw == sw[0]) else sw

    def _class_weights(self, t, partial):
        return None

    def _blas_threads(self, hidden, n_features):
        """BLAS threads for training: ``n_threads``, or 1 when the largest per-batch product is
        below :data:`NETWORK_THREADED_WORK` multiply-adds, where starting and spinning BLAS
        threads costs more than it saves; None keeps BLAS's default."""
        if self.n_threads is not None:
            if isinstance(self.n_threads, bool) or not isinstance(self.n_threads, Integral) \
                    or self.n_threads < 1:
                raise ValueError(f"n_threads must be a positive int or None, got {self.n_threads!r}")
            return int(self.n_threads)
        sizes = [n_features, *hidden, self._n_outputs]
        work = self.trainer_.batch_size * max(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        return 1 if work < NETWORK_THREADED_WORK else None

    # -- fitted attributes --------------------------------------------------------------------
    @property
    def coefs_(self) -> list:
        """Weight matrices ``W_l`` of shape ``(d_l, d_{l+1})`` (the network's own arrays)."""
        check_is_fitted(self, "net_")
        return [d.W for d in self.net_.dense]

    @property
    def intercepts_(self) -> list:
        """Bias vectors ``b_l`` of shape ``(d_{l+1},)``."""
        check_is_fitted(self, "net_")
        return [d.b for d in self.net_.dense]

    def _forward(self, X):
        check_is_fitted(self, "net_")
        X = check_X(self, X, reset=False)
        return self.net_.predict(X)           # float64, independent of batching

    @staticmethod
    def _out(values, X):
        """Outputs in the input's dtype: float32 rows give float32 (computed in float64
        whatever the batching)."""
        return values.astype(input_dtype(X), copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


def _with_keyword(func, name, default):
    """``func``'s signature with one more keyword-only parameter ``name=default``."""
    sig = inspect.signature(func)
    extra = inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
    return sig.replace(parameters=[*sig.parameters.values(), extra])


class _EpochTick:
    """A training callback that advances a :class:`~shrinkage._progress.ProgressBar` per epoch."""

    def __init__(self, bar):
        self.bar = bar

    def on_epoch_end(self, trainer):
        self.bar.update()


class MLPClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = r"""Multilayer perceptron classifier with per-layer L2 (and elastic-net) penalty.

    Softmax cross-entropy for three or more classes; for two, one output unit with the logistic
    loss (as scikit-learn does, so ``lam = α/(2n)`` reproduces ``MLPClassifier(alpha=α)``).
    """ + CLASSIFIER_PARAMS_DOC + r"""classes_ : ndarray of shape (n_classes,)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from shrinkage.nn import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), lam=1e-3, learning_rate=1e-2,
    ...                     max_epochs=100, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> [W.shape for W in clf.coefs_]
    [(4, 16), (16, 3)]
    >>> h = clf.history_
    >>> len(h["loss"]), abs(h["loss"][-1] - h["data_loss"][-1] - h["penalty"][-1]) < 1e-12
    (100, True)
    >>> clf.interrupted_                 # True only when Ctrl-C stopped the training
    False
    """

    def __init__(self, hidden_layer_sizes: Sequence[int] = (100,), activation: str = "relu", *,
                 class_weight: ClassWeight = None, **params: Any):
        super().__init__(hidden_layer_sizes, activation, **params)
        self.class_weight = class_weight

    # scikit-learn reads the parameters from the signature: the shared ones and class_weight
    __init__.__signature__ = _with_keyword(_BaseMLP.__init__, "class_weight", None)

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None, *,
            X_val: MatrixLike = None, y_val: ArrayLike | None = None,
            resume: bool = False) -> Self:
        """Train on ``X`` ``(n_samples, n_features)``, ``y`` ``(n_samples,)`` class labels.

        ``sample_weight`` ``(n_samples,)`` weights the rows (times ``class_weight``): the loss
        is their weighted mean. ``X_val, y_val`` give an explicit validation set (history
        ``val_loss``, early stopping, adaptive λ), unweighted; ``resume=True`` continues from
        ``checkpoint`` if it exists.
        """
        for attr in ("trainer_", "net_"):
            self.__dict__.pop(attr, None)
        return self._fit(X, y, sample_weight, X_val, y_val, resume)

    def partial_fit(self, X: MatrixLike, y: ArrayLike, classes: ArrayLike | None = None,
                    sample_weight: ArrayLike | None = None) -> Self:
        """One epoch on ``(X, y)``; ``classes`` (all labels) is required on the first call."""
        if not hasattr(self, "trainer_"):
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit "
                                 "(all labels that will ever appear)")
            self._partial_classes = np.unique(classes)
        return self._fit(X, y, sample_weight, epochs=1, partial=True)

    def _class_weights(self, t, partial):
        """Per-row ``class_weight`` of the encoded labels ``t`` (None without one)."""
        if self.class_weight is None:
            return None
        if partial and isinstance(self.class_weight, str):
            raise ValueError(f"class_weight={self.class_weight!r} is not supported by "
                             "partial_fit, whose calls see part of the data; pass a dict "
                             "(sklearn.utils.class_weight.compute_class_weight over all the data)")
        return class_weights(self.class_weight, self.classes_, t)

    @property
    def head_(self) -> str:
        """``"logistic"`` (one output unit) for two classes, else ``"softmax"``."""
        return "logistic" if len(self.classes_) == 2 else "softmax"

    @property
    def _n_outputs(self):
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _encode(self, y, name="y"):
        y = np.asarray(y).ravel()
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, len(self.classes_) - 1)
        if not np.all(self.classes_[idx] == y):
            bad = np.asarray(y[self.classes_[idx] != y][0]).tolist()   # nan, not np.float64(nan)
            raise ValueError(f"{name} contains the label {bad!r}, not among the classes "
                             f"{self.classes_.tolist()}; pass all labels in classes=")
        return (idx.astype(np.dtype(self.dtype)) if len(self.classes_) == 2
                else idx.astype(np.int64))

    def _validate_and_encode(self, X, y, first, partial):
        if first:
            X, y = check_X_y(self, X, y, y_numeric=False)
            if partial:
                self.classes_ = self._partial_classes
            else:
                self.classes_, _ = check_classification_y(y)
        else:
            X = check_X(self, X, reset=False)
            y = np.asarray(y)
            if y.shape[0] != X.shape[0]:
                raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        return X, self._encode(y), self._encode(y)

    _score = staticmethod(_accuracy)

    def predict_proba(self, X: MatrixLike) -> NDArray:
        """Class probabilities, shape ``(n_samples, n_classes)`` (rows sum to one)."""
        eta = self._forward(X)
        return self._out(HEADS[self.head_].probabilities(eta[:, 0] if eta.shape[1] == 1 else eta),
                         X)

    def predict_log_proba(self, X: MatrixLike) -> NDArray:
        """``log`` of :meth:`predict_proba`, computed stably (the head's datafit)."""
        eta = self._forward(X)
        return self._out(HEADS[self.head_].log_probabilities(eta[:, 0] if eta.shape[1] == 1
                                                             else eta), X)

    def predict(self, X: MatrixLike) -> NDArray:
        """Most probable class, shape ``(n_samples,)``."""
        eta = self._forward(X)
        idx = (eta[:, 0] > 0).astype(int) if eta.shape[1] == 1 else eta.argmax(axis=1)
        return self.classes_[idx]


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = r"""Multilayer perceptron regressor with per-layer L2 (and elastic-net) penalty.

    Squared error without ½, summed over outputs and averaged over rows, so ``lam = α/n``
    reproduces scikit-learn's ``MLPRegressor(alpha=α)`` (whose objective is half of ours).
    """ + PARAMS_DOC + r"""
    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.nn import MLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = np.sin(X[:, 0]) + 0.5 * X[:, 1]
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), init="xavier", lam=1e-4, learning_rate=1e-2,
    ...                    max_epochs=200, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.9
    True
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    @property
    def head_(self) -> str:
        """``"squared"``, once fitted."""
        check_is_fitted(self, "n_features_in_")
        return "squared"

    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None, *,
            X_val: MatrixLike = None, y_val: ArrayLike | None = None,
            resume: bool = False) -> Self:
        """Train on ``X`` ``(n_samples, n_features)``, ``y`` ``(n_samples,)`` or ``(n_samples, n_targets)``.

        ``sample_weight`` ``(n_samples,)`` weights the rows: the loss is their weighted mean.
        ``X_val, y_val`` give an explicit validation set; ``resume=True`` continues from
        ``checkpoint`` if it exists.
        """
        for attr in ("trainer_", "net_"):
            self.__dict__.pop(attr, None)
        return self._fit(X, y, sample_weight, X_val, y_val, resume)

    def partial_fit(self, X: MatrixLike, y: ArrayLike,
                    sample_weight: ArrayLike | None = None) -> Self:
        """One epoch on ``(X, y)``, continuing from the current weights."""
        return self._fit(X, y, sample_weight, epochs=1, partial=True)

    @property
    def _n_outputs(self):
        return self._n_targets

    def _encode(self, y, name="y"):
        y0 = np.asarray(y, dtype=np.float64)
        y0 = y0.reshape(-1, 1) if y0.ndim == 1 else y0
        if y0.shape[1] != self._n_targets:
            raise ValueError(f"{name} has {y0.shape[1]} targets but the model was fitted with "
                             f"{self._n_targets}")
        return to_dtype(y0, np.dtype(self.dtype), name)

    def _validate_and_encode(self, X, y, first, partial):
        if first:
            X, y = check_X_y(self, X, y, multi_output=True, y_numeric=True)
            self._y_ndim = np.ndim(y)
            self._n_targets = 1 if np.ndim(y) == 1 else y.shape[1]
        else:
            X = check_X(self, X, reset=False)
            y = np.asarray(y, dtype=np.float64)
            if y.shape[0] != X.shape[0]:
                raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        return X, self._encode(y), None

    _score = staticmethod(_r2)

    def predict(self, X: MatrixLike) -> NDArray:
        """Predictions, shape ``(n_samples,)`` or ``(n_samples, n_targets)`` like ``y``."""
        eta = self._out(self._forward(X), X)
        return eta.ravel() if self._y_ndim == 1 else eta

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
