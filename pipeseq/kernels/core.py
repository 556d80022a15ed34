"""Dense, dropout and batch-normalisation math (forward returns its cache).

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels import core
>>> x, w, b = np.ones((2, 3)), np.ones((3, 4)), np.zeros(4)
>>> y, cache = core.dense_forward(x, w, b)
>>> dx, dw, db = core.dense_backward(cache, np.ones_like(y))
>>> dx.shape, dw.shape, db.shape
((2, 3), (3, 4), (4,))
"""
import math

import numpy as np

from . import conv_threads as _threads

# Products of at least this many multiply-adds have their rows split between pipeseq's worker
# threads, each with a one-thread BLAS (see kernels.conv_threads). Measured on a 2-core machine for
# W1's shapes: 3.3 ms per step against 4.4 ms with OpenBLAS's own two threads when idle, and
# 7.1 against 12.8 ms with another process busy (OpenBLAS's pool busy-waits for a core).
PARALLEL_MIN_MACS = 1 << 22
# Products of at least this many multiply-adds run on OpenBLAS's own threads when no other
# process holds a core (conv_threads.free_cores): they share one packed copy of the right-hand
# matrix. W5's 1024x784 by 784x512 product on the idle 2-core machine: whole predict 0.70 s
# with OpenBLAS's threads, 0.74-0.90 s split by rows (3 rounds). With a busy loop on one core
# OpenBLAS's threads made W5 1.97x slower than idle (docs/performance.md, round three), so
# then the rows are split into four blocks per worker and the calling thread takes what the
# worker on the busy core leaves.
BLAS_THREADS_MIN_MACS = 1 << 28
# Products with at most this many output columns (a classifier's last layer) that are large
# enough to split also run on OpenBLAS's threads when every core is free: split by rows, each
# worker re-reads the whole right-hand side for a few columns. W5's 1024x512 by 512x10: 150 us
# on OpenBLAS's two threads, 212 us on one, 292 us split over two workers.
SKINNY_COLUMNS = 16


