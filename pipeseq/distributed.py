"""Scale-out on standard engines: data-parallel training over MPI, prediction over Dask.

Training (Horovod's pattern, on mpi4py)::

    # train.py -- run with:  mpiexec -n 4 python train.py
    from pipeseq.distributed import MPIStrategy
    strategy = MPIStrategy()
    model.fit(x, y, batch_size=128, epochs=5, strategy=strategy)

Every rank holds the whole data set and the same model. Rank 0's initial weights
are broadcast; all ranks shuffle with one shared seed, so they agree on every
global batch; each rank computes the gradients of its shard of that batch; one
``Allreduce`` per step (all gradients packed into one contiguous buffer) sums
them, each weighted by its shard's share of the batch, so every rank applies the
same update -- the result equals single-process training with the same global
batch size up to float rounding. Losses and metrics are summed over ranks at the
end of each epoch, so every rank's History is identical. Only rank 0 prints
progress and runs callbacks that write files (ModelCheckpoint, CSVLogger).

BatchNormalization: each rank normalises with its own shard's batch statistics
(as Horovod does without SyncBatchNorm: no extra communication per layer), and
the moving mean/variance -- the only non-trainable state -- are averaged over
ranks at the end of every epoch, so all ranks end each epoch with identical
weights. With a global batch of B split over N ranks, the statistics come from
B/N samples: keep B/N large enough (>= 16 or so) for stable statistics.

Prediction over Dask::

    import dask.array as da
    from pipeseq.distributed import predict
    preds = predict(model, da.from_array(x, chunks=(10_000, -1)))   # a dask array
    preds.compute()

The model (weights included) enters the task graph once, as one object, so each
worker receives it once, not once per block.
"""
import warnings

import numpy as np

from .training.callbacks import CSVLogger, ModelCheckpoint, ProgbarLogger
from . import backend


class DistributedError(RuntimeError):
    """Ranks disagree on the model or the data."""


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError:
        raise ImportError("MPIStrategy needs mpi4py and an MPI library: "
                          "pip install 'pipeseq[mpi]' (installs mpi4py and the mpich wheel).") from None
    return MPI


class MPIStrategy:
    """Synchronous data parallelism over MPI (``fit(..., strategy=MPIStrategy())``).

    Parameters
    ----------
    comm : mpi4py communicator, optional
        Defaults to ``MPI.COMM_WORLD``.
    seed : int, optional
        Shuffling seed shared by all ranks (rank 0's value is broadcast).
        Defaults to a seed drawn from pipeseq's generator on rank 0.

    Example
    -------
    >>> strategy = MPIStrategy()            # doctest: +SKIP
    >>> model.fit(x, y, strategy=strategy)  # doctest: +SKIP
    """

    def __init__(self, comm=None, seed=None):
        MPI = _mpi()
        self.MPI = MPI
        self.comm = comm or MPI.COMM_WORLD
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.seed = seed
        self.rng = None
        if self.size == 1:
            warnings.warn("MPIStrategy: running on a single rank (not started under mpiexec?); "
                          "training proceeds as ordinary single-process training. Launch with "
                          "`mpiexec -n N python script.py` to use N processes.", stacklevel=2)

    def __repr__(self):
        return f"<MPIStrategy rank={self.rank} size={self.size}>"

    @property
    def is_chief(self):
        return self.rank == 0

    # ------------------------------------------------------------- setup
    def setup(self, model, n_samples, batch_size):
        """Check all ranks agree, broadcast rank 0's weights and shuffling seed."""
        shapes = [tuple(v.shape) for v in model.weights]
        mine = (shapes, int(n_samples), int(batch_size))
        everyone = self.comm.allgather(mine)      # collective: nobody hangs if one disagrees
        for r, theirs in enumerate(everyone):
            if theirs != everyone[0]:
                what = ("model weight shapes" if theirs[0] != everyone[0][0] else
                        "number of training samples" if theirs[1] != everyone[0][1] else "batch size")
                raise DistributedError(
                    f"MPIStrategy: rank {r} disagrees with rank 0 on the {what}: rank 0 has "
                    f"{_describe(everyone[0], what)}, rank {r} has {_describe(theirs, what)}. "
                    "Every rank must build the same model and load the same data.")
        self.broadcast_weights(model)
        if self.seed is None:
            seed = int(backend.rng().integers(0, 2 ** 31 - 1)) if self.is_chief else None
        else:
            seed = self.seed
        seed = self.comm.bcast(seed, root=0)
        self.rng = np.random.default_rng(seed)

    def broadcast_weights(self, model):
        variables = model.weights
        buf = _pack([v.value for v in variables])
        self.comm.Bcast(buf, root=0)
        _unpack_into(buf, [v.value for v in variables])

    # -------------------------------------------------------------- steps
    def shard(self, lo, hi, order=None):
        """Indices of this rank's share of the global batch ``[lo, hi)``."""
        idx = np.arange(lo, hi) if order is None else order[lo:hi]
        return np.array_split(idx, self.size)[self.rank]

    def allreduce_gradients(self, grads, fraction):
        """Sum ``fraction * grad`` over ranks, in one Allreduce of one contiguous buffer."""
        if self.size == 1:
            return grads
        buf = _pack(grads)
        buf *= np.asarray(fraction, dtype=buf.dtype)
        self.comm.Allreduce(self.MPI.IN_PLACE, buf, op=self.MPI.SUM)
        out = [np.empty_like(g) for g in grads]
        _unpack_into(buf, out)
        return out

    def end_of_epoch(self, model):
        """Sum metric totals/counts over ranks; average non-trainable weights (BN statistics)."""
        if self.size == 1:
            return
        trackers = [model._loss_tracker] + list(model._output_loss_trackers) + \
            [m for ms in model._metrics for m in ms]
        sums = np.array([[t.total, t.count] for t in trackers], dtype="float64")
        self.comm.Allreduce(self.MPI.IN_PLACE, sums, op=self.MPI.SUM)
        for t, (total, count) in zip(trackers, sums):
            t.total, t.count = float(total), float(count)
        frozen = model.non_trainable_weights
        if frozen:
            buf = _pack([v.value for v in frozen])
            self.comm.Allreduce(self.MPI.IN_PLACE, buf, op=self.MPI.SUM)
            buf /= self.size
            _unpack_into(buf, [v.value for v in frozen])

    def allowed_on_worker(self, callback):
        """Callbacks that print or write files run on rank 0 only."""
        return not isinstance(callback, (ProgbarLogger, ModelCheckpoint, CSVLogger))


