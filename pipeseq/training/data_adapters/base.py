"""The one interface the training loop reads data through.

A data adapter yields *passes*: ``adapter.batches()`` is an iterator over one pass
(an epoch's worth when ``steps_per_epoch`` is not given) of :class:`Batch` tuples.
The loop never asks what the data was (arrays, a generator, a ``PyDataset``, an
HDF5 file); it sees ``Batch(x, y, sample_weight, size)`` only.
"""
from collections import namedtuple

Batch = namedtuple("Batch", ["x", "y", "sample_weight", "global_size"])
Batch.__doc__ = """One batch as the loop sees it.

``x``/``y``: the batch in the user's structure (``prepared=False`` adapters) or lists of
arrays, one per model input/output (``prepared=True``); ``sample_weight``: an array or
``None``; ``global_size``: under data parallelism, the size of the global batch this
rank's shard belongs to (``None`` otherwise)."""


class DataAdapter:
    """Base class: what ``fit``/``evaluate``/``predict`` need from any data source."""

    #: True when batches are already converted and checked against the model.
    prepared = False
    #: What the data is, for messages ("the generator", "the Sequence 'Batches'").
    source = "the data"
    #: True when a new pass can start after one ends (arrays, Sequence); False for a
    #: generator, which is consumed once.
    restartable = True

    @property
    def num_batches(self):
        """Batches in one pass, or ``None`` when unknown (a generator)."""
        return None

    @property
    def num_samples(self):
        """Samples in one pass, or ``None`` when unknown."""
        return None

    @property
    def batch_size(self):
        return None

    def batches(self):
        """An iterator over one pass of :class:`Batch` tuples."""
        raise NotImplementedError

    def on_epoch_end(self):
        """Called after every full pass (``PyDataset.on_epoch_end``)."""

    def close(self):
        """Release worker threads or processes."""
