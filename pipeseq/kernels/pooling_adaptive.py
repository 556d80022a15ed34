"""Adaptive pooling math: output position ``i`` of an axis of length ``L`` pools
``[floor(i*L/out), ceil((i+1)*L/out))`` (Keras 3's windows), one axis after another
(a box's max or mean is the max or mean of its per-axis reductions).

Example
-------
>>> import numpy as np
>>> y, cache = adaptive_pool_forward(np.arange(5.0).reshape(1, 5, 1), (2,), "max")
>>> y.ravel().tolist()
[2.0, 4.0]
>>> adaptive_pool_backward(cache, np.ones_like(y)).ravel().tolist()
[0.0, 0.0, 1.0, 0.0, 1.0]
"""
import numpy as np


def windows(length, out):
    """``(starts, ends)`` of the ``out`` windows over ``length``."""
    i = np.arange(out)
    return (np.floor(i * length / out).astype(int),
            np.ceil((i + 1) * length / out).astype(int))


def _axis_forward(x, axis, out, mode):
    starts, ends = windows(x.shape[axis], out)
    if mode == "avg":
        p = np.zeros((out, x.shape[axis]), x.dtype)
        for i, (s, e) in enumerate(zip(starts, ends)):
            p[i, s:e] = 1.0 / (e - s)
        y = np.moveaxis(np.tensordot(x, p, axes=([axis], [1])), -1, axis)
        return y, ("avg", axis, p, x.shape)
    parts, args = [], []
    for s, e in zip(starts, ends):
        seg = np.take(x, np.arange(s, e), axis=axis)
        a = seg.argmax(axis=axis) + s
        parts.append(np.expand_dims(seg.max(axis=axis), axis))
        args.append(np.expand_dims(a, axis))
    return np.concatenate(parts, axis=axis), ("max", axis, np.concatenate(args, axis=axis),
                                              x.shape)


def _axis_backward(cache, dy):
    mode, axis, extra, shape = cache
    if mode == "avg":
        return np.moveaxis(np.tensordot(dy, extra, axes=([axis], [0])), -1, axis)
    dx = np.zeros(shape, dy.dtype)
    for i in range(dy.shape[axis]):
        idx = np.take(extra, [i], axis=axis)
        cur = np.take_along_axis(dx, idx, axis=axis)
        np.put_along_axis(dx, idx, cur + np.take(dy, [i], axis=axis), axis=axis)
    return dx


def adaptive_pool_forward(x, output_size, mode):
    """Channels_last ``x (N, *spatial, C)`` -> ``(N, *output_size, C)``; returns ``(y, cache)``."""
    caches = []
    for k, out in enumerate(output_size):
        x, c = _axis_forward(x, 1 + k, int(out), mode)
        caches.append(c)
    return x, caches


def adaptive_pool_backward(caches, dy):
    for c in reversed(caches):
        dy = _axis_backward(c, dy)
    return dy
