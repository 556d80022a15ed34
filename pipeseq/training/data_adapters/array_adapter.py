"""Arrays: in memory (checked once, up front) or streamed from disk batch by batch.

Streamed array-likes (h5py datasets, ``np.memmap``, Dask arrays, anything with
``shape``/``dtype``/``__getitem__``/``__len__``) are never read whole: each batch
reads its rows only and is checked as it arrives. ``shuffle="batch"`` shuffles the
order of whole batches (each read as one contiguous block) and keeps a last,
smaller batch at the end -- Keras's option for HDF5 data; ``shuffle=True``
shuffles samples (streamed data is then read row-wise, in increasing order).
"""
import math

import numpy as np

from ... import backend
from .base import Batch, DataAdapter
from .convert import take


class ArrayDataAdapter(DataAdapter):
    """Batches of ``xs``/``ys``/``sw`` rows ``[start, stop)``.

    Parameters
    ----------
    xs, ys : lists of arrays (``ys`` may be ``None``: predict)
    sw : per-sample weights or ``None``
    prepared : True when the arrays were converted and checked against the model
        (in-memory data); False for streamed array-likes, checked batch by batch.
    """

    def __init__(self, xs, ys=None, sw=None, batch_size=None, shuffle=False, prepared=True,
                 steps=None, start=0, stop=None):
        self.xs, self.ys, self.sw = xs, ys, sw
        self.prepared = prepared
        self.source = "the arrays" if prepared else "the streamed arrays"
        self.start = int(start)
        self.stop = xs[0].shape[0] if stop is None else int(stop)
        n = self.stop - self.start
        if not batch_size:
            batch_size = int(math.ceil(n / steps)) if steps else 32
        self._batch_size = int(batch_size)
        if self._batch_size <= 0:
            raise ValueError(f"batch_size must be positive. Received: batch_size={batch_size}")
        if shuffle not in (True, False, "batch") and not isinstance(shuffle, (int, np.integer)):
            raise ValueError(f"shuffle must be True, False or 'batch'. Received: shuffle={shuffle!r}")
        self.shuffle = shuffle
        self.strategy = None
        self._rng = None

    @property
    def num_samples(self):
        return self.stop - self.start

    @property
    def num_batches(self):
        return int(math.ceil(self.num_samples / self._batch_size))

    @property
    def batch_size(self):
        return self._batch_size

    def set_strategy(self, strategy):
        """Data parallelism: each global batch is split over the ranks; shared shuffling."""
        self.strategy = strategy
        self._rng = strategy.rng

    def split(self, fraction, batch_size=None):
        """``(train, validation)``: the last ``fraction`` of the rows (before any shuffling)
        is held out, as Keras's ``validation_split`` does."""
        n = self.num_samples
        split_at = int(math.floor(n * (1.0 - fraction)))
        if split_at == 0 or split_at == n:
            raise ValueError(f"validation_split={fraction} leaves no "
                             f"{'training' if split_at == 0 else 'validation'} samples "
                             f"out of {n}.")
        cut = self.start + split_at
        train = ArrayDataAdapter(self.xs, self.ys, self.sw, self._batch_size, self.shuffle,
                                 self.prepared, start=self.start, stop=cut)
        val = ArrayDataAdapter(self.xs, self.ys, self.sw, batch_size or self._batch_size, False,
                               self.prepared, start=cut, stop=self.stop)
        return train, val

    def _order(self):
        """The row index of every batch of one pass: slices, or index arrays when shuffled."""
        lo, n, bs = self.start, self.num_samples, self._batch_size
        rng = self._rng or backend.rng()
        if self.shuffle == "batch":
            full = n // bs
            blocks = [slice(lo + b * bs, lo + (b + 1) * bs) for b in rng.permutation(full)]
            return blocks + ([slice(lo + full * bs, self.stop)] if n % bs else [])
        if self.shuffle:
            order = rng.permutation(n) + lo
            return [order[i:i + bs] for i in range(0, n, bs)]
        return [slice(lo + i, min(lo + i + bs, self.stop)) for i in range(0, n, bs)]

    def batches(self):
        for index in self._order():
            size = None
            if self.strategy is not None:       # this rank's shard of the global batch
                rows = (np.arange(index.start, index.stop) if isinstance(index, slice)
                        else index)
                size = len(rows)
                index = self.strategy.shard(0, size, rows)
            get = (lambda a: a[index]) if self.prepared else (lambda a: take(a, index))
            yield Batch([get(a) for a in self.xs],
                        None if self.ys is None else [get(a) for a in self.ys],
                        None if self.sw is None else get(self.sw), size)
