"""``Batches``: what stands in for ``tf.data.Dataset`` in Keras 3's dataset utilities.

A ``Batches`` is a ``PyDataset``: ``len()`` batches, ``ds[i]`` is batch ``i`` (an ``(x, y)``
tuple, or ``x`` alone), iterating gives every batch, and ``fit``/``evaluate``/``predict`` read it
like any ``PyDataset``. Batches are built when asked for, so a directory of images is never
loaded whole. The ``tf.data`` methods Keras scripts call on these datasets work:
``take``, ``skip``, ``map``, ``batch``, ``prefetch``, ``cache``, ``as_numpy_iterator``, ``unbatch``,
``cardinality``; ``class_names`` and ``file_paths`` are attributes, as in Keras.

Example
-------
>>> import numpy as np
>>> ds = Batches.from_arrays((np.arange(10), np.arange(10) * 2), batch_size=4)
>>> len(ds), ds[2][0].tolist(), [len(x) for x, _ in ds]
(3, [8, 9], [4, 4, 2])
>>> ds.map(lambda x, y: (x + 100, y)).take(1)[0][0].tolist()
[100, 101, 102, 103]
"""
import numpy as np

from ..training.data_adapters import PyDataset


class Batches(PyDataset):
    """``length`` batches; ``fetch(i)`` builds batch ``i``; ``reshuffle()`` runs after each epoch."""

    def __init__(self, length, fetch, reshuffle=None, **attributes):
        super().__init__()
        self._length, self._fetch, self._reshuffle = int(length), fetch, reshuffle
        for name, value in attributes.items():
            setattr(self, name, value)

    @classmethod
    def from_arrays(cls, arrays, batch_size=32, order=None, reshuffle=None, **attributes):
        """Batches of the rows ``order`` (default: all, in order) of equal-length arrays.

        ``arrays`` is one array or a tuple of arrays; ``batch_size=None`` gives single samples.
        """
        single = not isinstance(arrays, tuple)
        arrays = (arrays,) if single else arrays
        state = {"order": np.arange(len(arrays[0])) if order is None else np.asarray(order)}
        step = 1 if batch_size is None else int(batch_size)

        def fetch(i):
            rows = state["order"][i * step:(i + 1) * step]
            out = tuple(a[rows[0]] if batch_size is None else a[rows] for a in arrays)
            return out[0] if single else out

        def again():
            if reshuffle is not None:
                state["order"] = reshuffle(state["order"])
        n = -(-len(state["order"]) // step)
        return cls(n, fetch, again if reshuffle is not None else None, **attributes)

    def __len__(self):
        return self._length

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)) and -self._length <= index < self._length:
            return self._fetch(int(index) % self._length)
        raise IndexError(f"Batch index {index!r} is out of range: this dataset has "
                         f"{self._length} batches.")

    def on_epoch_end(self):
        if self._reshuffle is not None:
            self._reshuffle()

    def _derived(self, length, fetch):
        out = Batches(length, fetch, self.on_epoch_end)
        for name in ("class_names", "file_paths"):
            if hasattr(self, name):
                setattr(out, name, getattr(self, name))
        return out

    # -- the tf.data methods scripts use ----------------------------------------------------
    def take(self, count):
        """The first ``count`` batches (all if ``count`` is -1)."""
        n = self._length if count < 0 else min(int(count), self._length)
        return self._derived(n, self._fetch)

    def skip(self, count):
        n = max(self._length - int(count), 0)
        return self._derived(n, lambda i: self._fetch(i + int(count)))

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Apply ``map_func`` to every batch (a tuple batch is passed as separate arguments)."""
        def fetch(i):
            batch = self._fetch(i)
            return map_func(*batch) if isinstance(batch, tuple) else map_func(batch)
        return self._derived(self._length, fetch)

    def prefetch(self, buffer_size=None, name=None):
        """Kept for tf.data scripts; reading ahead is ``fit``'s ``workers``' job here."""
        return self

    def cache(self, filename="", name=None):
        """Keep every batch once built (in memory; ``filename`` is ignored)."""
        store = {}

        def fetch(i):
            if i not in store:
                store[i] = self._fetch(i)
            return store[i]
        return self._derived(self._length, fetch)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Group ``batch_size`` consecutive elements into one (stacking each tuple part)."""
        size = int(batch_size)
        n = self._length // size if drop_remainder else -(-self._length // size)

        def fetch(i):
            items = [self._fetch(j) for j in range(i * size, min((i + 1) * size, self._length))]
            if isinstance(items[0], tuple):
                return tuple(np.stack(part) for part in zip(*items))
            return np.stack(items)
        return self._derived(n, fetch)

    def as_numpy_iterator(self):
        return iter(self)

    def unbatch(self):
        """The single samples of every batch, in order (a generator)."""
        for batch in self:
            if isinstance(batch, tuple):
                yield from zip(*batch)
            else:
                yield from batch

    def cardinality(self):
        return self._length

    def __repr__(self):
        extra = f", class_names={self.class_names}" if hasattr(self, "class_names") else ""
        return f"<Batches: {self._length} batches{extra}>"
