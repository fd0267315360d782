"""The parameters and fitted attributes shared by :class:`~shrinkage.MLPClassifier` and
:class:`~shrinkage.MLPRegressor`, documented once (their docstrings include it)."""

PARAMS_TEMPLATE = """
    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Widths of the hidden layers. The weight matrices are named ``"dense_0"`` (input side)
        to ``"dense_{L}"`` (output layer).
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "gelu"}, default="relu"
        ``gelu`` is exact (``x Φ(x)``).
    init : {"auto", "he", "xavier"}, default="auto"
        Initial weights (biases start at 0). ``"he"``: ``W_l ~ N(0, 2/d_l)``; ``"xavier"``:
        Glorot uniform ``W_l ~ U(±√(6/(d_l + d_{l+1})))``, scikit-learn's MLP initialisation
        for relu and tanh. A named scheme applies to every layer, the output layer included;
        ``"auto"`` uses He for the hidden layers of relu-like activations (relu, leaky_relu,
        gelu) and Xavier for tanh, sigmoid and the output layer. Drawn from ``random_state``.
    lam : float, sequence or mapping, default=1e-4
        ``λ`` per weight matrix: a scalar for all, one value per matrix (0 = none), or a mapping
        ``{"dense_0": λ_0, …}`` (layers left out get 0). See :mod:`shrinkage.nn.penalties`.
    l1_ratio : float, sequence or mapping, default=0.0
        ``ρ_l``: mixes L1 into each layer's penalty (elastic net), applied by ``penalty_mode``.
    group_lam : float, sequence or mapping, default=0.0
        ``γ_l``: group L2 over neurons, ``γ_l Σ_g √p_g ‖W_{l,g}‖₂`` (norm not squared), per
        weight matrix in the forms of ``lam``.
    group_axis : {"in", "out"}, default="in"
        The neurons' groups: ``"in"`` the incoming weights ``W_l[:, j]`` of unit ``j`` of the
        layer's output (``p_g = d_in``); ``"out"`` the outgoing weights ``W_l[i, :]`` of unit
        ``i`` of its input (``p_g = d_out``), which on ``"dense_0"`` selects input features.
    penalty_mode : {"auto", "prox", "subgradient"}, default="auto"
        ``"prox"``: L1 and group parts by a proximal step after each gradient step, with the
        step's learning rate (exact zeros); ``"subgradient"``: in the gradient. ``"auto"`` is
        ``"prox"`` when ``l1_ratio`` or ``group_lam`` is non-zero somewhere. With a
        ``GradientTransformation`` as ``optimizer`` the prox uses ``learning_rate`` and
        ``schedule``, which must then be the optimizer's.
    penalize_bias : bool, default=False
    weight_decay : float, default=0.0
        Decoupled decay rate: each step removes ``learning_rate · weight_decay`` of every weight
        (biases excluded), after the optimizer's scaling (AdamW with ``optimizer="adam"``).
    optimizer : {"adam", "sgd", "momentum", "nesterov", "rmsprop"} or GradientTransformation
    learning_rate : float, default=1e-3
        Training that diverges (the objective not finite, or more than 10⁴ times its value at
        the start) stops with a message naming the learning rate, or λ when the penalty
        drowns the data term (warned about before the first epoch): the best earlier epoch's
        weights are kept with a ``RuntimeWarning`` when it improved on the start, otherwise
        ``fit`` raises ``ValueError`` (no weights worth keeping). See
        :mod:`shrinkage.nn.training`.
    momentum : float, default=0.9
        For ``"momentum"`` and ``"nesterov"``.
    schedule : {"constant", "step", "exponential", "cosine", "cyclical"} or callable
        ``"step"`` halves the rate every ``max_epochs // 4`` epochs; ``"exponential"`` decays it
        to 1% by ``max_epochs``; ``"cosine"`` to 0 by ``max_epochs``; ``"cyclical"`` is
        triangular between ``learning_rate / 10`` and ``learning_rate`` with a half cycle of
        ``max_epochs // 8`` epochs. A callable maps the step count to the rate.
    batch_size : int or "auto", default="auto"
        ``"auto"`` is ``min(200, n_samples)``.
    max_epochs : int, default=200
        When ``fit`` ends here while the monitored loss still improved by ``tol`` within the
        last ``patience`` epochs, it warns ``ConvergenceWarning`` (not after early stopping).
        Ctrl-C (``KeyboardInterrupt``) during training stops it cleanly instead of raising:
        ``fit`` returns with a ``RuntimeWarning``, the half-finished epoch dropped, the best
        weights so far restored, and ``interrupted_`` set.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows (unless ``X_val`` is given), stop after
        ``patience`` epochs without an improvement of ``tol`` in the validation loss, and
        restore the best weights.
    validation_fraction : float, default=0.1
        Used when ``early_stopping`` or ``adaptive_lam`` needs a validation set.
    patience : int, default=10
    tol : float, default=1e-4
    adaptive_lam : {None, "hypergradient", "plateau"} or rule object, default=None
        Adjust λ per layer during training (:mod:`shrinkage.nn.adaptive`); ``lam`` is the start
        (0 starts at 1e-4).
    shuffle : bool, default=True
    dtype : {"float32", "float64"}, default="float32"
    train_loss : {"epoch_end", "running"}, default="epoch_end"
        How ``history_["data_loss"]`` is measured (:mod:`shrinkage.nn.training`).
    checkpoint : str, optional
        Path of an ``.npz`` checkpoint written every epoch; ``fit(..., resume=True)`` continues
        from it.
    n_threads : int or None, default=None
        BLAS threads while training. None: one thread when the largest per-batch matrix
        product is under 2·10⁷ multiply-adds (where extra BLAS threads save nothing or cost),
        otherwise the BLAS threads the caller allows (by default all cores: on an idle machine
        2 threads made a 784-256-10 epoch 14–17 % faster). On a machine whose cores are busy
        with other work, ``n_threads=1`` is faster (threads that wait for each other made
        epochs up to 20× slower there). The thread count changes the rounding of the matrix
        products, so fits with different counts agree to float precision, not bit for bit.
    progress : bool, default=False
        Show a progress bar over the epochs ("training") on stderr during ``fit`` and
        ``partial_fit``; silent when False. It changes nothing in the fit.
    random_state : None, int or numpy.random.Generator
{extra}
    Attributes
    ----------
    coefs_ : list of ndarray of shape (d_l, d_{l+1})
    intercepts_ : list of ndarray of shape (d_{l+1},)
    history_ : dict of lists
        Per-epoch ``data_loss``, ``penalty``, ``loss`` (= data_loss + penalty), ``val_loss``,
        ``val_score``, ``lam``, ``weight_norms``, ``decay``, ``lr``, ``live_neurons``; see
        :mod:`shrinkage.nn.training`.
    n_iter_ : int
        Epochs run.
    lam_ : ndarray of shape (n_layers,)
        Final per-layer λ (differs from ``lam`` with ``adaptive_lam``).
    best_epoch_ : int
        The epoch with the lowest monitored loss (``val_loss`` with a validation set, else
        ``loss``); its weights are the model's after early stopping, divergence or Ctrl-C.
    interrupted_ : bool
        True when the last ``fit`` / ``partial_fit`` was stopped by Ctrl-C
        (``KeyboardInterrupt``): ``history_`` and ``n_iter_`` then cover the completed epochs
        only, and ``coefs_`` / ``intercepts_`` are those of ``best_epoch_`` (when an epoch
        completed). False otherwise.
    loss_ : float
        The objective at the last epoch.
    head_ : {"softmax", "logistic", "squared"}
        The network's loss head, a key of :data:`shrinkage.nn.network.HEADS` (its datafit in
        :mod:`shrinkage.datafits`).
    n_features_in_ : int
"""

#: The regressor's parameters.
PARAMS_DOC = PARAMS_TEMPLATE.replace("{extra}\n", "")

#: The classifier's: the shared ones and ``class_weight``.
CLASSIFIER_PARAMS_DOC = PARAMS_TEMPLATE.replace("{extra}\n", """\
    class_weight : None, "balanced" or dict, default=None
        Weights of the classes, multiplying ``sample_weight``: ``"balanced"`` is
        ``n_samples / (n_classes · n_k)`` (counted in the ``y`` given to ``fit``), a dict maps
        labels to weights (1 for labels it leaves out). ``partial_fit`` takes a dict only.
""")
