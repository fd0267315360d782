r"""The training loop: mini-batches, validation, early stopping, checkpoints, an honest history.

:class:`Trainer` runs epochs of shuffled mini-batch steps on a network
(:class:`~shrinkage.nn.network.MLP`), a penalty (:class:`~shrinkage.nn.penalties.LayerPenalty`)
and an optimizer (:mod:`~shrinkage.nn.optimizers`). The optimizer it runs is the one given with
the penalty's L2 in the loss at its head, ``chain(add_decayed_weights(penalty.l2_coefficients),
optimizer)``: each step the chain adds ``2λ_l(1−ρ_l)W_l`` with the penalty's current λ (so
adaptive λ is followed) to the gradient before any scaling. Each step computes the batch's data
gradient, adds the L1 and group subgradients in place (``mode="subgradient"``; with
``mode="prox"`` the optimizer ends with the proximal step instead), and applies the chain's
updates. The loop writes no formula of its own: losses come from the network's head
(:mod:`shrinkage.datafits`), penalty values and gradients from the penalty
(:mod:`shrinkage.penalties`).

History
-------
``history`` is a dict of per-epoch lists. With ``train_loss="epoch_end"`` (the default) every
entry describes the weights **at the end of the epoch**:

==================  ============================================================================
``epoch``           1, 2, …
``data_loss``       mean data loss on the whole training set (float64)
``penalty``         ``Σ_l λ_l[(1−ρ_l)‖W_l‖² + ρ_l‖W_l‖₁] + Σ_l γ_l Σ_g √p_g‖W_{l,g}‖`` with the
                    λ used during the epoch, every term whether applied by gradient or prox
``loss``            ``data_loss + penalty``: the objective of :mod:`shrinkage.conventions`
``val_loss``        mean data loss on the validation set (NaN without one)
``val_score``       the score on the validation set (accuracy, R²; NaN without one)
``lam``             list of the per-layer λ used during the epoch
``weight_norms``    list of the per-layer Frobenius norms ``‖W_l‖_F``
``decay``           ``1 − Π_t(1 − lr_t·wd)``: the fraction of each (masked) weight that the
                    decoupled weight decay removed during the epoch (0 without decay)
``lr``              the learning rate of the epoch's last step
``live_neurons``    list, per weight matrix, of the neurons whose weight group is not exactly
                    zero: units of layer ``l+1`` with a non-zero incoming column ``W_l[:, j]``
                    (``group_axis="in"``, also without a group penalty) or units of layer ``l``
                    with a non-zero outgoing row ``W_l[i, :]`` (``"out"``; the input features
                    for ``l = 0``); see :mod:`shrinkage.nn.prox`
==================  ============================================================================

``train_loss="running"`` saves the extra pass over the training data: ``data_loss`` is then the
mean of the mini-batch losses seen during the epoch (weights changing as it goes) while
``penalty`` is still that of the end-of-epoch weights, so ``loss`` mixes two moments.

Stopping and interruption
-------------------------
The monitored quantity is ``val_loss`` when there is a validation set, else ``loss``. The best
weights so far are kept; ``early_stopping=True`` stops after ``patience`` epochs without an
improvement of at least ``tol`` and restores them. Ctrl-C (``KeyboardInterrupt``) during training
stops cleanly: the half-finished epoch is dropped, the best weights so far are restored, and
``interrupted`` is set. An epoch counts once its history entry, best weights and adaptive λ are
committed together; an interrupt anywhere before that (the bookkeeping included) rolls them back,
so the history always has one entry per counted epoch in every key.

Divergence
----------
Before the first epoch the objective is measured on the first rows (``start_loss``); a penalty
whose value leaves the data loss below the training dtype's precision (the data term then
vanishes from every gradient) is warned about, naming λ. An epoch whose objective is not finite,
or more than :data:`DIVERGENCE_RATIO` times ``start_loss`` (a finite loss can explode too: Adam's
bounded steps at a huge learning rate), has diverged: training stops, the epoch stays in the
history but never counts as the best, and the message names the cause (the learning rate, or λ).
When the best earlier epoch improved on ``start_loss`` its weights are restored with a
``RuntimeWarning``; otherwise there are no weights worth keeping and ``ValueError`` is raised.

Checkpoints
-----------
With ``checkpoint="path.npz"`` the full state (weights, best weights, optimizer state, λ,
history, random generator, adaptive-λ state) is written every ``checkpoint_every`` epochs
(never for a diverged epoch), atomically; :meth:`Trainer.load_checkpoint` checks all of it
against the trainer before restoring any (:mod:`shrinkage.nn.checkpoint`).
"""

