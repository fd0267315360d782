"""Fixtures shared by the test folders."""

import pytest


@pytest.fixture
def ctrl_c_in_third_epoch(monkeypatch):
    """Ctrl-C (``KeyboardInterrupt``) during the third epoch of every network's training."""
    from shrinkage.nn.training import Trainer
    epoch = Trainer._epoch

    def _epoch(self, X, y):
        if self.epoch == 2:
            raise KeyboardInterrupt
        return epoch(self, X, y)
    monkeypatch.setattr(Trainer, "_epoch", _epoch)
