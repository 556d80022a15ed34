"""Convolution, pooling, attention and loss ops of ``keras.ops.nn``, differentiable.

Convolutions gather patches by indexing and contract them with the kernel
(``tensordot``), so autograd differentiates them; built-in layers use the fast
hand-written kernels in :mod:`pipeseq.kernels` instead.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> x = np.ones((1, 4, 4, 1), "float32")
>>> ops.conv(x, np.ones((3, 3, 1, 2), "float32")).shape
(1, 2, 2, 2)
>>> ops.max_pool(x, 2).shape
(1, 2, 2, 1)
"""
import autograd.numpy as anp
import numpy as np

from .. import backend
from . import prims
from .activations import log_softmax, one_hot, softmax
from .dispatch import float_tensor, op, tensor
from .dispatch import value as unbox

__all__ = ["conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool",
           "average_pool", "adaptive_max_pool", "adaptive_average_pool", "depth_to_space",
           "space_to_depth", "dot_product_attention", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "binary_crossentropy", "psnr"]


def _tuple(v, n):
    return (int(v),) * n if isinstance(v, (int, np.integer)) else tuple(int(a) for a in v)


def _channels_last(x, data_format):
    data_format = data_format or backend.image_data_format()
    if data_format == "channels_first":
        return anp.moveaxis(x, 1, -1), True
    return x, False


def _restore(y, moved):
    return anp.moveaxis(y, -1, 1) if moved else y


