"""The progress bar of every long fit: tqdm on stderr, or a counter line without tqdm.

One helper for the cross-validations (:class:`~shrinkage.RidgeCV`,
:class:`~shrinkage.LogisticRegressionCV`, :class:`~shrinkage.selection.LamSearchCV`, the
engine) and the networks (``progress=True``). The bar counts fits (folds, or fold × λ pairs)
or epochs; its total can grow when a grid is extended. On closing it
shows the final count once, then clears its line (``leave=False``), so a finished fit leaves
the terminal as it found it. Disabled, it writes nothing.
"""

from __future__ import annotations

import sys

__all__ = ["ProgressBar"]


class ProgressBar:
    """A progress bar over ``total`` steps, labelled ``desc``; silent unless ``enabled``.

    Parameters
    ----------
    total : int
        Number of steps expected (can grow with :meth:`add_total`).
    desc : str
        The label shown before the count.
    enabled : bool, default=True

    Examples
    --------
    >>> from shrinkage.selection.progress import ProgressBar
    >>> with ProgressBar(3, "folds", enabled=False) as bar:   # disabled: prints nothing
    ...     bar.update(3)
    >>> bar.done
    3
    """

    def __init__(self, total: int, desc: str, enabled: bool = True):
        self.total, self.done, self.desc = int(total), 0, desc
        self.enabled = bool(enabled)
        self.bar = None
        if self.enabled:
            try:
                from tqdm.auto import tqdm
                self.bar = tqdm(total=self.total, desc=desc, leave=False, file=sys.stderr)
            except ImportError:  # tqdm comes with shrinkage[cli]; without it, a counter
                self._print()

    def _print(self, end=""):
        print(f"\r{self.desc}: {self.done}/{self.total}", end=end, file=sys.stderr, flush=True)

    def update(self, k: int = 1) -> None:
        """Advance by ``k`` steps."""
        self.done += int(k)
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(k)
        else:  # pragma: no cover
            self._print()

    def add_total(self, k: int) -> None:
        """Expect ``k`` more steps (a grid was extended)."""
        self.total += int(k)
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def close(self) -> None:
        """Show the final count once, then clear the line."""
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.refresh()        # tqdm skips redraws within 0.1 s; show the last count
            self.bar.close()
            self.bar = None
        else:  # pragma: no cover
            self._print(end="\n")
        self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
