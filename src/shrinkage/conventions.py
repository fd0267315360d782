r"""The one objective every ``shrinkage`` model minimizes, and converters to other libraries.

The objective
-------------
Every model minimizes

.. math::

    J(w, b) = \frac{1}{S}\sum_i s_i\,\ell(y_i, f(x_i; w, b))
              + \lambda \sum_j f_j\,[(1-\rho)\,w_j^2 + \rho\,|w_j|]

* ``ℓ`` is the squared error ``(y - ŷ)²`` (no ½), the logistic loss, the softmax
  cross-entropy, or a log-link GLM's negative log-likelihood up to constants (Poisson
  ``e^η − yη``, gamma ``y e^{−η} + η``, Tweedie: half the unit deviance); the data term is a
  *mean* over samples. An ``offset`` adds to η (squared error: the fit of ``y − offset``).
* ``s_i`` are sample weights (default 1) and ``S = Σ s_i``: rescaling every weight by the
  same factor changes nothing. Integer weights equal repeated rows.
* ``λ = lam ≥ 0`` is the strength; ``ρ = l1_ratio ∈ [0, 1]`` mixes L1 into L2 exactly as
  the elastic net is usually written, ``ρλΣ|w| + (1−ρ)λΣw²``.
* ``f_j = penalty_factor[j] ≥ 0`` scales the penalty per coefficient, used exactly as given
  (``0`` leaves a coefficient unpenalized). glmnet rescales its ``penalty.factor`` to sum to
  the number of features; we do not.
* The intercept (and, in networks, every bias) is never penalized.
* ``lower_bounds ≤ w ≤ upper_bounds`` (glmnet's ``lower.limits`` / ``upper.limits``, on the
  original scale; ``lower ≤ 0 ≤ upper``) constrain the coefficients where given.
* ``exclude`` (glmnet's ``exclude``) takes columns out of the problem: their coefficients are
  exactly 0 and they enter neither λ_max nor the standardization (the fit on the other columns).
* ``standardize=True`` (the default) penalizes the coefficients of the standardized features
  (population standard deviation, weighted by ``s``) and reports coefficients on the original
  scale, as glmnet does. It is the same as ``penalty_factor_j = sd_j²`` on the raw features.

With squared error and ``ρ = 0`` the minimizer solves
``(XᵀWX/S + λF) w = XᵀWy/S``; with unit weights ``(XᵀX + nλF) w = Xᵀy``.

For a network the penalty is ``Σ_l λ_l ‖W_l‖_F²`` over all weight matrices, and its gradient is
``2 λ_l W_l``. Seed 000 writes this gradient as ``2λ‖W‖``, a scalar; it is the matrix
``2λW`` (each weight decays in proportion to itself).

Converting strengths
--------------------
:func:`convert_strength` maps a strength written in another library's terms onto ours and back.
Every conversion goes through ``(λ, ρ)``. ``n`` below is ``n_samples`` (the sum of the sample
weights when there are any, the batch size for per-batch penalties):

================== ===================================================== ==========================
source / target    that library's objective                              in our terms
================== ===================================================== ==========================
shrinkage          as above                                              λ, ρ
lambda-over-n      (1/n)ΣL + (λ'/n)Σ‖W‖²  (seed 000)                     λ = λ'/n
sklearn-ridge      ‖y − Xw‖² + α‖w‖²  (sums, not means)                  λ = α/n
sklearn-logistic   CΣℓ + (1−r)/2‖w‖² + r‖w‖₁                             λ = (1+r)/(2Cn), ρ = 2r/(1+r)
sklearn-elasticnet (1/2n)‖y − Xw‖² + αr‖w‖₁ + α(1−r)/2‖w‖²               λ = α(1+r), ρ = 2r/(1+r)
sklearn-lasso      (1/2n)‖y − Xw‖² + α‖w‖₁                               λ = 2α, ρ = 1
sklearn-mlp        mean ℓ + α/(2n)Σ‖W‖² (classifier; regressor: ½ mean)  λ = α/(2n) (regressor α/n)
sklearn-glm        (1/2n)Σ deviance + α/2‖w‖²  (Poisson, Gamma, Tweedie) λ = α/2
glum-gaussian      (1/2n)Σ(y−ŷ)² + α[(1−r)/2‖w‖² + r‖w‖₁]                λ = α(1+r), ρ = 2r/(1+r)
glum               −(1/n)loglik + α[(1−r)/2‖w‖² + r‖w‖₁]  (GLM families)  λ = α(1+r)/2, ρ = 2r/(1+r)
glmnet-gaussian    the same on y/s, λ reported × s (s = sd of y)         λ = λ_g[(1−a)/s + 2a],
                                                                         ρ = 2a/[(1−a)/s + 2a]
glmnet-mgaussian   (1/2n)Σ‖y_i − ŷ_i‖² + λ_g[(1−a)/2‖W‖² + aΣ_j‖W_j‖₂]   λ = λ_g(1+a), ρ = 2a/(1+a)
                   (y not scaled; W_j feature j's coefficients)
glmnet-binomial    −(1/n)loglik + λ_g[(1−a)/2‖w‖² + a‖w‖₁]               λ = λ_g(1+a)/2, ρ = 2a/(1+a)
glmnet-multinomial the same, softmax; grouped: aΣ_j‖W_j‖₂ for a‖W‖₁      λ = λ_g(1+a)/2, ρ = 2a/(1+a)
glmnet-poisson     the same, Poisson log-likelihood (y not scaled)       λ = λ_g(1+a)/2, ρ = 2a/(1+a)
glmnet-gamma       ½ mean deviance + λ_g[…], ``Gamma(link="log")``       λ = λ_g(1+a)/2, ρ = 2a/(1+a)
glmnet-tweedie     the same, ``statmod::tweedie(p, link.power=0)``       λ = λ_g(1+a)/2, ρ = 2a/(1+a)
torch-sgd          mean ℓ, gradient += wd·w  (SGD ``weight_decay``)     λ = wd/2
keras-l2           mean ℓ + l2·Σw²                                       λ = l2
================== ===================================================== ==========================

glmnet's gaussian family fits ``y/s`` (``s`` the population standard deviation of ``y``, or its
root mean square without an intercept) and reports ``λ·s``, so its L2 part depends on ``s``:
pass ``y_scale=s`` (verified against glmnet 4.1 to its convergence tolerance). glmnet also
rescales ``penalty.factor`` to sum to the number of features; ours is used as given, so
glmnet's factors ``g`` are ours as ``f = p·g/Σg``.

Multi-task models (:class:`~shrinkage.MultiTaskElasticNet`, :class:`~shrinkage.MultiTaskLasso`)
replace ``|w_j|`` by the norm ``‖W_j‖₂`` of feature ``j``'s coefficients across the targets
(and ``w_j²`` by ``‖W_j‖²``). scikit-learn's ``MultiTaskElasticNet`` / ``MultiTaskLasso`` convert
as ``sklearn-elasticnet`` / ``sklearn-lasso``. glmnet's ``mgaussian`` family, unlike its
gaussian one, does not divide ``y`` by its scale (its ``standardize.response=TRUE`` divides
each target by its own sd: that fit is ours on ``y_k/sd_k`` with the coefficients multiplied
back); verified against glmnet 4.1 in ``tests/test_multitask.py``. glmnet's
``type.multinomial="grouped"`` is :class:`~shrinkage.GroupLassoClassifier` on three or more
classes (``"glmnet-multinomial"``, ``a = 1``).

glum's GLMs (``GeneralizedLinearRegressor(family=…, alpha, l1_ratio=r)``) and glmnet's
non-gaussian families minimize the mean negative log-likelihood, which for the log-link
families is our loss up to constants (Poisson ``e^η − yη``, gamma ``y e^{−η} + η``, Tweedie: half
the unit deviance), plus a ½-weighted L2 part: ``source="glum"`` (every family) and
``"glmnet-poisson"`` (verified against glum 3 with offsets and weights, and glmnet 4.1 with an
offset, in ``tests/test_glm_enet.py``). scikit-learn's GLMs (``sklearn-glm``) are L2 only.
glmnet 4 fits any ``family=`` object (its non-canonical families, such as the gamma and
Tweedie with a log link) by minimizing ``½ Σ w_i d_i / Σ w_i`` (``d_i`` the unit deviance)
plus the same penalty; half the unit deviance is our loss up to constants, so
``"glmnet-gamma"`` and ``"glmnet-tweedie"`` are the same conversion (verified against glmnet
4.1 with weights and an offset, and its ``cv.glmnet`` with ``foldid``, in
``tests/test_glm_glmnet_families.py``, to 1e-7 of the coefficients). glmnet's loop over
a family object's working weights stops when the objective changes by less than
``glmnet.control()$epsnr`` (1e-6, relative) whatever ``thresh`` says, which leaves about 2e-4
of the coefficients; compare with ``glmnet.control(epsnr=1e-14, mxitnr=1000)``.

Cross-validation conventions
~~~~~~~~~~~~~~~~~~~~~~~~~~~~
======================= ========================================= ==========================================
                        shrinkage (default)                       glmnet ``cv.glmnet`` (option here)
======================= ========================================= ==========================================
mean over folds         plain mean of the K fold scores           weighted by each fold's size (total weight):
                                                                  ``cv_average="weighted"``
standard error          ``std(ddof=1)/√K``                        ``√(Σ w_k (s_k − m)²/Σ w_k/(K−1))``
                                                                  (equal folds: the same)
"1se" picks             ElasticNetCV: the fewest non-zeros        the largest λ (``lambda.1se``):
                        within one SE; the other CVs: largest λ   ``simplest="lam"``
GLM score               minus the mean held-out deviance          ``type.measure="deviance"`` (the same)
fold grids              every fold walks the given grid           without ``lambda=``, each fold fits its own
                                                                  grid and predictions are interpolated;
                                                                  pass ``lambda=`` to compare exactly
gaussian, ``alpha < 1`` λ applies to the raw y in every fold      each fold's y is scaled by that fold's sd,
                                                                  so the ridge part varies between folds
======================= ========================================= ==========================================

Verified against glmnet 4.1 with ``foldid`` in ``tests/test_glm_cv.py`` (Poisson with an
offset) and ``tests/test_glmnet_relax_cv.py`` (lasso): curve, standard errors,
``lambda.min`` and ``lambda.1se``.

Where the seeds are inexact
~~~~~~~~~~~~~~~~~~~~~~~~~~~~
* Seed 001 says scikit-learn's ``C`` is ``1/λ``. With our mean-loss objective (and with
  scikit-learn's own ``½‖w‖²``) it is ``C = 1/(2λn)``: ``C`` multiplies a *sum* of losses, so it
  depends on the number of samples, and the ½ contributes the 2.
* Seed 000's ``λ/n`` form is our λ divided by nothing: its ``λ'`` equals ``n`` times ours.
* PyTorch's ``weight_decay`` adds ``wd·w`` to the gradient; the gradient of ``λ‖w‖²`` is
  ``2λw``, hence the ½. This holds for coupled SGD; ``AdamW``'s decoupled decay is a different
  regularizer and has no λ equivalent.
* Squared-error libraries that use ``½(y−ŷ)²`` (scikit-learn's MLPRegressor, elastic net,
  glmnet) differ from ours by a factor 2 in the data term, hence the factors above.
* glmnet's gaussian family reports λ for the *unstandardized* response only when ``y`` has unit
  variance (it standardizes ``y`` internally); the formula above is for the objective glmnet
  documents.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

__all__ = ["Strength", "convert_strength", "STRENGTH_CONVENTIONS"]


class Strength(NamedTuple):
    """A regularization strength in one library's terms."""

    value: float
    l1_ratio: float