def _patches(x, kernel_size, strides, padding, dilation, pad_value=0.0):
    """``(batch, *out_spatial, *kernel_size, channels)`` patches of a channels-last ``x``."""
    spatial = unbox(x).shape[1:-1]
    n = len(spatial)
    eff = [(k - 1) * d + 1 for k, d in zip(kernel_size, dilation)]
    if padding == "same":
        out = [-(-s // st) for s, st in zip(spatial, strides)]
        total = [max((o - 1) * st + e - s, 0) for o, st, e, s in zip(out, strides, eff, spatial)]
        pw = [(0, 0)] + [(t // 2, t - t // 2) for t in total] + [(0, 0)]
        if any(t for t in total):
            x = prims.pad_constant(x, pw, pad_value)
    elif padding == "valid":
        out = [(s - e) // st + 1 for s, e, st in zip(spatial, eff, strides)]
    else:
        raise ValueError(f"padding must be 'valid' or 'same'. Received: padding={padding!r}")
    if any(o <= 0 for o in out):
        raise ValueError(f"The input's spatial shape {tuple(spatial)} is too small for a kernel "
                         f"of size {tuple(kernel_size)} with padding={padding!r}.")
    grids = []
    for i in range(n):
        idx = (np.arange(out[i]) * strides[i])[:, None] + np.arange(kernel_size[i]) * dilation[i]
        shape = [1] * (2 * n)
        shape[i], shape[n + i] = out[i], kernel_size[i]
        grids.append(idx.reshape(shape))
    return x[(slice(None),) + tuple(grids) + (slice(None),)]


@op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation, as Keras); kernel ``(*kernel_size, in, out)``."""
    x, moved = _channels_last(float_tensor(inputs), data_format)
    k = tensor(kernel)
    n = unbox(x).ndim - 2
    ks = unbox(k).shape[:n]
    p = _patches(x, ks, _tuple(strides, n), padding, _tuple(dilation_rate, n))
    groups = unbox(x).shape[-1] // unbox(k).shape[-2]
    if groups == 1:
        return _restore(anp.tensordot(p, k, axes=n + 1), moved)
    cin = unbox(k).shape[-2]
    cout = unbox(k).shape[-1] // groups
    outs = [anp.tensordot(p[..., g * cin:(g + 1) * cin], k[..., g * cout:(g + 1) * cout],
                          axes=n + 1) for g in range(groups)]
    return _restore(anp.concatenate(outs, axis=-1), moved)


@op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Depthwise convolution; kernel ``(*kernel_size, in, multiplier)``."""
    x, moved = _channels_last(float_tensor(inputs), data_format)
    k = tensor(kernel)
    n = unbox(x).ndim - 2
    p = _patches(x, unbox(k).shape[:n], _tuple(strides, n), padding, _tuple(dilation_rate, n))
    letters = "abcdefgh"[:n]
    out = anp.einsum(f"z{'pqrstu'[:n]}{letters}c,{letters}cm->z{'pqrstu'[:n]}cm", p, k)
    shape = unbox(out).shape
    return _restore(anp.reshape(out, shape[:-2] + (shape[-2] * shape[-1],)), moved)


@op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a 1x1 convolution."""
    data_format = data_format or backend.image_data_format()
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(y, pointwise_kernel, 1, "valid", data_format)


@op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """Transposed convolution; kernel ``(*kernel_size, out, in)`` as Keras's ConvTranspose."""
    x, moved = _channels_last(float_tensor(inputs), data_format)
    k = tensor(kernel)
    n = unbox(x).ndim - 2
    st, dil = _tuple(strides, n), _tuple(dilation_rate, n)
    eff = [(a - 1) * d + 1 for a, d in zip(unbox(k).shape[:n], dil)]
    spatial = unbox(x).shape[1:-1]
    opad = [None] * n if output_padding is None else list(_tuple(output_padding, n))
    crops, extra = [], []
    for i in range(n):
        full = (spatial[i] - 1) * st[i] + eff[i]
        if opad[i] is None:
            length = spatial[i] * st[i] + (max(eff[i] - st[i], 0) if padding == "valid" else 0)
        else:
            pad = eff[i] // 2 if padding == "same" else 0
            length = full - 2 * pad + opad[i]
        lo = max(full - length, 0) // 2
        crops.append((lo, length))
        extra.append(max(lo + length - full, 0))
    # spread the input by the stride, pad fully, correlate with the flipped kernel
    spread = _spread(x, st)
    pw = [(0, 0)] + [(e - 1, e - 1 + x_) for e, x_ in zip(eff, extra)] + [(0, 0)]
    padded = prims.pad_constant(spread, pw, 0)
    flipped = anp.swapaxes(k[tuple(slice(None, None, -1) for _ in range(n))], -1, -2)
    y = conv(padded, flipped, 1, "valid", "channels_last", dil)
    y = y[(slice(None),) + tuple(slice(lo, lo + ln) for lo, ln in crops) + (slice(None),)]
    return _restore(y, moved)


def _spread(x, st):
    """Insert ``stride - 1`` zeros between neighbouring input cells (differentiably)."""
    if all(t == 1 for t in st):
        return x
    v = unbox(x)
    up = tuple((s - 1) * t + 1 for s, t in zip(v.shape[1:-1], st))
    shape = (v.shape[0],) + up + (v.shape[-1],)
    idx = np.arange(int(np.prod(shape))).reshape(shape)
    where = idx[(slice(None),) + tuple(slice(None, None, t) for t in st) + (slice(None),)]
    flat = prims.scatter_add(where.reshape(-1, 1), anp.reshape(x, (-1,)), (int(np.prod(shape)),))
    return anp.reshape(flat, shape)


def _pool(inputs, pool_size, strides, padding, data_format, reduce):
    x, moved = _channels_last(float_tensor(inputs), data_format)
    n = unbox(x).ndim - 2
    ps = _tuple(pool_size, n)
    st = ps if strides is None else _tuple(strides, n)
    if reduce == "max":
        p = _patches(x, ps, st, padding, (1,) * n, pad_value=-np.inf)
        y = anp.max(p, axis=tuple(range(n + 1, 2 * n + 1)))
    else:
        p = _patches(x, ps, st, padding, (1,) * n)
        axes = tuple(range(n + 1, 2 * n + 1))
        ones = np.ones((1,) + unbox(x).shape[1:-1] + (1,), dtype=unbox(x).dtype)
        count = _patches(ones, ps, st, padding, (1,) * n).sum(axis=axes)
        y = anp.sum(p, axis=axes) / count
    return _restore(y, moved)


@op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over windows of ``pool_size``."""
    return _pool(inputs, pool_size, strides, padding, data_format, "max")


@op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling (padding cells are not counted, as in Keras)."""
    return _pool(inputs, pool_size, strides, padding, data_format, "avg")


def _adaptive(inputs, output_size, data_format, reduce):
    x, moved = _channels_last(float_tensor(inputs), data_format)
    n = unbox(x).ndim - 2
    out = _tuple(output_size, n)
    spatial = unbox(x).shape[1:-1]
    y = x
    for i in range(n):
        pieces = []
        for j in range(out[i]):
            lo = (j * spatial[i]) // out[i]
            hi = -(-((j + 1) * spatial[i]) // out[i])
            sl = y[(slice(None),) * (i + 1) + (slice(lo, hi),)]
            pieces.append(anp.max(sl, axis=i + 1, keepdims=True) if reduce == "max"
                          else anp.mean(sl, axis=i + 1, keepdims=True))
        y = anp.concatenate(pieces, axis=i + 1)
    return _restore(y, moved)


@op
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size``."""
    return _adaptive(inputs, output_size, data_format, "max")


@op
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size``."""
    return _adaptive(inputs, output_size, data_format, "avg")


@op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Move channel blocks into ``block_size x block_size`` spatial blocks."""
    x, moved = _channels_last(tensor(x), data_format)
    b, h, w, c = unbox(x).shape
    s = int(block_size)
    y = anp.reshape(x, (b, h, w, s, s, c // (s * s)))
    y = anp.transpose(y, (0, 1, 3, 2, 4, 5))
    return _restore(anp.reshape(y, (b, h * s, w * s, c // (s * s))), moved)


@op
def space_to_depth(x, block_size, data_format="channels_last"):
    """Move ``block_size x block_size`` spatial blocks into channels."""
    x, moved = _channels_last(tensor(x), data_format)
    b, h, w, c = unbox(x).shape
    s = int(block_size)
    y = anp.reshape(x, (b, h // s, s, w // s, s, c))
    y = anp.transpose(y, (0, 1, 3, 2, 4, 5))
    return _restore(anp.reshape(y, (b, h // s, w // s, s * s * c)), moved)


@op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention; inputs ``(batch, seq, heads, dim)``."""
    q, k, v = float_tensor(query), float_tensor(key), float_tensor(value)
    d = unbox(q).shape[-1]
    scale = 1.0 / np.sqrt(d) if scale is None else scale
    logits = anp.einsum("bqhd,bkhd->bhqk", q, k) * scale
    if bias is not None:
        logits = logits + tensor(bias)
    if attn_logits_soft_cap is not None:
        logits = anp.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
    keep = None
    if mask is not None:
        keep = np.asarray(unbox(tensor(mask))).astype(bool)
    if is_causal:
        tq, tk = unbox(logits).shape[-2:]
        causal = np.tril(np.ones((tq, tk), bool))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        logits = anp.where(keep, logits, np.finfo(unbox(logits).dtype).min / 2)
    w = softmax(logits, axis=-1)
    return anp.einsum("bhqk,bkhd->bqhd", w, v)




@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras's categorical cross-entropy per sample (``output`` normalised and clipped)."""
    t, p = float_tensor(target), float_tensor(output)
    if from_logits:
        return -anp.sum(t * log_softmax(p, axis=axis), axis=axis)
    p = p / anp.sum(p, axis=axis, keepdims=True)
    eps = backend.epsilon()
    return -anp.sum(t * anp.log(anp.clip(p, eps, 1.0 - eps)), axis=axis)


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class ids as targets."""
    t = np.asarray(unbox(tensor(target)))
    p = float_tensor(output)
    if t.ndim == unbox(p).ndim and t.shape[-1] == 1:
        t = t[..., 0]
    oh = one_hot(t, unbox(p).shape[axis], axis=axis, dtype=unbox(p).dtype)
    return categorical_crossentropy(oh, p, from_logits=from_logits, axis=axis)


@op
def binary_crossentropy(target, output, from_logits=False):
    """Keras's elementwise binary cross-entropy (``output`` clipped to [eps, 1 - eps])."""
    t, p = float_tensor(target), float_tensor(output)
    if from_logits:
        return anp.maximum(p, 0.0) - p * t + anp.log1p(anp.exp(-anp.abs(p)))
    eps = backend.epsilon()
    p = anp.clip(p, eps, 1.0 - eps)
    return -(t * anp.log(p) + (1.0 - t) * anp.log(1.0 - p))


@op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB."""
    a, b = float_tensor(x1), float_tensor(x2)
    mse = anp.mean((a - b) ** 2)
    return 20.0 * anp.log10(max_val) - 10.0 * anp.log10(mse)
