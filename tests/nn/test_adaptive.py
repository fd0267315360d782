"""The plateau rule of :mod:`shrinkage.nn.adaptive` on hand-made histories, exact values.

The documented rule: every ``patience`` epochs, compare with ``patience`` epochs ago; when the
gap ``val_loss − data_loss`` widened by more than ``tol·|val_loss|``, multiply every λ by
``factor``; otherwise, when neither loss improved by ``tol`` (relative), divide by ``factor``;
otherwise leave λ alone (and decide again next epoch). Layers at λ = 0 start at ``lam_init``.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from shrinkage.nn.adaptive import PlateauLam


def _trainer(lams):
    return SimpleNamespace(penalty=SimpleNamespace(lams=np.array(lams, dtype=float)),
                           history={"data_loss": [], "val_loss": []})


def _epoch(rule, trainer, train, val):
    """Log one epoch's losses, run the rule as the Trainer does, return the λ it leaves."""
    trainer.history["data_loss"].append(train)
    trainer.history["val_loss"].append(val)
    rule.update(trainer, None, None)
    return trainer.penalty.lams.tolist()


def _three_epochs(rule, trainer, train=1.0, val=1.2):
    # the first decision needs `patience` updates and patience + 1 logged epochs
    return [_epoch(rule, trainer, train, val) for _ in range(3)]


def test_widening_gap_multiplies_every_lam_by_factor():
    rule, tr = PlateauLam(factor=2.0, patience=3, tol=1e-3, lam_init=1e-4), _trainer([0.01, 0.0, 0.5])
    before = _three_epochs(rule, tr)                   # epochs 1–3: (1.0, 1.2), gap 0.2
    assert before == [[0.01, 1e-4, 0.5]] * 3           # no decision yet; λ = 0 started at lam_init
    # epoch 4 against epoch 1: train 1.0 → 0.5, val 1.2 → 1.2, gap 0.2 → 0.7
    assert _epoch(rule, tr, 0.5, 1.2) == [0.02, 2e-4, 1.0]
    assert rule.since == 0
    # the next decision waits `patience` epochs, however much the gap widens meanwhile
    assert _epoch(rule, tr, 0.3, 1.5) == [0.02, 2e-4, 1.0]
    assert _epoch(rule, tr, 0.2, 1.8) == [0.02, 2e-4, 1.0]
    # epoch 7 against epoch 4: gap 0.7 → 2.0
    assert _epoch(rule, tr, 0.1, 2.1) == [0.04, 4e-4, 2.0]


def test_both_losses_stalled_divides_every_lam_by_factor():
    rule, tr = PlateauLam(factor=4.0, patience=3, tol=1e-3), _trainer([0.01, 0.5])
    _three_epochs(rule, tr, 1.0, 1.2)
    # train improved 5e-4 < tol·1.0, val not at all; the gap widened 5e-4 < tol·1.2
    assert _epoch(rule, tr, 0.9995, 1.2) == [0.0025, 0.125]
    assert rule.since == 0


def test_improving_losses_leave_lam_unchanged_and_the_rule_decides_again_next_epoch():
    rule, tr = PlateauLam(factor=2.0, patience=3, tol=1e-3), _trainer([0.01, 0.5])
    _three_epochs(rule, tr, 1.0, 1.2)
    assert _epoch(rule, tr, 0.8, 1.0) == [0.01, 0.5]          # both improved, gap unchanged
    assert rule.since == 4                                     # not reset: no decision was taken
    assert _epoch(rule, tr, 0.8, 1.0) == [0.01, 0.5]          # epoch 5 vs 2: both improved
    assert _epoch(rule, tr, 0.8, 1.0) == [0.01, 0.5]          # epoch 6 vs 3: both improved
    assert _epoch(rule, tr, 0.8, 1.0) == [0.005, 0.25]        # epoch 7 vs 4: stalled → ÷ 2


def test_only_the_training_loss_improving_counts_as_not_stalled():
    rule, tr = PlateauLam(factor=2.0, patience=3, tol=1e-3), _trainer([0.01])
    _three_epochs(rule, tr, 1.0, 1.2)
    # train 1.0 → 0.998 (2e-3 > tol), val unchanged: the gap widened 2e-3 > tol·1.2 → × 2
    assert _epoch(rule, tr, 0.998, 1.2) == [0.02]
    rule, tr = PlateauLam(factor=2.0, patience=3, tol=1e-3), _trainer([0.01])
    _three_epochs(rule, tr, 1.0, 1.2)
    # train and val both improve by 2e-3: gap unchanged, not stalled → unchanged
    assert _epoch(rule, tr, 0.998, 1.198) == [0.01]


def test_widening_is_relative_to_the_validation_loss_and_wins_over_a_stall():
    rule, tr = PlateauLam(factor=2.0, patience=3, tol=1e-3), _trainer([0.01])
    _three_epochs(rule, tr, 50.0, 100.0)
    # gap 50 → 50.05 widens by 0.05 < tol·100 = 0.1, while both losses improved by 0.5%
    assert _epoch(rule, tr, 49.75, 99.8) == [0.01]
    rule, tr = PlateauLam(factor=2.0, patience=3, tol=1e-3), _trainer([0.01])
    _three_epochs(rule, tr, 1.0, 1.2)
    # neither loss improved (val got worse), but the gap widened: raise, not lower
    assert _epoch(rule, tr, 1.0, 1.3) == [0.02]


def test_lam_is_clipped_to_its_bounds():
    rule = PlateauLam(factor=2.0, patience=1, tol=1e-3, lam_init=1e-2, lam_min=1e-3, lam_max=1.0)
    tr = _trainer([0.8, 0.0015])
    _epoch(rule, tr, 1.0, 1.2)                                 # one epoch logged: no decision
    assert _epoch(rule, tr, 0.5, 1.2) == [1.0, 0.003]          # × 2, 1.6 clipped to lam_max
    assert _epoch(rule, tr, 0.5, 1.2) == [0.5, 0.0015]         # stalled: ÷ 2
    assert _epoch(rule, tr, 0.5, 1.2) == [0.25, 1e-3]          # 7.5e-4 clipped to lam_min


def test_bad_factor_is_refused():
    with pytest.raises(ValueError, match="factor must be > 1"):
        PlateauLam(factor=0.5)