def _y_scale(y_scale, a):
    if a == 1.0:
        return 1.0                      # the lasso: glmnet's y scaling cancels
    if y_scale is None:
        raise ValueError(
            "glmnet's gaussian family divides y by its scale before applying lambda, so its "
            "L2 part depends on it: pass y_scale=np.std(y) (with an intercept; "
            "np.sqrt(np.mean(y**2)) without one)")
    s = float(y_scale)
    if not np.isfinite(s) or s <= 0:
        raise ValueError(f"y_scale must be a positive number, got {y_scale!r}")
    return s


def _glmnet_gaussian_to_ours(v, a, n, loss, y_scale=None):
    # glmnet fits y/s and reports λ·s: on the raw y its penalty is λ_g[(1−a)/s ‖w‖² + 2a‖w‖₁]
    # against our mean squared error (no ½), so λ = λ_g[(1−a)/s + 2a], ρ = 2a/[(1−a)/s + 2a]
    s = _y_scale(y_scale, a)
    c = (1.0 - a) / s + 2.0 * a
    return v * c, (2.0 * a / c if c > 0 else 0.0)


def _glmnet_gaussian_from_ours(lam, rho, n, loss, y_scale=None):
    s = _y_scale(y_scale, rho)
    l2, l1 = s * lam * (1.0 - rho), lam * rho / 2.0      # λ_g(1−a) and λ_g a
    lam_g = l2 + l1
    return lam_g, (l1 / lam_g if lam_g > 0 else rho)