from __future__ import annotations

import numpy as np

from .._warnings import warn_user
from ..datafits import normalized_weights
from . import checkpoint
from .layers import check_random_state
from .optimizers import add_decayed_weights, apply_updates, chain
from .prox import live_units

__all__ = ["Trainer", "HISTORY_KEYS", "DIVERGENCE_RATIO"]

#: An epoch whose training objective exceeds this multiple of the objective at the start has
#: diverged (a working run only goes down from there, give or take noise).
DIVERGENCE_RATIO = 1e4
_START_ROWS = 1024          # rows the objective at the start is measured on

HISTORY_KEYS = ("epoch", "data_loss", "penalty", "loss", "val_loss", "val_score", "lam",
                "weight_norms", "decay", "lr", "live_neurons")


class Trainer:
    """Mini-batch training of a network with a penalty and an optimizer (see module doc).

    Parameters
    ----------
    net : MLP
    penalty : LayerPenalty
    optimizer : GradientTransformation
        Run with the penalty's L2 gradient at its head (module doc).
    batch_size : int, default=128
    shuffle : bool, default=True
    random_state : None, int or numpy.random.Generator
        Drives the shuffling.
    early_stopping : bool, default=False
    patience : int, default=10
    tol : float, default=1e-4
    score : callable ``(net, X, y) -> float``, optional
        Validation score (higher is better) recorded as ``val_score``; called
        ``score(net, X, y, sw)`` when the validation rows are weighted (``sw`` sums to one).
    adaptive_lam : object with ``update(trainer, X_val, y_val)``, optional
        See :mod:`shrinkage.nn.adaptive`; needs a validation set.
    learning_rate : callable ``step -> lr``, optional
        The optimizer's schedule, for the history (``lr``, ``decay``) and adaptive λ.
    weight_decay : float, default=0.0
        The optimizer's decoupled decay rate, for the ``decay`` history entry.
    checkpoint : str or path, optional
    checkpoint_every : int, default=1
    train_loss : {"epoch_end", "running"}, default="epoch_end"
    callbacks : sequence
        Objects with optional ``on_batch_end(trainer)`` / ``on_epoch_end(trainer)`` methods.

    Attributes
    ----------
    optimizer : GradientTransformation
        ``chain(add_decayed_weights(penalty.l2_coefficients), optimizer)``: what a step applies;
        :attr:`opt_state` is its state (the L2 head has none).
    history : dict of lists
    epoch, step : int
        Epochs and optimizer steps completed.
    best_params : list of ndarray or None
    interrupted : bool
    start_loss : float or None
        The objective before the first step (on up to 1024 rows), the reference for divergence.
    """

    def __init__(self, net, penalty, optimizer, *, batch_size=128, shuffle=True,
                 random_state=None, early_stopping=False, patience=10, tol=1e-4, score=None,
                 adaptive_lam=None, learning_rate=None, weight_decay=0.0, checkpoint=None,
                 checkpoint_every=1, train_loss="epoch_end", callbacks=()):
        if train_loss not in ("epoch_end", "running"):
            raise ValueError(f"train_loss must be 'epoch_end' or 'running', got {train_loss!r}")
        self.net, self.penalty = net, penalty
        self.optimizer = chain(add_decayed_weights(penalty.l2_coefficients), optimizer)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.rng = check_random_state(random_state)
        self.early_stopping, self.patience, self.tol = early_stopping, int(patience), float(tol)
        self.score, self.adaptive_lam = score, adaptive_lam
        self.learning_rate, self.weight_decay = learning_rate, float(weight_decay)
        self.checkpoint, self.checkpoint_every = checkpoint, int(checkpoint_every)
        self.train_loss, self.callbacks = train_loss, list(callbacks)
        self.opt_state = self.optimizer.init(net.params)
        self.history = {k: [] for k in HISTORY_KEYS}
        self.epoch = self.step = 0
        self.best_params, self.best_value, self.best_epoch, self.wait = None, np.inf, 0, 0
        self._spare = None                  # arrays the next best weights are copied into
        self.start_loss, self._swamped = None, []
        self.interrupted = self.stopped = False
        self.weights = self.val_weights = self._row_scale = None   # of the current run's rows

    def _set_weights(self, sample_weight, n, val_weight, n_val):
        # normalised to sum to one (shrinkage.conventions); a batch weighs its rows by n·w_i/m,
        # so that its mean loss is an unbiased estimate of the weighted mean over all rows
        self.weights = None if sample_weight is None else normalized_weights(sample_weight, n)
        self.val_weights = None if val_weight is None else normalized_weights(val_weight, n_val)
        self._row_scale = None if sample_weight is None else self.weights * n

    # -- one epoch ----------------------------------------------------------------------------
    def _epoch(self, X, y):
        n = X.shape[0]
        bs = min(self.batch_size, n)
        # int32 indices: half the memory of rng.permutation(n), the same order (shuffle draws
        # the same swaps whatever the integer width)
        order = np.arange(n, dtype=np.int32 if n < 2**31 else np.int64)
        if self.shuffle:
            self.rng.shuffle(order)
        params, grads = self.net.params, self.net.grads
        Xb_full = np.empty((bs,) + X.shape[1:], X.dtype)
        yb_full = np.empty((bs,) + y.shape[1:], y.dtype)
        scale = self._row_scale
        swb_full = None if scale is None else np.empty(bs)
        swb = None
        running, keep = 0.0, 1.0
        pen, optimizer = self.penalty, self.optimizer
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            m = idx.shape[0]
            # mode="clip": the indices are valid, and the default "raise" buffers ``out``
            Xb = X.take(idx, axis=0, out=Xb_full[:m], mode="clip")    # the method: no wrapper
            yb = y.take(idx, axis=0, out=yb_full[:m], mode="clip")
            if scale is not None:
                swb = scale.take(idx, out=swb_full[:m], mode="clip")
                swb *= 1.0 / m
            running += m * self.net.loss_and_grad(Xb, yb, swb)
            if self.weight_decay and self.learning_rate is not None:
                keep *= 1.0 - self.learning_rate(self.step) * self.weight_decay
            pen.add_gradient(params, grads, l2=False)      # L1, group (the chain adds the L2)
            updates, self.opt_state = optimizer.update(grads, self.opt_state, params)
            apply_updates(params, updates)
            self.step += 1
            for cb in self.callbacks:
                if hasattr(cb, "on_batch_end"):
                    cb.on_batch_end(self)
        if self.weight_decay and self.learning_rate is None:
            return running / n, float("nan")
        return running / n, 1.0 - keep

    def _record(self, X, y, X_val, y_val, running, decay):
        """The epoch's history entries (module doc) and its monitored value; changes nothing."""
        net, params, wv = self.net, self.net.params, self.val_weights
        data = (net.data_loss(X, y, sample_weight=self.weights) if self.train_loss == "epoch_end"
                else running)
        pen = self.penalty.value(params)
        has_val = X_val is not None
        val_loss = net.data_loss(X_val, y_val, sample_weight=wv) if has_val else float("nan")
        score = float("nan")
        if has_val and self.score is not None:
            score = float(self.score(net, X_val, y_val) if wv is None
                          else self.score(net, X_val, y_val, wv))
        record = {
            "epoch": self.epoch + 1, "data_loss": data, "penalty": pen, "loss": data + pen,
            "val_loss": val_loss, "val_score": score,
            "lam": self.penalty.lams.tolist(),
            "weight_norms": [float(np.linalg.norm(W.astype(np.float64))) for W in params[0::2]],
            "decay": decay,
            "lr": (float(self.learning_rate(max(self.step - 1, 0)))
                   if self.learning_rate is not None else float("nan")),
            "live_neurons": (self.penalty.live_neurons(params)
                             if hasattr(self.penalty, "live_neurons")
                             else [live_units(W, "in") for W in params[0::2]]),
        }
        return record, (val_loss if has_val else data + pen)

    def _commit(self, record, monitored, X_val, y_val, diverged=False):
        """Append ``record`` to the history, count the epoch, keep the best weights and let
        adaptive λ move: all of it or, when anything (Ctrl-C included) interrupts, none of it.

        The best weights are copied into a spare set of arrays and swapped in, so the previous
        best survives until the epoch is committed; an adaptive rule's state is restored through
        its ``state_dict`` / ``load_state_dict`` (a rule without them keeps what it did).
        """
        rule = self.adaptive_lam
        saved = (self.epoch, self.best_value, self.best_epoch, self.wait, self.best_params,
                 self.penalty.lams.copy(),
                 rule.state_dict() if hasattr(rule, "state_dict") else None)
        try:
            for key, value in record.items():
                self.history[key].append(value)
            self.epoch += 1
            self.wait = 0 if monitored < self.best_value - self.tol else self.wait + 1
            if monitored < self.best_value and not diverged:
                best = self._spare
                if best is None:
                    best = [p.copy() for p in self.net.params]
                else:                            # reuse the arrays: no new allocation
                    for b, p in zip(best, self.net.params):
                        np.copyto(b, p)
                self._spare, self.best_params = self.best_params, best
                self.best_value, self.best_epoch = monitored, self.epoch
            if rule is not None:
                rule.update(self, X_val, y_val)
        except BaseException:
            self._rollback(saved)
            raise

    def _rollback(self, saved):
        """Back to the state :meth:`_commit` found (the last complete epoch)."""
        epoch, best_value, best_epoch, wait, best_params, lams, rule_state = saved
        for values in self.history.values():
            del values[epoch:]
        self.epoch, self.wait = epoch, wait
        self.best_value, self.best_epoch = best_value, best_epoch
        self.best_params, self._spare = best_params, None
        self.penalty.lams[:] = lams
        if rule_state is not None:
            self.adaptive_lam.load_state_dict(rule_state)

    # -- divergence ---------------------------------------------------------------------------
    def _check_start(self, X, y):
        """Measure :attr:`start_loss`; warn when a layer's penalty drowns the data term."""
        w = None if self.weights is None else self.weights[:_START_ROWS]
        w = w / w.sum() if w is not None and w.sum() > 0 else None
        data = self.net.data_loss(X[:_START_ROWS], y[:_START_ROWS], sample_weight=w)
        pens = self.penalty.layer_values(self.net.params)
        self.start_loss = data + float(pens.sum())
        eps = float(np.finfo(self.net.dtype).eps)
        # below eps·penalty the data gradient is lost in rounding beside 2λW
        swamped = [l for l, p in enumerate(pens) if p > 0 and not data > eps * p]
        self._swamped = swamped
        if swamped:
            names = ", ".join(self._lam_text(l) for l in swamped)
            warn_user(f"the penalty on {names} is so large that the data term vanishes beside it in "
                 f"{self.net.dtype} arithmetic (penalty {pens[swamped[0]]:.3g} against a data "
                 f"loss of {data:.3g} at the start): training can only shrink those weights to "
                 "zero, whatever the data; lower lam", RuntimeWarning)

    def _lam_text(self, l):
        return f"{self.penalty.layer_names[l]} (lam={self.penalty.lams[l]:.3g})"

    def _diverged(self, record, monitored) -> bool:
        loss = record["loss"]
        return bool(not (np.isfinite(loss) and np.isfinite(monitored))
                    or (self.start_loss is not None and self.start_loss > 0
                        and loss > DIVERGENCE_RATIO * self.start_loss))

    def _on_divergence(self, record, X):
        """Stop: warn (best weights kept) or raise (none worth keeping), naming the cause."""
        self.stopped = True
        what = (f"training diverged at epoch {self.epoch}: the objective went from "
                f"{self.start_loss:.3g} at the start to {record['loss']:.3g}")
        if self._swamped:
            cause = (f"the penalty on {', '.join(self._lam_text(l) for l in self._swamped)} "
                     "drowns the data term; lower lam")
        else:
            lr, lam = record["lr"], float(np.max(self.penalty.lams, initial=0.0))
            cause = "lower the learning_rate" + (f" (the last step's was {lr:.3g})"
                                                 if np.isfinite(lr) else "")
            if lr * lam >= 1:           # W ← (1 − 2λ·lr)W − lr·∇L overshoots past 2λ·lr = 2
                cause += (f"; under plain SGD the L2 term alone needs it below 1/λ = "
                          f"{1 / lam:.3g}")
            scale = float(np.max(np.abs(X), initial=0.0))
            if scale > 1e4:
                cause += f"; the features reach {scale:.3g}: standardize them"
        h = self.history
        if self.best_params is None or not h["loss"][self.best_epoch - 1] < self.start_loss:
            raise ValueError(f"{what}, and no epoch before it improved on the start, so there "
                             f"are no weights worth keeping: {cause}")
        warn_user(f"{what}; keeping the weights of epoch {self.best_epoch}, the best before it "
             f"(objective {h['loss'][self.best_epoch - 1]:.3g}). To train further, {cause}",
             RuntimeWarning)

    # -- the loop -----------------------------------------------------------------------------
    def run(self, X, y, X_val=None, y_val=None, epochs=1, sample_weight=None, val_weight=None):
        """Train ``epochs`` more epochs (fewer if early stopping triggers); returns self.

        ``sample_weight`` (n,) and ``val_weight`` (n_val,) weight the rows of the training and
        the validation set (any positive scale; normalised to sum to one): every loss is then a
        weighted mean, and ``score`` is called with the validation weights as a fourth argument.

        Ctrl-C (``KeyboardInterrupt``) anywhere in an epoch stops cleanly: an epoch counts once
        its history entry, best weights and adaptive λ are committed together (:meth:`_commit`);
        an interrupt before that drops the epoch, one after it (in a callback or the
        checkpoint) keeps it. Either way the history stays rectangular with one entry per
        counted epoch, the best weights so far are restored and :attr:`interrupted` is set.
        """
        if self.adaptive_lam is not None and X_val is None:
            raise ValueError("adaptive_lam needs a validation set; pass X_val, y_val or a "
                             "validation_fraction")
        self.stopped = self.interrupted = False
        current = self.epoch + 1
        try:
            self._set_weights(sample_weight, X.shape[0], val_weight,
                              0 if X_val is None else X_val.shape[0])
            if self.start_loss is None:
                self._check_start(X, y)
            for _ in range(int(epochs)):
                current = self.epoch + 1
                running, decay = self._epoch(X, y)
                record, monitored = self._record(X, y, X_val, y_val, running, decay)
                diverged = self._diverged(record, monitored)
                self._commit(record, monitored, X_val, y_val, diverged)
                for cb in self.callbacks:
                    if hasattr(cb, "on_epoch_end"):
                        cb.on_epoch_end(self)
                if diverged:                   # no checkpoint of diverged weights
                    self._on_divergence(record, X)
                    break
                if self.checkpoint is not None and self.epoch % self.checkpoint_every == 0:
                    self.save_checkpoint(self.checkpoint)
                if self.early_stopping and self.wait >= self.patience:
                    self.stopped = True
                    break
            if (self.early_stopping or self.stopped) and self.best_params is not None:
                self.net.set_params(self.best_params)
        except KeyboardInterrupt:
            self.interrupted = True
            kept = (f"keeping the best weights so far (epoch {self.best_epoch})"
                    if self.best_params is not None else
                    f"no epoch completed, the weights are part-way through epoch {current}")
            warn_user(f"training interrupted during epoch {current}; {kept}", RuntimeWarning)
            if self.best_params is not None:
                self.net.set_params(self.best_params)
        return self

    # -- checkpoints --------------------------------------------------------------------------
    def save_checkpoint(self, path) -> None:
        """Write the full training state to ``path`` (``.npz``), atomically
        (:mod:`shrinkage.nn.checkpoint`)."""
        checkpoint.write(self, path)

    def load_checkpoint(self, path) -> "Trainer":
        """Restore the state written by :meth:`save_checkpoint`; every part is checked against
        this trainer (same network and optimizer) before any is restored, and any problem is a
        ``ValueError`` naming the file (:mod:`shrinkage.nn.checkpoint`)."""
        checkpoint.restore(self, checkpoint.read(self, path))
        return self