def _row_slices(rows, macs):
    """Row ranges, one per worker thread, or None to run in the caller (small products)."""
    if macs < PARALLEL_MIN_MACS or rows < 32:
        return None
    k = _threads.workers_now()
    if k < 2:
        return None
    return [slice(i * rows // k, (i + 1) * rows // k) for i in range(k)]


def _matmul(a, b, slices):
    """``a @ b`` for 2-D ``a``; with ``slices``, row blocks of ``a`` on the worker threads,
    or OpenBLAS's own threads for very large or skinny products when every core is free."""
    if slices is None:
        with _threads.caller_blas():
            return a @ b
    workers = len(slices)
    large = a.size * b.shape[1] >= BLAS_THREADS_MIN_MACS
    if (large or b.shape[1] <= SKINNY_COLUMNS) and _threads.free_cores() >= workers:
        with _threads.caller_blas(), _threads.blas_threads():   # every core free: OpenBLAS's
            return a @ b                                          # threads
    if large:
        rows = a.shape[0]                             # else a fine feed: a busy core takes less
        slices = [slice(i * rows // (4 * workers), (i + 1) * rows // (4 * workers))
                  for i in range(4 * workers)]
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.result_type(a, b))
    _threads.run_groups(lambda group: [np.matmul(a[s], b, out=out[s]) for s in group], slices,
                        workers=workers)
    return out


def matmul(a, b):
    """``a @ b`` for 2-D ``a``: row blocks on the worker threads when large, else in the
    caller on one BLAS thread (the thread policy of :mod:`pipeseq.kernels.conv_threads`)."""
    return _matmul(a, b, _row_slices(a.shape[0], a.size * b.shape[1]))


def matmul_tn(a, b):
    """``a.T @ b`` for 2-D ``a`` and ``b`` (a weight gradient ``x.T @ dy``): when large, blocks
    of the result's rows (columns of ``a``) on the worker threads, each a product over all of
    ``a``'s rows, so nothing is summed afterwards."""
    slices = _row_slices(a.shape[1], a.size * b.shape[1])
    if slices is None:
        with _threads.caller_blas():
            return a.T @ b
    out = np.empty((a.shape[1], b.shape[1]), dtype=np.result_type(a, b))
    _threads.run_groups(lambda group: [np.matmul(a[:, s].T, b, out=out[s]) for s in group],
                        slices, workers=len(slices))
    return out


def dense_forward(x, kernel, bias=None):
    """``y = x @ kernel + bias`` over the last axis of ``x`` (any rank >= 2)."""
    x2 = x.reshape(-1, x.shape[-1])
    y = _matmul(x2, kernel, _row_slices(x2.shape[0], x2.size * kernel.shape[1]))
    y = y.reshape(x.shape[:-1] + (kernel.shape[1],))
    if bias is not None:
        y += bias
    return y, (x, kernel, bias is not None)


def dense_infer(x, kernel, bias=None, epilogue=None):
    """``epilogue(x @ kernel + bias)`` with no backward cache (``predict``). When the rows are
    split over the worker threads, each block gets its bias and activation while in cache.
    ``epilogue``: see :func:`pipeseq.kernels.fold.epilogue_apply` (None: linear)."""
    from .fold import epilogue_apply

    def finish(y):
        if bias is not None:
            y += bias
        if epilogue is not None:
            epilogue_apply(y, epilogue)

    x2 = x.reshape(-1, x.shape[-1])
    macs = x2.size * kernel.shape[1]
    slices = _row_slices(x2.shape[0], macs)
    if slices is None or macs >= BLAS_THREADS_MIN_MACS or kernel.shape[1] <= SKINNY_COLUMNS:
        y = _matmul(x2, kernel, slices)
        finish(y)
    else:
        y = np.empty((x2.shape[0], kernel.shape[1]), dtype=np.result_type(x2, kernel))

        def work(group):
            for s in group:
                np.matmul(x2[s], kernel, out=y[s])
                finish(y[s])

        _threads.run_groups(work, slices, workers=len(slices))
    return y.reshape(x.shape[:-1] + (kernel.shape[1],))


def dense_backward(cache, dy, need_dx=True):
    """Return ``(dx, dkernel, dbias)``; ``dbias`` is None without a bias.

    ``need_dx=False`` skips the input gradient (returned as None): the first
    layer of a model being trained needs none, and it is a third of the layer's
    matrix-product work.
    """
    x, kernel, has_bias = cache
    dy2 = dy.reshape(-1, dy.shape[-1])
    x2 = x.reshape(-1, x.shape[-1])
    dkernel = matmul_tn(x2, dy2)
    dbias = dy2.sum(axis=0) if has_bias else None
    dx = matmul(dy2, kernel.T).reshape(x.shape) if need_dx else None
    return dx, dkernel, dbias


def dropout_mask(rng, shape, rate, dtype, noise_shape=None):
    """Inverted-dropout mask: 0 with probability ``rate``, else ``1/(1-rate)``."""
    shape = tuple(shape)
    if noise_shape is not None:
        shape = tuple(s if n is None else n for s, n in zip(shape, noise_shape))
    bitgen = getattr(rng, "bit_generator", None)
    if bitgen is not None:
        # 32 uniform bits per element straight from the bit generator, kept where they are
        # at least rate * 2**32 (a finer grid than float32's 2**-24): 2x faster than drawing
        # floats (128x512: 140 vs 310 us)
        n = int(np.prod(shape))
        bits = bitgen.random_raw((n + 1) // 2).view(np.uint32)[:n].reshape(shape)
        keep = bits >= np.uint32(min(math.ceil(rate * 2.0 ** 32), 2 ** 32 - 1))
    else:
        keep = rng.random(shape, dtype=np.float32 if dtype == np.float32 else np.float64) >= rate
    # bytes 0/1 -> floats, then scaled in place: 2x faster than multiplying the booleans
    mask = keep.view(np.uint8).astype(dtype)
    mask *= np.asarray(1.0 / (1.0 - rate), dtype=dtype)
    return mask


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def alpha_dropout(rng, x, rate, noise_shape=None):
    """Keras's AlphaDropout in training: dropped units become SELU's negative saturation value,
    then an affine map restores mean and variance. Returns ``(y, dy/dx)``."""
    shape = x.shape if noise_shape is None else tuple(
        s if n is None else n for s, n in zip(x.shape, noise_shape))
    alpha_p = -SELU_ALPHA * SELU_SCALE
    kept = (rng.random(shape) >= rate).astype(x.dtype)
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    y = a * (x * kept + alpha_p * (1 - kept)) + b
    return y.astype(x.dtype, copy=False), np.broadcast_to(a * kept, x.shape).astype(x.dtype)


def batch_norm_train(x, gamma, beta, axes, epsilon):
    """Normalise with the batch's statistics over ``axes``; returns ``(y, mean, var, cache)``."""
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    var = np.mean(centered * centered, axis=axes, keepdims=True)
    inv = 1.0 / np.sqrt(var + epsilon)
    xhat = centered * inv
    y = xhat * gamma if gamma is not None else xhat.copy()
    if beta is not None:
        y += beta
    return y, mean, var, (xhat, inv, gamma, axes, True)


def batch_norm_infer(x, gamma, beta, mean, var, epsilon):
    """Normalise with fixed statistics (moving mean/variance)."""
    inv = 1.0 / np.sqrt(var + epsilon)
    scale = inv * gamma if gamma is not None else inv
    shift = -mean * scale if beta is None else beta - mean * scale
    y = x * scale.astype(x.dtype, copy=False)          # one pass: x * scale + shift
    y += shift.astype(x.dtype, copy=False)
    return y, ((x, mean), inv, gamma, None, False)       # xhat is rebuilt by the backward pass


def batch_norm_backward(cache, dy, reduce_axes):
    """Return ``(dx, dgamma, dbeta)`` (reduced over ``reduce_axes``, keepdims)."""
    xhat, inv, gamma, axes, batch_stats = cache
    if isinstance(xhat, tuple):                          # inference cache: (x, mean)
        xhat = (xhat[0] - xhat[1]) * inv
    dgamma = (dy * xhat).sum(axis=reduce_axes, keepdims=True)
    dbeta = dy.sum(axis=reduce_axes, keepdims=True)
    dxhat = dy * gamma if gamma is not None else dy
    if not batch_stats:
        return dxhat * inv, dgamma, dbeta
    n = np.prod([xhat.shape[a] for a in axes])
    dx = (inv / n) * (n * dxhat - dxhat.sum(axis=axes, keepdims=True)
                      - xhat * (dxhat * xhat).sum(axis=axes, keepdims=True))
    return dx, dgamma, dbeta


# ------------------------------------------------------------ affine preprocessing
def affine_forward(x, scale, offset):
    """``x * scale + offset`` (Rescaling; Normalization with ``scale = 1/std``)."""
    return x * scale + offset


def affine_backward(scale, dy):
    """Input gradient of :func:`affine_forward` (the constants get none)."""
    return dy * scale


def moments_merge(total_mean, total_var, total_count, batch_mean, batch_var, batch_count):
    """Merge a batch's mean/variance into running totals (Keras's ``Normalization.adapt``).

    Returns ``(mean, var, count)``; the variance uses the lack-of-fit sum of squares.
    """
    count = total_count + batch_count
    w = float(batch_count) / count
    mean = total_mean * (1 - w) + batch_mean * w
    var = (total_var + (total_mean - mean) ** 2) * (1 - w) + (batch_var + (batch_mean - mean) ** 2) * w
    return mean, var, count