def _need_n(n_samples, source):
    if n_samples is None:
        raise ValueError(
            f"converting '{source}' needs n_samples (the number of training rows, or the sum of "
            "the sample weights); pass n_samples=..."
        )
    n = float(n_samples)
    if not np.isfinite(n) or n <= 0:
        raise ValueError(f"n_samples must be a positive number, got {n_samples!r}")
    return n


def _mix_to_ours(r):
    """Map a ½-weighted-L2 mixing r (sklearn, glmnet) to our ρ: ρ = 2r/(1+r)."""
    return 2.0 * r / (1.0 + r)


def _mix_from_ours(rho):
    """Inverse of :func:`_mix_to_ours`: r = ρ/(2−ρ)."""
    return rho / (2.0 - rho)


# Each convention: (to_ours(value, l1_ratio, n, loss), from_ours(lam, rho, n, loss), needs_n)
def _sk_mlp_factor(loss):
    if loss in (None, "log", "classification", "cross-entropy"):
        return 2.0
    if loss in ("squared", "regression"):
        return 1.0
    raise ValueError(f"loss must be 'log' (MLPClassifier) or 'squared' (MLPRegressor), got {loss!r}")


# −(1/n) loglik + α[(1−r)/2‖w‖² + r‖w‖₁]: glmnet's non-gaussian families and glum's GLMs
_LOGLIK_HALF_L2 = (
    lambda v, a, n, loss: (v * (1.0 + a) / 2.0, _mix_to_ours(a)),
    lambda lam, rho, n, loss: (2.0 * lam / (1.0 + _mix_from_ours(rho)), _mix_from_ours(rho)),
    False,
)

