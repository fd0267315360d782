"""Neural networks with L2 regularization done right.

* :mod:`~shrinkage.nn.layers` — dense layers and activations, forward and backward side by side;
* :mod:`~shrinkage.nn.network` — the MLP; its loss heads are :mod:`shrinkage.datafits`';
* :mod:`~shrinkage.nn.penalties` — ``Σ_l λ_l ‖W_l‖_F²`` (and elastic net, group L2 over neurons)
  per layer, made of :mod:`shrinkage.penalties`' objects;
* :mod:`~shrinkage.nn.prox` — soft-thresholding and block soft-thresholding of neurons (the
  operators of :mod:`shrinkage.penalties` on a weight matrix's columns or rows);
* :mod:`~shrinkage.nn.optimizers`, :mod:`~shrinkage.nn.schedules` — optax-style transformations;
* :mod:`~shrinkage.nn.training` — the mini-batch loop (the penalty's L2 gradient at the head of
  the optimizer chain), history, early stopping, checkpoints;
* :mod:`~shrinkage.nn.adaptive` — λ adjusted during training;
* :mod:`~shrinkage.nn.estimators` — :class:`MLPClassifier`, :class:`MLPRegressor`.
"""

from .layers import Dense
from .network import MLP
from .penalties import LayerPenalty
from .estimators import MLPClassifier, MLPRegressor

__all__ = ["Dense", "MLP", "LayerPenalty", "MLPClassifier", "MLPRegressor"]
