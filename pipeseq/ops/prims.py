"""Autograd primitives that ``autograd.numpy`` lacks a gradient for.

Each is a NumPy forward plus its vector-Jacobian product (``defvjp``); the ops
modules use them where ``autograd.numpy`` would raise "VJP ... not defined"
(``take_along_axis``, ``cumprod``, padding, segment sums, scatters, ...), and
``sum_divided``, the reduction of every custom loss as one step.

Example
-------
>>> import numpy as np
>>> from autograd import grad
>>> from pipeseq.ops.prims import take_along_axis
>>> x = np.array([[1., 2., 3.]])
>>> grad(lambda a: take_along_axis(a, np.array([[2, 2]]), 1).sum())(x)
array([[0., 0., 2.]])
"""
import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.tracer import isbox


def _full_index(indices, axis, shape):
    """Open-mesh index tuple for ``take_along_axis``-style indices along ``axis``."""
    axis = axis % len(shape)
    idx = []
    for d in range(len(shape)):
        if d == axis:
            idx.append(indices)
        else:
            s = [1] * len(shape)
            s[d] = indices.shape[d] if indices.shape[d] == shape[d] else shape[d]
            idx.append(np.arange(shape[d]).reshape(s))
    return tuple(idx)


@primitive
def take_along_axis(x, indices, axis):
    return np.take_along_axis(x, indices, axis)


def _tal_vjp(ans, x, indices, axis):
    def vjp(g):
        out = np.zeros(x.shape, dtype=g.dtype)
        if axis is None:
            np.add.at(out.reshape(-1), indices, g)
        else:
            np.add.at(out, _full_index(np.asarray(indices), axis, x.shape), g)
        return out
    return vjp


defvjp(take_along_axis, _tal_vjp)


@primitive
def cumprod(x, axis):
    return np.cumprod(x, axis=axis)


def _cumprod_vjp(ans, x, axis):
    def vjp(g):
        # d/dx_i sum_j g_j prod_{k<=j} x_k = sum_{j>=i} g_j ans_j / x_i (exact where x_i != 0)
        rev = np.flip(np.cumsum(np.flip(g * ans, axis), axis), axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = rev / x
        if np.any(x == 0):   # recompute the zero entries exactly, one at a time
            for i in zip(*np.nonzero(x == 0)):
                xz = x.copy()
                xz[i] = 1.0
                rz = np.flip(np.cumsum(np.flip(g * np.cumprod(xz, axis), axis), axis), axis)
                out[i] = rz[i]
        return out
    return vjp


defvjp(cumprod, _cumprod_vjp)


@primitive
def pad_constant(x, pad_width, constant_values):
    return np.pad(x, pad_width, mode="constant", constant_values=constant_values)


def _pad_vjp(ans, x, pad_width, constant_values):
    def vjp(g):
        return g[tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, x.shape))]
    return vjp


defvjp(pad_constant, _pad_vjp)


@primitive
def segment_sum(data, segment_ids, num_segments):
    out = np.zeros((num_segments,) + data.shape[1:], dtype=data.dtype)
    keep = (segment_ids >= 0) & (segment_ids < num_segments)
    np.add.at(out, segment_ids[keep], data[keep])
    return out


def _segment_sum_vjp(ans, data, segment_ids, num_segments):
    def vjp(g):
        keep = (segment_ids >= 0) & (segment_ids < num_segments)
        out = np.zeros(data.shape, dtype=g.dtype)
        out[keep] = g[segment_ids[keep]]
        return out
    return vjp


defvjp(segment_sum, _segment_sum_vjp)


@primitive
def segment_extreme(data, segment_ids, num_segments, kind):
    fill = -np.inf if kind == "max" else np.inf
    out = np.full((num_segments,) + data.shape[1:], fill, dtype=data.dtype)
    ufunc = np.maximum if kind == "max" else np.minimum
    keep = (segment_ids >= 0) & (segment_ids < num_segments)
    ufunc.at(out, segment_ids[keep], data[keep])
    return out


def _segment_extreme_vjp(ans, data, segment_ids, num_segments, kind):
    def vjp(g):
        keep = (segment_ids >= 0) & (segment_ids < num_segments)
        ids = np.where(keep, segment_ids, 0)
        hit = (data == ans[ids]) & keep.reshape((-1,) + (1,) * (data.ndim - 1))
        count = segment_sum(hit.astype(g.dtype), segment_ids, num_segments)
        return np.where(hit, g[ids] / np.maximum(count[ids], 1), 0).astype(g.dtype)
    return vjp


defvjp(segment_extreme, _segment_extreme_vjp)


@primitive
def scatter_add(indices, values, shape):
    out = np.zeros(shape, dtype=values.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), values)
    return out


defvjp(scatter_add, None,
       lambda ans, indices, values, shape: lambda g: g[tuple(np.moveaxis(indices, -1, 0))])


@primitive
def scatter_set(inputs, indices, updates):
    out = np.array(inputs, copy=True)
    out[tuple(np.moveaxis(indices, -1, 0))] = updates
    return out


def _scatter_set_vjp_inputs(ans, inputs, indices, updates):
    def vjp(g):
        g = np.array(g, copy=True)
        g[tuple(np.moveaxis(indices, -1, 0))] = 0
        return g
    return vjp


defvjp(scatter_set, _scatter_set_vjp_inputs, None,
       lambda ans, inputs, indices, updates: lambda g: g[tuple(np.moveaxis(indices, -1, 0))])


@primitive
def slice_set(inputs, start, updates):
    out = np.array(inputs, copy=True)
    out[tuple(slice(s, s + n) for s, n in zip(start, updates.shape))] = updates
    return out


def _slice_set_vjp_inputs(ans, inputs, start, updates):
    def vjp(g):
        g = np.array(g, copy=True)
        g[tuple(slice(s, s + n) for s, n in zip(start, updates.shape))] = 0
        return g
    return vjp


defvjp(slice_set, _slice_set_vjp_inputs, None,
       lambda ans, inputs, start, updates:
       lambda g: g[tuple(slice(s, s + n) for s, n in zip(start, updates.shape))])


@primitive
def sum_divided(x, divisor):
    """``sum(x) / divisor`` (a number) as one traced step: how every loss is reduced."""
    return np.sum(x) / divisor


def _sum_divided_vjp(ans, x, divisor):
    shape = np.shape(x)
    dt = getattr(x, "dtype", None)

    def vjp(g):
        if isbox(g):                                    # differentiated again
            return anp.broadcast_to(g / divisor, shape)
        out = np.empty(shape, dt if dt is not None and dt.kind == "f" else np.result_type(g))
        np.copyto(out, np.asarray(g) / divisor)
        return out
    return vjp


defvjp(sum_divided, _sum_divided_vjp)