STRENGTH_CONVENTIONS: dict[str, tuple[Callable, Callable, bool]] = {
    "shrinkage": (lambda v, r, n, loss: (v, r), lambda lam, rho, n, loss: (lam, rho), False),
    "lambda-over-n": (lambda v, r, n, loss: (v / n, r), lambda lam, rho, n, loss: (lam * n, rho), True),
    "sklearn-ridge": (lambda v, r, n, loss: (v / n, 0.0), lambda lam, rho, n, loss: (lam * n, 0.0), True),
    "sklearn-logistic": (
        lambda v, r, n, loss: ((1.0 + r) / (2.0 * v * n), _mix_to_ours(r)),
        lambda lam, rho, n, loss: (
            (1.0 + _mix_from_ours(rho)) / (2.0 * lam * n) if lam > 0 else np.inf,
            _mix_from_ours(rho),
        ),
        True,
    ),
    "sklearn-elasticnet": (
        lambda v, r, n, loss: (v * (1.0 + r), _mix_to_ours(r)),
        lambda lam, rho, n, loss: (lam / (1.0 + _mix_from_ours(rho)), _mix_from_ours(rho)),
        False,
    ),
    "sklearn-lasso": (lambda v, r, n, loss: (2.0 * v, 1.0), lambda lam, rho, n, loss: (lam / 2.0, 1.0), False),
    "sklearn-mlp": (
        lambda v, r, n, loss: (v / (_sk_mlp_factor(loss) * n), 0.0),
        lambda lam, rho, n, loss: (lam * _sk_mlp_factor(loss) * n, 0.0),
        True,
    ),
    "glum-gaussian": (
        lambda v, a, n, loss: (v * (1.0 + a), _mix_to_ours(a)),
        lambda lam, rho, n, loss: (lam / (1.0 + _mix_from_ours(rho)), _mix_from_ours(rho)),
        False,
    ),
    "glmnet-gaussian": (_glmnet_gaussian_to_ours, _glmnet_gaussian_from_ours, False),
    "glmnet-mgaussian": (
        lambda v, a, n, loss: (v * (1.0 + a), _mix_to_ours(a)),
        lambda lam, rho, n, loss: (lam / (1.0 + _mix_from_ours(rho)), _mix_from_ours(rho)),
        False,
    ),
    "glmnet-binomial": _LOGLIK_HALF_L2,
    "glmnet-multinomial": _LOGLIK_HALF_L2,
    "glmnet-poisson": _LOGLIK_HALF_L2,
    "glmnet-gamma": _LOGLIK_HALF_L2,
    "glmnet-tweedie": _LOGLIK_HALF_L2,
    "glum": _LOGLIK_HALF_L2,
    "sklearn-glm": (lambda v, r, n, loss: (v / 2.0, 0.0), lambda lam, rho, n, loss: (2.0 * lam, 0.0),
                    False),
    "torch-sgd": (lambda v, r, n, loss: (v / 2.0, 0.0), lambda lam, rho, n, loss: (2.0 * lam, 0.0), False),
    "keras-l2": (lambda v, r, n, loss: (v, 0.0), lambda lam, rho, n, loss: (lam, 0.0), False),
}