def _describe(info, what):
    shapes, n, b = info
    return {"model weight shapes": str(shapes), "number of training samples": str(n),
            "batch size": str(b)}[what]


def _pack(arrays):
    dtype = np.result_type(*[a.dtype for a in arrays]) if arrays else np.float32
    return np.concatenate([a.ravel() for a in arrays]).astype(dtype, copy=False) if arrays \
        else np.zeros(0, dtype)


def _unpack_into(buf, arrays):
    pos = 0
    for a in arrays:
        a[...] = buf[pos:pos + a.size].reshape(a.shape)
        pos += a.size


# ----------------------------------------------------------------- Dask
def _predict_block(block, model, batch_size):
    return model.predict(block, batch_size=batch_size, verbose=0)


def predict(model, x, batch_size=1024):
    """Predict over a ``dask.array`` block by block; returns a dask array.

    Parameters
    ----------
    model : a built pipeseq model (single input, single output).
    x : dask.array.Array, shape (n, *features); chunks may split only axis 0
        (other axes are merged into single chunks automatically).
    batch_size : int
        Batch size used inside each block.

    Example
    -------
    >>> import dask.array as da                                   # doctest: +SKIP
    >>> predict(model, da.from_array(x, chunks=(1000, -1))).compute()  # doctest: +SKIP
    """
    try:
        import dask
        import dask.array as da
    except ImportError:
        raise ImportError("Dask prediction needs dask: pip install 'pipeseq[dask]'.") from None
    if not isinstance(x, da.Array):
        raise TypeError(f"predict() expects a dask.array.Array. Received: {type(x).__name__}. "
                        "Use model.predict for NumPy arrays.")
    if not model.built:
        raise ValueError(f"Model '{model.name}' is not built; build it (or load weights) first.")
    out_shape = model.compute_output_shape((None,) + tuple(x.shape[1:]))
    x = x.rechunk({i: -1 for i in range(1, x.ndim)})
    model_ref = dask.delayed(model, pure=True)     # one graph node -> shipped once per worker
    run = dask.delayed(_predict_block, pure=True)
    dtype = np.dtype(model.dtype)
    blocks = [da.from_delayed(run(block, model_ref, batch_size), dtype=dtype,
                              shape=(n,) + tuple(out_shape[1:]))
              for block, n in zip(x.to_delayed().ravel(), x.chunks[0])]
    return da.concatenate(blocks, axis=0)
