"""Locally connected (unshared) convolution: tf_keras's ``LocallyConnected1D/2D``, all three
``implementation`` modes, forward and backward.

Each output position has its own filter over its receptive field. Positions and fields
follow tf_keras (``conv_utils.conv_connected_inputs``): per axis, with ``k`` the kernel
size, output ``o`` sees inputs ``[c - k//2, c + k - k//2)`` clipped to the input, where
``c = o * stride`` (``+ k//2`` for ``"valid"``). The three kernel layouts:

* ``implementation=1`` (``"valid"`` only): ``(positions, prod(k) * C, filters)``, a
  patch flattened as the input slice is (``(k..., C)`` channels_last, ``(C, k...)``
  channels_first);
* ``implementation=2``: a dense ``(in..., C, out..., filters)`` kernel (channels_first:
  ``(C, in..., filters, out...)``) multiplied by the 0/1 connectivity mask;
* ``implementation=3``: the nonzero entries only, a vector over tf_keras's sorted
  ``(output index, input index)`` pairs of the flattened input and output.

All three compute ``y_flat = x_flat @ W`` for the same ``W`` given equal weights.

Example
-------
>>> import numpy as np
>>> geo = geometry((5,), (3,), (1,), "valid", 2, 4, "channels_last")
>>> geo.out_spatial, patch_kernel_shape(geo), dense_kernel_shape(geo), len(sparse_pairs(geo)[0])
((3,), (3, 6, 4), (5, 2, 3, 4), 72)
"""
import itertools
from collections import namedtuple

import numpy as np

Geometry = namedtuple("Geometry", "in_spatial kernel strides padding channels filters "
                                  "data_format out_spatial")


def output_length(n, k, padding, stride):
    """Keras's ``conv_output_length`` (dilation 1)."""
    length = n if padding == "same" else n - k + 1
    return (length + stride - 1) // stride


def geometry(in_spatial, kernel, strides, padding, channels, filters, data_format):
    out = tuple(output_length(n, k, padding, s) for n, k, s in zip(in_spatial, kernel, strides))
    return Geometry(tuple(in_spatial), tuple(kernel), tuple(strides), padding, int(channels),
                    int(filters), data_format, out)


def _ranges(geo, out_pos):
    out = []
    for d, o in enumerate(out_pos):
        k, n = geo.kernel[d], geo.in_spatial[d]
        left, right = k // 2, k - k // 2
        c = o * geo.strides[d] + (left if geo.padding == "valid" else 0)
        out.append(range(max(0, c - left), min(n, c + right)))
    return out


def connections(geo):
    """``(out_spatial_flat, in_spatial_flat)`` index arrays of every connected pair, in
    output-major, then input, order."""
    outs, ins = [], []
    for out_pos in itertools.product(*[range(n) for n in geo.out_spatial]):
        o = np.ravel_multi_index(out_pos, geo.out_spatial)
        for in_pos in itertools.product(*_ranges(geo, out_pos)):
            outs.append(o)
            ins.append(np.ravel_multi_index(in_pos, geo.in_spatial))
    return np.asarray(outs, np.int64), np.asarray(ins, np.int64)


def _flat_index(spatial_flat, channel, n_spatial, n_channels, data_format):
    if data_format == "channels_first":
        return channel * n_spatial + spatial_flat
    return spatial_flat * n_channels + channel


# ------------------------------------------------------------------ layouts
def patch_kernel_shape(geo):
    return (int(np.prod(geo.out_spatial)), int(np.prod(geo.kernel)) * geo.channels, geo.filters)


def dense_kernel_shape(geo):
    if geo.data_format == "channels_first":
        return (geo.channels,) + geo.in_spatial + (geo.filters,) + geo.out_spatial
    return geo.in_spatial + (geo.channels,) + geo.out_spatial + (geo.filters,)


def patch_indices(geo):
    """``(positions, prod(k) * C)`` flat input indices of each patch (``"valid"`` only)."""
    n_in, C = int(np.prod(geo.in_spatial)), geo.channels
    rows = []
    for out_pos in itertools.product(*[range(n) for n in geo.out_spatial]):
        cells = [np.ravel_multi_index(p, geo.in_spatial)
                 for p in itertools.product(*_ranges(geo, out_pos))]
        cells = np.asarray(cells, np.int64)
        if geo.data_format == "channels_first":         # slice (C, k...) flattened
            idx = np.arange(C)[:, None] * n_in + cells[None, :]
        else:                                           # slice (k..., C) flattened
            idx = cells[:, None] * C + np.arange(C)[None, :]
        rows.append(idx.reshape(-1))
    return np.stack(rows)


