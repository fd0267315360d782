"""The progress bar of the cross-validations (:class:`~shrinkage._progress.ProgressBar`)."""

from .._progress import ProgressBar

__all__ = ["ProgressBar"]
