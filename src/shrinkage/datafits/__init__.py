r"""Datafits: the mean loss of :mod:`shrinkage.conventions`, as functions of the linear predictor.

This package is the one place where a loss is written down. Solvers, cross-validation, the
evidence, the diagnostics and the network heads all take their loss values, gradients and
curvatures from here.

A datafit works on ``η = Xw + b`` (shape ``(n,)``, or ``(n, K)`` for softmax) and on sample
weights ``sw`` that are already normalised to sum to one (``sw_i = s_i / S``,
:func:`normalized_weights`), so that::

    value(y, η, sw)              = Σ_i sw_i ℓ(y_i, η_i)
    gradient(y, η, sw)           = ∂value/∂η                       (same shape as η)
    value_and_gradient(y, η, sw) = both, sharing the exponentials
    hessian_diag(y, η, sw)       = ∂²value/∂η_i²                    (shape (n,); one output only)
    hessian_product(y, η, sw, u) = (∂²value/∂η²) u                  (same shape as η)
    null_eta(y, sw)              = argmin_c value(y, c, sw): the intercept-only model's η
    curvature_bound              = sup_η ‖∂²ℓ/∂η²‖ (2 for squared error, ¼ logistic, ½ softmax)
    batch_loss_and_grad(η, y, sw=None) = a network head: the mean loss (float64; weighted by
                                   the batch's row weights sw when given) and its gradient
                                   written over η, in η's own dtype

The softmax's Hessian in η is not diagonal per row; it gives ``hessian_weights`` (the row
weights of one class block), ``diagonal_curvature`` (the diagonal entries, (n, K)),
``mean_hessian`` (the (K, K) average) and, for the compiled coordinate descent,
:func:`hessian_product_entry`.

By the chain rule the gradient in ``w`` is ``Xᵀ gradient`` and a Hessian-vector product is
``Xᵀ hessian_product(X v)``; the solvers do that part. A Lipschitz constant of the gradient in
``w`` is ``curvature_bound · ‖X̃ᵀ diag(sw) X̃‖₂``. Keeping the loss in η-space makes each
datafit a handful of vectorized lines and lets one solver serve all of them.

Adding a datafit is one file in this package (``ARCHITECTURE.md`` walks through
:class:`Poisson`) plus its entry in :data:`DATAFITS`. :class:`Gamma` and :class:`Tweedie` (log
link, power > 1) complete the GLM families; :func:`tweedie` gives the datafit of a power.
"""

from ._logistic import Logistic
from ._poisson import Poisson
from ._softmax import SoftmaxCrossEntropy, hessian_product_entry
from ._squared import SquaredError
from ._tweedie import Gamma, Tweedie, tweedie, unit_deviance
from ._weights import normalized_weights

__all__ = ["SquaredError", "Logistic", "SoftmaxCrossEntropy", "Poisson", "Gamma", "Tweedie",
           "tweedie", "unit_deviance", "normalized_weights",
           "DATAFITS", "get_datafit", "hessian_product_entry"]

#: name -> datafit instance (the names the solvers and estimators accept)
DATAFITS = {d.name: d for d in (SquaredError(), Logistic(), SoftmaxCrossEntropy(), Poisson(),
                                 Gamma())}


def get_datafit(datafit):
    """The datafit object for a name in :data:`DATAFITS` (or the object itself)."""
    if isinstance(datafit, str):
        try:
            return DATAFITS[datafit]
        except KeyError:
            raise ValueError(f"datafit must be one of {sorted(DATAFITS)}, got {datafit!r}") from None
    return datafit
