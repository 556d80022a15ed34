"""The user-facing dataset classes: Keras 3's ``PyDataset`` and Keras 2's ``Sequence``.

A subclass returns one whole batch from ``__getitem__(index)`` and the number of
batches from ``__len__()``; ``fit``/``evaluate``/``predict`` read it batch by
batch, in order, with ``workers`` threads (or processes with
``use_multiprocessing=True``) fetching up to ``max_queue_size`` batches ahead.
``on_epoch_end()`` runs after every full pass (reshuffle there).

Example
-------
>>> import numpy as np
>>> class Batches(PyDataset):
...     def __init__(self, x, y, batch_size, **kwargs):
...         super().__init__(**kwargs)
...         self.x, self.y, self.batch_size = x, y, batch_size
...     def __len__(self):
...         return -(-len(self.x) // self.batch_size)
...     def __getitem__(self, i):
...         s = slice(i * self.batch_size, (i + 1) * self.batch_size)
...         return self.x[s], self.y[s]
>>> ds = Batches(np.zeros((10, 3)), np.ones(10), batch_size=4, workers=2)
>>> len(ds), ds.workers, ds[2][0].shape
(3, 2, (2, 3))
"""
import itertools
import warnings


class PyDataset:
    """Base class for a dataset written in Python (Keras 3's ``keras.utils.PyDataset``).

    Parameters
    ----------
    workers : int
        Threads (or processes) that fetch batches in parallel during ``fit``.
    use_multiprocessing : bool
        Fetch in worker processes instead of threads (the dataset must be
        picklable; otherwise threads are used, with a warning).
    max_queue_size : int
        How many batches may be fetched ahead of the training step.
    """

    _warn_missing_init = True

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _setting(self, name, default):
        if not hasattr(self, name):
            if self._warn_missing_init:
                warnings.warn(
                    f"Your `{type(self).__name__}` class should call `super().__init__(**kwargs)` "
                    "in its constructor. `**kwargs` can include `workers`, "
                    "`use_multiprocessing`, `max_queue_size`.", stacklevel=3)
            setattr(self, name, default)
        return getattr(self, name)

    @property
    def workers(self):
        return self._setting("_workers", 1)

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        return self._setting("_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        return self._setting("_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        """The batch at position ``index``: ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index), "
                                  "returning one whole batch.")

    @property
    def num_batches(self):
        """Number of batches per pass (``len(self)``), or ``None`` for an endless dataset."""
        if hasattr(type(self), "__len__"):
            return len(self)
        raise NotImplementedError(f"{type(self).__name__} must implement __len__() (the number "
                                  "of batches) or a num_batches property.")

    def __iter__(self):
        try:
            n = self.num_batches
        except NotImplementedError:
            n = None
        for index in (range(n) if n is not None else itertools.count()):
            yield self[index]

    def on_epoch_begin(self):
        """Called at the beginning of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch (every full pass over the batches)."""


class Sequence(PyDataset):
    """Keras 2's ``keras.utils.Sequence``: the same contract as :class:`PyDataset`.

    Keras 2 subclasses do not call ``super().__init__()``; ``workers``,
    ``use_multiprocessing`` and ``max_queue_size`` are then given to ``fit``
    (as Keras 2 did) and default to 1, False and 10.
    """

    _warn_missing_init = False
