r"""The bias–variance decompositions of squared, 0-1 and log loss, from the predictions.

Pure functions of ``R`` predictions per test point (one per training set ``D``, see
:func:`shrinkage.diagnostics.bias_variance`). For each test point ``x_i`` the ``R`` predictions
``ŷ_D(x_i)`` give a distribution over training sets; its summaries are averaged over the test
points.

Squared loss
------------
With ``ŷ̄_i = mean_D ŷ_D(x_i)`` the *exact* identity, for the single observed ``y_i``, is ::

    mean_{D,i} (y_i − ŷ_D(x_i))²  =  mean_i Var_D ŷ_D(x_i)  +  mean_i (y_i − ŷ̄_i)²
          error                            variance            bias2_observed

(``Var_D`` over the ``R`` draws, without Bessel's correction, so the identity holds to
rounding). The last term mixes the bias with the noise of the observed ``y``; how it is split
depends on what is known, and in each case the terms add up to ``error`` *exactly*:

*The truth* ``f(x_i)`` (``f_test``, synthetic data)::

    bias2 = mean_i (ŷ̄_i − f_i)²,    noise = mean_i (y_i − f_i)²,
    cross = 2 mean_i (y_i − f_i)(f_i − ŷ̄_i),
    error = bias2 + variance + noise + cross                      (an algebraic identity)

``cross`` is the finite-sample term: its expectation is zero (the test noise ``y − f`` is
independent of the training draws) and it shrinks like ``1/√n_test``; it is computed from its
own formula, so the identity is a check, not a definition.

*A noise estimate* ``σ̂²`` (a known noise variance, or estimated from replicated test rows or
a least-squares fit, see :func:`~shrinkage.diagnostics.bias_variance`)::

    noise = σ̂²,    bias2 = bias2_observed − σ̂²,    error = bias2 + variance + noise

``E(y_i − ŷ̄_i)² = (f_i − ŷ̄_i)² + σ²`` for test noise independent of the draws, so with an
unbiased ``σ̂²`` this ``bias2`` is an unbiased estimate of the true bias², which, near zero,
can come out slightly negative by chance.

*Nothing more* (the default without the truth): ``bias2`` is ``bias2_observed``, the noise is
folded into it and ``noise`` is NaN, so ``error = bias2 + variance``.

0-1 loss (Domingos 2000)
------------------------
The *main prediction* ``y_m(x)`` is the mode of ``ŷ_D(x)`` over draws (ties: the first class),
``y*(x)`` the optimal prediction (the observed ``y`` when the truth is unknown, else ``f_test``
or the argmax of true class probabilities). Per point: bias ``B = [y_m ≠ y*]``, variance
``V = P_D(ŷ_D ≠ y_m)``, and the *net variance* ``V`` where unbiased minus ``P_D(ŷ_D = y*)`` where
biased (for two classes that is ``V_unbiased − V_biased``: variance hurts an unbiased point and
helps a biased one). Then ``mean_D [ŷ_D ≠ y*] = B + net variance`` exactly. The noise term is
Domingos' ``c₁N``: ``Σ_{c≠y*} π(c) (P_D(ŷ_D = y*) − P_D(ŷ_D = c))`` with ``π`` the true class
probabilities (or the observed label), so ``error = bias + net variance + noise`` exactly for the
observed labels, and in expectation over ``y`` for true probabilities.

Log loss (Heskes 1998)
----------------------
The main prediction is the normalized geometric mean ``q̄(c) ∝ exp(mean_D log q_D(c))``. With
``Z = Σ_c exp(mean_D log q_D(c)) ≤ 1``::

    mean_D −log q_D(y)  =  −log q̄(y)  +  mean_D KL(q̄ ‖ q_D)        (and  mean_D KL(q̄ ‖ q_D) = −log Z)
         error              bias (observed)     variance

exactly. Given true class probabilities ``π``: ``noise = H(π)`` (entropy), ``bias2 = KL(π ‖ q̄)``,
and ``error ≈ noise + bias2 + variance`` (exactly in expectation over ``y``; the result's
``extra["error_expected"]`` is that expectation). Probabilities are clipped at ``1e-15``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

__all__ = ["squared", "zero_one", "log_loss"]

CLIP = 1e-15     # probabilities are clipped here before the log


def squared(P, y, f=None, noise=None) -> dict:
    """Squared-loss terms from ``R`` predictions per test point.

    Parameters
    ----------
    P : ndarray of shape (n_draws, n_test)
        Predictions, one row per training set.
    y : ndarray of shape (n_test,)
        Observed targets.
    f : ndarray of shape (n_test,), optional
        The true regression function at the test points.
    noise : float, optional
        An estimate of the noise variance (used only without ``f``).

    Returns
    -------
    dict
        ``error``, ``bias2``, ``variance``, ``noise`` (floats; ``noise`` NaN without ``f`` or
        ``noise``), and with ``f`` or ``noise`` also ``bias2_observed`` and, with ``f``,
        ``cross`` (see the module docstring for the identities).

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[1.0, 2.0], [3.0, 2.0]])        # two draws, two test points
    >>> out = squared(P, np.array([2.0, 0.0]))
    >>> out["error"], out["variance"], out["bias2"]
    (2.5, 0.5, 2.0)
    >>> out = squared(P, np.array([2.0, 0.0]), f=np.array([2.0, 1.0]))
    >>> out["bias2"], out["noise"], out["cross"]      # 2.5 = 0.5 + 0.5 + 1.0 + 0.5
    (0.5, 0.5, 1.0)
    """
    mean = P.mean(axis=0)
    out = {"error": np.mean((P - y) ** 2), "variance": np.mean(P.var(axis=0))}
    observed = np.mean((mean - y) ** 2)
    if f is not None:
        out.update(bias2=np.mean((mean - f) ** 2), noise=np.mean((y - f) ** 2),
                   bias2_observed=observed, cross=2.0 * np.mean((y - f) * (f - mean)))
    elif noise is not None:
        out.update(bias2=observed - float(noise), noise=float(noise), bias2_observed=observed)
    else:
        out.update(bias2=observed, noise=np.nan)
    return out


def zero_one(P, y_idx, y_star=None, pi=None, n_classes=None) -> dict:
    """0-1 loss terms (Domingos 2000) from ``R`` predicted classes per test point.

    Parameters
    ----------
    P : ndarray of int of shape (n_draws, n_test)
        Predicted class indices, one row per training set.
    y_idx : ndarray of int of shape (n_test,)
        Observed class indices.
    y_star : ndarray of int of shape (n_test,), optional
        Optimal (Bayes) class indices; default the observed ones.
    pi : ndarray of shape (n_test, n_classes), optional
        The distribution the observed labels are drawn from (true probabilities, or one-hot of
        the observed labels when only ``y_star`` is known); gives the noise term.
    n_classes : int, optional
        Default: one more than the largest index seen.

    Returns
    -------
    dict
        ``error``, ``bias2`` (the bias), ``variance`` (net), ``noise`` (``c₁N``; NaN without
        ``pi``), ``variance_total``, ``variance_unbiased``, ``variance_biased`` and, with ``pi``,
        ``bayes_error`` and ``error_expected``.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[0, 1], [0, 1], [1, 0], [0, 1]])  # four draws, two test points
    >>> out = zero_one(P, np.array([0, 0]))             # point 1 is biased: main 1, y 0
    >>> out["bias2"], out["variance_total"], out["variance"], out["error"]
    (0.5, 0.25, 0.0, 0.5)
    """
    R, m = P.shape
    K = int(max(P.max(), np.max(y_idx)) + 1) if n_classes is None else int(n_classes)
    rows = np.arange(m)
    freq = np.zeros((m, K))
    np.add.at(freq, (np.tile(rows, R), P.ravel()), 1.0 / R)          # P_D(ŷ = c) per point
    main = np.argmax(freq, axis=1)
    y_star = y_idx if y_star is None else y_star
    biased = main != y_star
    var = 1.0 - freq[rows, main]
    hit_star = freq[rows, y_star]
    out = {"error": np.mean(1.0 - freq[rows, y_idx]), "bias2": np.mean(biased),
           "variance": np.mean(np.where(biased, -hit_star, var)),
           "variance_total": np.mean(var),
           "variance_unbiased": np.mean(np.where(biased, 0.0, var)),
           "variance_biased": np.mean(np.where(biased, var, 0.0))}
    if pi is None:
        out["noise"] = np.nan
        return out
    other = pi.copy()
    other[rows, y_star] = 0.0
    out["noise"] = np.mean(np.sum(other * (hit_star[:, None] - freq), axis=1))
    out["bayes_error"] = np.mean(1.0 - pi[rows, y_star])
    out["error_expected"] = np.mean(1.0 - np.sum(pi * freq, axis=1))
    return out


def log_loss(P, y_idx, pi=None) -> dict:
    """Log-loss terms (Heskes 1998) from ``R`` predicted distributions per test point.

    Parameters
    ----------
    P : ndarray of shape (n_draws, n_test, n_classes)
        Predicted class probabilities, one block per training set.
    y_idx : ndarray of int of shape (n_test,)
        Observed class indices.
    pi : ndarray of shape (n_test, n_classes), optional
        True class probabilities.

    Returns
    -------
    dict
        ``error``, ``bias2`` (``KL(π ‖ q̄)``, or ``−log q̄(y)`` without ``pi``), ``variance``
        (``mean_D KL(q̄ ‖ q_D)``), ``noise`` (``H(π)``, NaN without ``pi``) and, with ``pi``,
        ``error_expected``.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[[0.5, 0.5]], [[0.5, 0.5]]])     # two draws agree: no variance
    >>> out = log_loss(P, np.array([0]))
    >>> round(out["error"], 4), round(out["bias2"], 4), round(out["variance"], 4)
    (0.6931, 0.6931, 0.0)
    """
    m = P.shape[1]
    rows = np.arange(m)
    logq = np.log(np.clip(P, CLIP, 1.0))
    g = logq.mean(axis=0)                                  # (m, K) mean log-probabilities
    log_z = logsumexp(g, axis=1)                           # ≤ 0
    log_main = g - log_z[:, None]                          # log q̄
    out = {"error": np.mean(-logq[:, rows, y_idx]), "variance": np.mean(-log_z)}
    if pi is None:
        out.update(bias2=np.mean(-log_main[rows, y_idx]), noise=np.nan)
        return out
    plogp = np.where(pi > 0, pi * np.log(np.where(pi > 0, pi, 1.0)), 0.0)
    out["noise"] = np.mean(-plogp.sum(axis=1))
    out["bias2"] = np.mean(np.sum(plogp - pi * log_main, axis=1))
    out["error_expected"] = np.mean(-np.sum(pi * g, axis=1))
    return out
