r"""λ adjusted during training from the model's performance (seed 001), per layer.

Both rules run once per epoch, after the epoch is logged (so ``history["lam"]`` holds the λ in
force *during* each epoch), and need a validation set. A layer whose λ is 0 starts at
``lam_init`` (log λ needs λ > 0); λ stays within ``[lam_min, lam_max]``.

Hypergradient rule
------------------
One SGD step with the penalty gives ``W_l⁺ = W_l − η(∇_l L + 2λ_l W_l)``. The validation loss
after the step, ``V(W⁺)``, depends on ``λ_l`` only through ``W_l⁺``, so

.. math::

    \frac{\partial V(W^+)}{\partial \log\lambda_l}
      = \lambda_l \left\langle \nabla_{W_l} V,\ \frac{\partial W_l^+}{\partial\lambda_l}\right\rangle
      = -2\,\eta\,\lambda_l\,\langle \nabla_{W_l} V,\ W_l\rangle ,

evaluated at the end-of-epoch weights with the gradient of the validation *data* loss. When
the validation gradient points along the weights (``⟨∇V, W⟩ > 0``), shrinking them lowers the
validation loss and λ grows. The raw hypergradient's scale varies by orders of magnitude between
layers and epochs, so the step is normalised by a running RMS (as RMSprop does for weights)::

    h_l = −2 η λ_l ⟨∇_l V, W_l⟩,  s_l ← β s_l + (1 − β) h_l²,  log λ_l ← log λ_l − step · h_l / √ŝ_l

(``ŝ`` bias-corrected), i.e. a move of about ``step`` in log λ per epoch at most.

Plateau rule
------------
Every ``patience`` epochs compare with ``patience`` epochs ago: when the generalisation gap
``val_loss − data_loss`` widened by more than ``tol`` (relative to the validation loss), multiply
every λ by ``factor``; otherwise, when neither the training nor the validation loss improved by
``tol`` (relative), divide every λ by ``factor`` (too much shrinkage stalls learning).
"""

from __future__ import annotations

import numpy as np

__all__ = ["HypergradientLam", "PlateauLam", "get_adaptive"]


class _Rule:
    def __init__(self, lam_init, lam_min, lam_max):
        if not 0 < lam_min <= lam_init <= lam_max:
            raise ValueError("adaptive λ needs 0 < lam_min <= lam_init <= lam_max, got "
                             f"{lam_min!r}, {lam_init!r}, {lam_max!r}")
        self.lam_init, self.lam_min, self.lam_max = lam_init, lam_min, lam_max

    def _start(self, lams):
        lams[lams == 0] = self.lam_init

    def _clip(self, lams):
        np.clip(lams, self.lam_min, self.lam_max, out=lams)


class HypergradientLam(_Rule):
    """Move log λ per layer against the one-step hypergradient of the validation loss.

    Parameters
    ----------
    step : float, default=0.2
        Largest move of log λ per epoch (after RMS normalisation).
    beta : float, default=0.9
        Decay of the running mean of squared hypergradients.
    lam_init, lam_min, lam_max : float
        Start for layers at λ = 0, and bounds.
    """

    def __init__(self, step=0.2, beta=0.9, lam_init=1e-4, lam_min=1e-8, lam_max=10.0):
        super().__init__(lam_init, lam_min, lam_max)
        self.step, self.beta = float(step), float(beta)
        self.sq, self.t = None, 0

    def hypergradient(self, trainer, X_val, y_val) -> np.ndarray:
        """``∂V(W⁺)/∂log λ_l`` per layer (see module doc), at the current weights."""
        net, lams = trainer.net, trainer.penalty.lams
        # ∇V into net.grads (the data loss only, weighted as the validation rows are)
        net.loss_and_grad(X_val, y_val, getattr(trainer, "val_weights", None))
        lr = trainer.learning_rate(trainer.step) if trainer.learning_rate is not None else 1.0
        params, grads = net.params, net.grads
        return np.array([-2.0 * lr * lam * float(np.vdot(G.astype(np.float64), W))
                         for lam, W, G in zip(lams, params[0::2], grads[0::2])])

    def update(self, trainer, X_val, y_val) -> None:
        lams = trainer.penalty.lams
        self._start(lams)
        h = self.hypergradient(trainer, X_val, y_val)
        self.sq = (1 - self.beta) * h**2 if self.sq is None else self.beta * self.sq + (1 - self.beta) * h**2
        self.t += 1
        rms = np.sqrt(self.sq / (1 - self.beta**self.t))
        move = np.divide(h, rms, out=np.zeros_like(h), where=rms > 0)
        lams *= np.exp(-self.step * move)
        self._clip(lams)

    def state_dict(self):
        return {"sq": None if self.sq is None else self.sq.tolist(), "t": self.t}

    def load_state_dict(self, state):
        self.sq = None if state["sq"] is None else np.asarray(state["sq"], dtype=float)
        self.t = int(state["t"])


class PlateauLam(_Rule):
    """Raise λ when the train/validation gap widens, lower it when both losses stall.

    Parameters
    ----------
    factor : float, default=2.0
    patience : int, default=3
        Epochs between decisions.
    tol : float, default=1e-3
        Relative change that counts as widening / improving.
    lam_init, lam_min, lam_max : float
    """

    def __init__(self, factor=2.0, patience=3, tol=1e-3, lam_init=1e-4, lam_min=1e-8,
                 lam_max=10.0):
        super().__init__(lam_init, lam_min, lam_max)
        if not factor > 1:
            raise ValueError(f"factor must be > 1, got {factor!r}")
        self.factor, self.patience, self.tol = float(factor), int(patience), float(tol)
        self.since = 0

    def update(self, trainer, X_val, y_val) -> None:
        lams = trainer.penalty.lams
        self._start(lams)
        self.since += 1
        h = trainer.history
        if self.since < self.patience or len(h["val_loss"]) <= self.patience:
            return
        tr_now, tr_then = h["data_loss"][-1], h["data_loss"][-1 - self.patience]
        va_now, va_then = h["val_loss"][-1], h["val_loss"][-1 - self.patience]
        scale = max(abs(va_now), 1e-12)
        if (va_now - tr_now) - (va_then - tr_then) > self.tol * scale:
            lams *= self.factor
        elif tr_then - tr_now < self.tol * abs(tr_then) and va_then - va_now < self.tol * scale:
            lams /= self.factor
        else:
            return
        self._clip(lams)
        self.since = 0

    def state_dict(self):
        return {"since": self.since}

    def load_state_dict(self, state):
        self.since = int(state["since"])


def get_adaptive(spec):
    """``None``, ``"hypergradient"``, ``"plateau"`` or a rule object → a rule (or None)."""
    if spec is None:
        return None
    if spec == "hypergradient":
        return HypergradientLam()
    if spec == "plateau":
        return PlateauLam()
    if hasattr(spec, "update"):
        return spec
    raise ValueError(f"adaptive_lam must be None, 'hypergradient', 'plateau' or an object with "
                     f"an update(trainer, X_val, y_val) method, got {spec!r}")