def dense_mask(geo):
    """tf_keras's ``get_locallyconnected_mask``, broadcastable against the dense kernel."""
    outs, ins = connections(geo)
    n_in, n_out = int(np.prod(geo.in_spatial)), int(np.prod(geo.out_spatial))
    m = np.zeros((n_in, n_out), bool)
    m[ins, outs] = True
    m = m.reshape(geo.in_spatial + geo.out_spatial)
    nd = len(geo.in_spatial)
    if geo.data_format == "channels_first":
        return np.expand_dims(np.expand_dims(m, 0), nd + 1)
    return np.expand_dims(np.expand_dims(m, nd), -1)


def sparse_pairs(geo):
    """tf_keras's sorted ``conv_kernel_idxs``: ``(out_idx, in_idx)`` arrays."""
    outs, ins = connections(geo)
    n_in, n_out = int(np.prod(geo.in_spatial)), int(np.prod(geo.out_spatial))
    C, F = geo.channels, geo.filters
    ci, fo = np.meshgrid(np.arange(C), np.arange(F), indexing="ij")
    out_idx = _flat_index(outs[:, None, None], fo[None], n_out, F, geo.data_format)
    in_idx = _flat_index(ins[:, None, None], ci[None], n_in, C, geo.data_format)
    out_idx, in_idx = out_idx.reshape(-1), in_idx.reshape(-1)
    order = np.lexsort((in_idx, out_idx))
    return out_idx[order], in_idx[order]


# ------------------------------------------------------------------ compute
def forward(x, kernel, mode, geo, aux):
    """``y_flat (B, out_size)``, in the output's data_format order, and the cache.

    ``aux``: :func:`patch_indices` (mode 1), :func:`dense_mask` (mode 2) or
    :func:`sparse_pairs` (mode 3)."""
    B = x.shape[0]
    xf = x.reshape(B, -1)
    if mode == 1:
        patches = xf[:, aux]                                    # (B, P, K)
        y = np.einsum("bpk,pkf->bpf", patches, kernel, optimize=True)
        if geo.data_format == "channels_first":
            y = y.transpose(0, 2, 1)
        return y.reshape(B, -1), (x.shape, patches)
    if mode == 2:
        w = (kernel * aux).reshape(xf.shape[1], -1)
        return xf @ w, (x.shape, xf, w)
    out_idx, in_idx = aux
    w = _sparse(kernel, out_idx, in_idx, geo, xf.shape[1])
    return np.asarray((w @ xf.T).T), (x.shape, xf, w)


def _sparse(values, out_idx, in_idx, geo, n_in):
    from scipy.sparse import csr_matrix
    n_out = int(np.prod(geo.out_spatial)) * geo.filters
    return csr_matrix((values, (out_idx, in_idx)), shape=(n_out, n_in))


def backward(cache, dy_flat, kernel, mode, geo, aux):
    """``(dx, dkernel)`` for :func:`forward` (``dy_flat`` shaped like its output)."""
    x_shape = cache[0]
    B = x_shape[0]
    if mode == 1:
        patches = cache[1]
        P = patches.shape[1]
        dy = dy_flat.reshape(B, geo.filters, P).transpose(0, 2, 1) \
            if geo.data_format == "channels_first" else dy_flat.reshape(B, P, geo.filters)
        dk = np.einsum("bpk,bpf->pkf", patches, dy, optimize=True)
        dp = np.einsum("bpf,pkf->bpk", dy, kernel, optimize=True).reshape(B, -1)
        from scipy.sparse import csr_matrix
        n_in = int(np.prod(x_shape[1:]))
        flat = aux.reshape(-1)
        scatter = csr_matrix((np.ones(flat.size, dy.dtype), (np.arange(flat.size), flat)),
                             shape=(flat.size, n_in))
        dx = np.asarray((scatter.T @ dp.T).T)
        return dx.reshape(x_shape).astype(dy.dtype, copy=False), dk
    xf, w = cache[1], cache[2]
    if mode == 2:
        dx = dy_flat @ w.T
        dk = (xf.T @ dy_flat).reshape(kernel.shape) * aux
        return dx.reshape(x_shape), dk.astype(kernel.dtype, copy=False)
    out_idx, in_idx = aux
    dx = np.asarray((w.T @ dy_flat.T).T)
    dk = np.einsum("bi,bi->i", xf[:, in_idx], dy_flat[:, out_idx], optimize=True)
    return dx.reshape(x_shape).astype(dy_flat.dtype, copy=False), dk.astype(kernel.dtype,
                                                                             copy=False)