_L2_ONLY = {"sklearn-ridge", "sklearn-mlp", "sklearn-glm", "torch-sgd", "keras-l2",
            "lambda-over-n"}


def convert_strength(
    value: float,
    *,
    source: str,
    target: str = "shrinkage",
    n_samples: float | None = None,
    l1_ratio: float = 0.0,
    loss: str | None = None,
    y_scale: float | None = None,
) -> Strength:
    """Convert a regularization strength between libraries, through our ``(λ, ρ)``.

    See :mod:`shrinkage.conventions` for the objective and the formula of every convention.

    Parameters
    ----------
    value : float
        The strength in the ``source`` library's terms (``C`` for ``"sklearn-logistic"``).
    source, target : str
        One of ``"shrinkage"``, ``"lambda-over-n"``, ``"sklearn-ridge"``,
        ``"sklearn-logistic"``, ``"sklearn-elasticnet"``, ``"sklearn-lasso"``,
        ``"sklearn-mlp"``, ``"sklearn-glm"``, ``"glum-gaussian"``, ``"glum"`` (glum's GLM
        families, whose data term is the mean negative log-likelihood), ``"glmnet-gaussian"``,
        ``"glmnet-mgaussian"``, ``"glmnet-binomial"``, ``"glmnet-multinomial"``,
        ``"glmnet-poisson"``, ``"glmnet-gamma"``, ``"glmnet-tweedie"`` (glmnet's ``family=``
        objects with a log link), ``"torch-sgd"``, ``"keras-l2"``.
    n_samples : float, optional
        Number of training rows (the sum of the sample weights when there are any; the batch
        size for scikit-learn's MLP with mini-batches). Needed by the conventions whose loss is
        a sum (``sklearn-ridge``, ``sklearn-logistic``) or whose penalty is divided by ``n``.
    l1_ratio : float, default=0.0
        The ``source``'s own mixing parameter (scikit-learn ``l1_ratio``, glmnet ``alpha``,
        ours ``ρ``).
    loss : {"log", "squared"}, optional
        Only for ``"sklearn-mlp"``: ``"log"`` for MLPClassifier (default), ``"squared"`` for
        MLPRegressor, whose data term carries a ½.
    y_scale : float, optional
        Only for ``"glmnet-gaussian"`` with an L2 part (``alpha < 1``): glmnet divides ``y`` by
        its population standard deviation (with an intercept; its root mean square without
        one) before applying ``lambda``, so ``np.std(y)`` (or ``np.sqrt(np.mean(y**2))``) of
        the training ``y`` (weighted, with weights). ``"glum-gaussian"`` is the same objective
        without that scaling.

    Returns
    -------
    Strength
        Named tuple ``(value, l1_ratio)`` in the ``target``'s terms.

    Examples
    --------
    >>> from shrinkage import convert_strength
    >>> convert_strength(1.0, source="sklearn-logistic", n_samples=100)
    Strength(value=0.005, l1_ratio=0.0)
    >>> convert_strength(0.005, source="shrinkage", target="sklearn-logistic", n_samples=100)
    Strength(value=1.0, l1_ratio=0.0)
    >>> convert_strength(2.0, source="sklearn-ridge", n_samples=50).value
    0.04
    """
    for name, conv in (("source", source), ("target", target)):
        if conv not in STRENGTH_CONVENTIONS:
            raise ValueError(
                f"unknown {name} convention {conv!r}; choose one of {sorted(STRENGTH_CONVENTIONS)}"
            )
    value = float(value)
    rho_in = float(l1_ratio)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"strength must be a finite number >= 0, got {value!r}")
    if not 0.0 <= rho_in <= 1.0:
        raise ValueError(f"l1_ratio must lie in [0, 1], got {l1_ratio!r}")
    if source in _L2_ONLY and rho_in != 0.0:
        raise ValueError(f"'{source}' is a pure L2 strength; l1_ratio must be 0, got {l1_ratio!r}")
    to_ours, _, src_needs_n = STRENGTH_CONVENTIONS[source]
    _, from_ours, tgt_needs_n = STRENGTH_CONVENTIONS[target]
    n = _need_n(n_samples, source if src_needs_n else target) if (src_needs_n or tgt_needs_n) else None
    if source == "sklearn-logistic" and value == 0:
        raise ValueError("C must be positive (C = 0 is infinite regularization)")
    if y_scale is not None and "glmnet-gaussian" not in (source, target):
        raise ValueError("y_scale is glmnet-gaussian's (glmnet scales y); the conventions "
                         f"{source!r} and {target!r} do not use it")
    scaled = {"y_scale": y_scale}
    try:
        lam, rho = to_ours(value, rho_in, n, loss,
                           **(scaled if source == "glmnet-gaussian" else {}))
    except ZeroDivisionError:
        lam, rho = np.inf, 0.0
    if not np.isfinite(lam):
        raise ValueError(f"{source} strength {value!r} is so small that our λ overflows float64 "
                         f"(λ = {lam}); such a model is unregularized in practice: use λ = 0")
    if target in _L2_ONLY and rho != 0.0:
        raise ValueError(
            f"'{target}' has no L1 part; the source strength mixes in L1 (our l1_ratio={rho:g})"
        )
    if target == "sklearn-lasso" and rho != 1.0:
        raise ValueError(
            f"'sklearn-lasso' is a pure L1 strength (Lasso's alpha), but the source strength has "
            f"an L2 part (our l1_ratio={rho:g}); convert to 'sklearn-elasticnet' instead")
    try:
        out, out_rho = from_ours(lam, rho, n, loss,
                                 **(scaled if target == "glmnet-gaussian" else {}))
    except ZeroDivisionError:
        out, out_rho = np.inf, rho
    if not np.isfinite(out) and lam > 0:
        raise ValueError(f"λ = {lam:g} is so small that the {target} strength overflows float64; "
                         "such a model is unregularized in practice")
    return Strength(float(out), float(out_rho))
