"""Steps and epochs over a data adapter, and the per-batch checks.

``EpochIterator.epoch()`` yields ``(step, Batch)`` with ``x``/``y`` as lists of arrays
checked against the model. With ``steps`` (``steps_per_epoch``) an epoch takes that
many batches and the next one continues the same pass (a new pass starts when one
ends: reshuffled arrays, the next ``PyDataset`` pass); without it an epoch is one
pass. A generator that runs out ends training with Keras's warning.

Batches that were not checked up front (generators, ``PyDataset``, streamed arrays)
are checked here, each before the model sees it: the tuple layout, conversion,
NaN/Inf in x, y and sample weights, shapes against the model and against the
first batch. Errors name the step and what was expected.
"""
import warnings

from .base import Batch

_RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset "
            "or generator can generate at least `steps_per_epoch * epochs` batches.")


def unpack(item, need_y, what, source, where):
    """``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` -> ``(x, y, sw)`` (Keras's rules)."""
    if isinstance(item, list) and need_y and len(item) in (2, 3):   # Keras 2 accepted lists
        item = tuple(item)
    if not isinstance(item, tuple):
        item = (item,)
    if len(item) not in (1, 2, 3):
        raise ValueError(f"{what}(): {source} yielded a tuple of {len(item)} items {where}; "
                         "expected x, (x,), (x, y) or (x, y, sample_weight).")
    x, y, sw = (tuple(item) + (None, None))[:3]
    if need_y and y is None:
        raise ValueError(f"{what}() needs targets: {source} must yield (x, y) or "
                         f"(x, y, sample_weight), but yielded only x {where}.")
    return x, (y if need_y else None), (sw if need_y else None)


class EpochIterator:
    """Epochs of checked batches from ``adapter``.

    ``prepare(x, y, sample_weight, class_weight)`` converts and checks one batch
    against the model and returns ``(xs, ys, sw, n)``.
    """

    def __init__(self, adapter, prepare, what="fit", steps=None, need_y=True,
                 class_weight=None, max_samples=None):
        if steps is not None and (int(steps) != steps or steps <= 0):
            raise ValueError(f"{what}(): steps must be a positive integer. Received: {steps!r}")
        self.adapter, self.prepare, self.what = adapter, prepare, what
        self.steps = None if steps is None else int(steps)
        self.need_y, self.class_weight = need_y, class_weight
        self.max_samples = max_samples
        self.num_batches = self.steps or adapter.num_batches
        self.exhausted = False     # a generator ran out: no more epochs
        self._stream = None
        self._passes = 0
        self._epochs = 0
        self._first = None         # shapes of the first checked batch

    def epoch(self):
        """Yield ``(step, Batch)`` for one epoch."""
        self._epochs += 1
        continuing = self.steps is not None or self.max_samples is not None
        if not continuing:
            self._stream = None
        step = samples = 0
        while self.steps is None or step < self.steps:
            if self._stream is None:
                if self._passes and not self.adapter.restartable:
                    self._ran_out()
                    break
                self._stream = iter(self.adapter.batches())
                self._passes += 1
            try:
                item = next(self._stream)
            except StopIteration:
                self._stream = None
                self.adapter.on_epoch_end()
                if not continuing or self.what != "fit":
                    break
                if step == 0 and not self.adapter.num_batches:
                    self._ran_out()
                    break
                continue      # fit with steps_per_epoch: the next pass continues this epoch
            batch = self._check(item, step)
            yield step, batch
            step += 1
            samples += len(batch.x[0])
            if self.max_samples is not None and samples >= self.max_samples:
                break
        if self.num_batches is None and not continuing and not self.exhausted:
            self.num_batches = step         # learned from the first pass (progress bar total)

    def split(self, fraction, batch_size=None):
        """Hold out the last ``fraction`` of array data for validation (Keras's
        ``validation_split``); returns the validation :class:`EpochIterator`."""
        split = getattr(self.adapter, "split", None)
        if split is None:
            raise ValueError("validation_split is only supported for array data (NumPy arrays, "
                             f"h5py datasets, memmaps, Dask arrays); received {self.adapter.source}. "
                             "Pass validation_data instead.")
        self.adapter, val = split(fraction, batch_size)
        self.num_batches = self.steps or self.adapter.num_batches
        return EpochIterator(val, self.prepare, "evaluate", need_y=self.need_y,
                             class_weight=self.class_weight)

    def _ran_out(self):
        if not self.exhausted:
            warnings.warn(_RAN_OUT, stacklevel=4)
        self.exhausted = True

    def close(self):
        self._stream = None
        self.adapter.close()

    # ----------------------------------------------------------- checks
    def _where(self, step):
        return f"at step {step}" + (f" of epoch {self._epochs}" if self.what == "fit" else "")

    def _check(self, item, step):
        if self.adapter.prepared:
            return item
        where = self._where(step)
        if isinstance(item, Batch):
            x, y, sw, size = item
        else:
            (x, y, sw), size = unpack(item, self.need_y, self.what, self.adapter.source, where), None
        try:
            xs, ys, sw, _ = self.prepare(x, y, sw, self.class_weight)
            self._check_consistent(xs, ys, sw)
        except (ValueError, TypeError) as e:
            raise type(e)(f"{self.what}(): bad batch from {self.adapter.source} {where}: "
                          f"{e}") from None
        return Batch(xs, ys, sw, size)

    def _check_consistent(self, xs, ys, sw):
        shapes = ([x.ndim for x in xs], [y.shape[1:] for y in ys or []],
                  None if sw is None else sw.ndim)
        if self._first is None:
            self._first = shapes
            return
        for i, (now, then) in enumerate(zip(shapes[0], self._first[0])):
            if now != then:
                raise ValueError(f"x{'' if len(xs) == 1 else f'[{i}]'} has {now} dimensions, "
                                 f"but earlier batches had {then}. Every batch must have the "
                                 "same structure and shapes, except for the batch size.")
        for i, (now, then) in enumerate(zip(shapes[1], self._first[1])):
            if now != then:
                raise ValueError(f"y{'' if len(ys) == 1 else f'[{i}]'} has samples of shape "
                                 f"{now}, but earlier batches had samples of shape {then}. Every "
                                 "batch must have the same shapes, except for the batch size.")
        if (shapes[2] is None) != (self._first[2] is None):
            raise ValueError("sample weights appear in some batches and not in others: yield "
                             "(x, y, sample_weight) for every batch or for none.")
