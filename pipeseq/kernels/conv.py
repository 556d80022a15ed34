"""Convolution math: two implementations (im2col + matmul, and FFT) that check each other.

Layout inside this module is always *channels_last*: inputs ``(batch, *spatial, channels)``
with one or two spatial axes, kernels in Keras's layout ``(*kernel_size, in/groups, out)``.
One-dimensional convolutions run as two-dimensional ones with a height of 1.

Paths
-----
``"im2col"``
    A strided view of every receptive field (``numpy.lib.stride_tricks.as_strided``,
    no copy), one reshape into the patch matrix and one matrix product, done on chunks of
    a few samples that fit in the L2 cache (split between worker threads, see
    :mod:`pipeseq.kernels.conv_threads`), with bias and ReLU fused in. The input gradient
    scatters the patch gradients back with one add per kernel tap.
``"fft"``
    ``scipy.fft`` real transforms: the same algorithm as ``scipy.signal.fftconvolve``,
    except that the sum over input channels is done in the frequency domain (a matrix
    product per frequency), so no spectrum per (input, output) channel pair is built.
    Strided outputs are computed at stride 1 and subsampled. The tests check this
    path against ``scipy.signal.correlate`` and against the im2col path.
``"auto"``
    :func:`choose_method` -- see the rule and its measurements there; when no backward pass
    follows (``predict``), stride-1 3x3 convolutions with enough channels run Winograd's
    F(2x2, 3x3) instead of im2col (:mod:`pipeseq.kernels.conv_winograd`).

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels import conv
>>> x = np.ones((2, 5, 5, 3), "float32"); k = np.ones((3, 3, 3, 4), "float32")
>>> y, cache = conv.conv_forward(x, k, strides=(1, 1), padding="valid", dilation=(1, 1))
>>> y.shape, float(y[0, 0, 0, 0])
((2, 3, 3, 4), 27.0)
>>> dx, dk = conv.conv_backward(cache, np.ones_like(y))
>>> dx.shape, dk.shape
((2, 5, 5, 3), (3, 3, 3, 4))
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import conv_winograd
from .conv_fft import _dilate, fft_forward, fft_grads  # noqa: F401  (_dilate: used by the tests)
from .conv_threads import run_groups, set_num_threads  # noqa: F401  (set_num_threads: public)
from .fold import epilogue_apply

METHODS = ("auto", "im2col", "fft")
_DEFAULT_METHOD = "auto"


def set_default_method(method):
    """Force every convolution onto one path (``"im2col"``, ``"fft"``) or back to ``"auto"``."""
    global _DEFAULT_METHOD
    if method not in METHODS:
        raise ValueError(f"Convolution method must be one of {METHODS}. Received: method={method!r}")
    _DEFAULT_METHOD = method


def default_method():
    """The path used when a layer asks for ``"auto"`` (see :func:`set_default_method`)."""
    return _DEFAULT_METHOD


# ------------------------------------------------------------------ shapes
def conv_output_length(length, kernel_size, padding, stride, dilation=1):
    """Keras's output length of a convolution or pooling along one axis (None stays None).

    >>> conv_output_length(250, 5, "valid", 2), conv_output_length(7, 2, "same", 2)
    (123, 4)
    """
    if length is None:
        return None
    k_eff = (kernel_size - 1) * dilation + 1
    if padding == "valid":
        out = length - k_eff + 1
    elif padding in ("same", "causal"):
        out = length
    elif padding == "full":
        out = length + k_eff - 1
    else:
        raise ValueError(f"Unknown padding {padding!r}")
    return (out + stride - 1) // stride


def deconv_output_length(length, kernel_size, padding, output_padding, stride, dilation=1):
    """Keras's output length of a transposed convolution along one axis."""
    if length is None:
        return None
    k_eff = (kernel_size - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(k_eff - stride, 0)
        return length * stride                                   # "same"
    pad = k_eff // 2 if padding == "same" else 0
    return (length - 1) * stride + k_eff - 2 * pad + output_padding


def compute_pads(spatial, kernel_size, strides, dilation, padding):
    """Per-axis ``(before, after)`` zero padding for Keras/TF ``padding``.

    "same": ``total = max((ceil(n/s) - 1)*s + k_eff - n, 0)``, ``before = total // 2``
    (the extra pixel goes after, as in TensorFlow); "causal": ``k_eff - 1`` before.
    """
    pads = []
    for n, k, s, d in zip(spatial, kernel_size, strides, dilation):
        k_eff = (k - 1) * d + 1
        if padding == "valid":
            pads.append((0, 0))
        elif padding == "causal":
            pads.append((k_eff - 1, 0))
        elif padding == "same":
            total = max((-(-n // s) - 1) * s + k_eff - n, 0)
            pads.append((total // 2, total - total // 2))
        else:
            raise ValueError(f"Unknown padding {padding!r}")
    return pads


def pad_spatial(x, pads, value=0):
    """Pad the spatial axes (1..ndim-2) of a channels_last array; no copy without padding."""
    if not any(p for pair in pads for p in pair):
        return x
    shape = (x.shape[0],) + tuple(n + a + b for n, (a, b) in zip(x.shape[1:-1], pads)) + (x.shape[-1],)
    out = np.zeros(shape, dtype=x.dtype) if value == 0 else np.full(shape, value, dtype=x.dtype)
    out[(slice(None),) + tuple(slice(a, a + n) for n, (a, _) in zip(x.shape[1:-1], pads))] = x
    return out


def padded_rows(x, pads, p0, p1, buf, value=0):
    """Rows ``p0:p1`` of one sample ``x`` (``(H, W, C)``) padded by ``pads`` (filled with
    ``value``), written into the front of ``buf``; returns that view. Kernels working on blocks
    of output rows pad only the rows a block reads, in a buffer that stays in cache, instead of
    the whole batch (a serial copy) first. Without padding: the rows of ``x`` themselves."""
    if not any(p for pair in pads for p in pair):
        return x[p0:p1]
    (top, _), (left, _) = pads
    h, w = x.shape[:2]
    out = buf[:p1 - p0]
    i0, i1 = max(p0 - top, 0), min(p1 - top, h)          # rows of x inside the window
    a, b = i0 + top - p0, i1 + top - p0                  # where they land in out
    out[:a] = value
    out[b:] = value
    if b > a:
        out[a:b, :left] = value
        out[a:b, left + w:] = value
        out[a:b, left:left + w] = x[i0:i1]
    return out


def _crop(xp, pads, spatial):
    if not any(p for pair in pads for p in pair):
        return xp
    return xp[(slice(None),) + tuple(slice(a, a + n) for n, (a, _) in zip(spatial, pads))]


# ------------------------------------------------------------ method choice
def choose_method(x_shape, kernel_shape, strides, dilation):
    """Pick ``"im2col"`` or ``"fft"`` for a 2-D problem (1-D runs with height 1).

    The rule comes from ``benchmarks/conv_bench.py`` (forward + both gradients, float32,
    2 CPU cores, OpenBLAS; "valid" padding). Measured ms per call, im2col / fft; the first
    column was re-measured after the chunked, threaded im2col path (load ~2), the rule
    still picks the faster path everywhere:

    ================================  ======  =====
    3x3, 28x28, 1->32, batch 128         5.0   45.1
    3x3, 26x26, 32->64, batch 128       75.5    136
    5x5, 64x64, 3->16, batch 16         17.0   14.3
    5x5 stride 2, 250x250, 3->32        33.9    157
    7x7 / 9x9 / 11x11, 64x64, 3->8    26 / 38 / 59   6.7 / 6.3 / 7.5
    15x15, 96x96, 1->4                  41.9    4.5
    1-D k=3, 128->64, L=100              4.6   15.9
    1-D k=31, 16->16, L=400             14.2    5.7
    ================================  ======  =====

    Reasoning: im2col costs ``2*M*taps*C_in*C_out`` flops of one well-shaped real
    product plus ``M*taps*C_in`` copies; the FFT path costs about ``4*M*C_in*C_out``
    (complex products, one per frequency, ``F ~ M/2``) plus the transforms, whatever
    the kernel size, but runs ~8x fewer flops per second (many small complex matrix
    products). So fft wins once ``taps`` is large: from 7x7 (49 taps) in general, and
    from 5x5 (25 taps) when the channel product ``C_in*C_out`` is small (<= 256),
    where im2col's tall-skinny products and copies are memory-bound. Strided
    convolutions stay on im2col (fft computes every stride-1 position).
    """
    if _DEFAULT_METHOD != "auto":
        return _DEFAULT_METHOD
    if max(strides) > 1:
        return "im2col"
    taps = int(kernel_shape[0]) * int(kernel_shape[1])
    channel_product = int(kernel_shape[2]) * int(kernel_shape[3])
    if taps >= 49 or (taps >= 25 and channel_product <= 256):
        return "fft"
    return "im2col"


# ================================================================ im2col path
# Without groups the batch is processed in chunks of a few samples whose patch matrix fits in
# the L2 cache (``_CHUNK_BYTES``): building the patches, the matrix product and the scatter of
# the input gradient then run on cached data instead of streaming a patch matrix of ~100 MB
# (batch 128, 26x26x32, 3x3) through memory three times. The backward pass rebuilds each
# chunk's patches from the padded input kept by the forward pass (a cached copy is cheaper
# than a copy read back from memory). Measured on W2's second convolution (128x26x26x32 ->
# 64, 3x3, one core): forward 50 -> 35 ms, kernel gradient 45 -> 41 ms, input gradient
# 51 -> 43 ms (benchmarks/conv_bench.py).
_CHUNK_BYTES = 3 << 19          # 1.5 MiB of patch matrix per chunk
_KEEP_BYTES = 1 << 23           # patch matrices up to 8 MiB in all are kept for the backward pass


_MIN_ROWS = 1024                # inference: patch rows per chunk at least (GEMM efficiency)


def _chunks(n, bytes_per_sample, rows_per_sample=None):
    """``[(start, stop), ...]`` covering ``range(n)`` in chunks of about ``_CHUNK_BYTES``.

    With ``rows_per_sample`` (inference, where no backward pass reuses the chunks) a chunk has
    at least ``_MIN_ROWS`` patch rows, and the chunks are evened out over the worker threads:
    a product of 49 or 361 rows (a 7x7 or 19x19 map, one sample) runs 1.5x slower per flop
    than one of 400-1600 rows (measured, one OpenBLAS thread).
    """
    step = max(1, _CHUNK_BYTES // max(1, bytes_per_sample))
    if rows_per_sample:
        from .conv_threads import workers_now
        k = workers_now()
        step = max(step, -(-_MIN_ROWS // rows_per_sample))
        count = -(-n // step)
        count = min(n, -(-count // k) * k)          # a multiple of the workers where possible
        return [(i * n // count, (i + 1) * n // count) for i in range(count)]
    return [(s, min(n, s + step)) for s in range(0, n, step)]


def _windows(xp, ksize, strides, dilation, out_hw):
    """Read-only view ``(N, oh, ow, kh, kw, C)`` of every receptive field of ``xp``."""
    n, _, _, c = xp.shape
    s_n, s_h, s_w, s_c = xp.strides
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = ksize, strides, dilation, out_hw
    return as_strided(xp, shape=(n, oh, ow, kh, kw, c),
                      strides=(s_n, s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c), writeable=False)


def _grouped_kernel(kernel, groups):
    kh, kw, cg, o = kernel.shape
    return kernel.reshape(kh * kw, cg, groups, o // groups).transpose(2, 0, 1, 3) \
                 .reshape(groups, kh * kw * cg, o // groups)


def _cols(xp, ksize, strides, dilation, out_hw, groups):
    """The patch matrix: ``(M, kh*kw*C)`` (one copy), or ``(G, M, kh*kw*C/G)`` with groups."""
    win = _windows(xp, ksize, strides, dilation, out_hw)
    n, oh, ow, kh, kw, c = win.shape
    m = n * oh * ow
    if groups == 1:
        return win.reshape(m, kh * kw * c)
    cg = c // groups
    return win.reshape(m, kh * kw, groups, cg).transpose(2, 0, 1, 3).reshape(groups, m, kh * kw * cg)


def _im2col_conv(xp, kernel, strides, dilation, out_hw, bias=None, relu=False, epilogue=None,
                 for_backward=True):
    """Ungrouped convolution of the padded input ``xp``: ``(N, oh, ow, O)``, chunk by chunk.

    ``bias`` and ``relu`` are applied to each chunk while it is in cache. Returns ``(y, kept)``
    (``kept``: the chunks' patch matrices when they are small, else None).
    """
    kh, kw, c, o = kernel.shape
    n, (oh, ow) = xp.shape[0], out_hw
    k2 = kernel.reshape(kh * kw * c, o)
    y = np.empty((n, oh * ow, o), dtype=np.result_type(xp.dtype, kernel.dtype))
    per_sample = oh * ow * kh * kw * c * xp.itemsize
    keep = for_backward and n * per_sample <= _KEEP_BYTES

    def work(group):
        kept = {}
        for t, (s, e) in group:
            cols = _cols(xp[s:e], (kh, kw), strides, dilation, out_hw, 1)
            if keep:
                kept[t] = cols
            yc = y[s:e].reshape(-1, o)
            np.matmul(cols, k2, out=yc)
            if bias is not None:
                yc += bias
            if relu:
                np.maximum(yc, 0, out=yc)
            elif epilogue is not None:
                epilogue_apply(yc, epilogue)
        return kept

    kept = {}
    chunks = _chunks(n, per_sample, None if for_backward else oh * ow)
    for part in run_groups(work, list(enumerate(chunks))):
        kept.update(part)
    return y.reshape(n, oh, ow, o), (kept if keep else None)


def _im2col_conv_grads(xp, dy, kernel, strides, dilation, out_hw, need_input=True,
                       relu_y=None, need_bias=False, kept=None):
    """``(dkernel, dxp or None, dbias or None)`` of :func:`_im2col_conv`.

    One pass over the batch in chunks: the ReLU mask (``relu_y``: the forward output) and the
    bias gradient are applied per chunk, each chunk's patches are rebuilt from ``xp`` (in
    cache; or taken from ``kept``, the forward's list), ``dk += patches^T @ dz`` and the
    chunk's input gradient is scattered tap by tap.
    """
    kh, kw, c, o = kernel.shape
    n = xp.shape[0]
    dtype = np.result_type(dy.dtype, kernel.dtype)
    dy = np.ascontiguousarray(dy)
    dxp = np.zeros(xp.shape, dtype=dtype) if need_input else None
    chunks = _chunks(n, out_hw[0] * out_hw[1] * kh * kw * c * xp.itemsize)

    def work(group):
        dk = np.zeros((kh * kw * c, o), dtype=dtype)
        part = np.empty_like(dk)
        db = np.zeros(o, dtype=dtype) if need_bias else None
        for t, (s, e) in group:
            dyc = dy[s:e].reshape(-1, o)
            if relu_y is not None:
                dyc = dyc * (relu_y[s:e].reshape(-1, o) > 0)   # as activations.relu_backward
            if need_bias:
                db += dyc.sum(axis=0)
            cols = kept[t] if kept else _cols(xp[s:e], (kh, kw), strides, dilation, out_hw, 1)
            np.matmul(cols.T, dyc, out=part)
            dk += part
            if need_input:
                _scatter_input_grad(dyc, kernel, dxp[s:e], strides, dilation, out_hw)
        return dk, db

    parts = run_groups(work, list(enumerate(chunks)))
    dk, db = parts[0]
    for dk_i, db_i in parts[1:]:
        dk += dk_i
        if need_bias:
            db += db_i
    return dk.reshape(kernel.shape), dxp, db


def _scatter_input_grad(dy2, kernel, dxp, strides, dilation, out_hw):
    """``dxp += col2im(dy2 @ kernel^T)`` for ungrouped kernels; ``dxp`` is ``(N, Hp, Wp, C)``."""
    kh, kw, c, o = kernel.shape
    n, hp, wp, _ = dxp.shape
    oh, ow = out_hw
    (sh, sw), (dh, dw) = strides, dilation
    if sw == 1 and dw == 1:
        # Unit column stride: view the padded input as (N, H, W*C), so each tap's patch
        # gradient dy @ kernel[i, j]^T, an (M, C) product, lands on contiguous runs of
        # ow*C values. Same flops as one big product, no strided scatter (which is
        # 5-50x slower when C is small).
        flat = dxp.reshape(n, hp, wp * c)
        buf = np.empty((dy2.shape[0], c), dtype=dxp.dtype)
        for i in range(kh):
            rows = slice(i * dh, i * dh + (oh - 1) * sh + 1, sh)
            for j in range(kw):
                np.matmul(dy2, kernel[i, j].T, out=buf)
                flat[:, rows, j * c:(j + ow) * c] += buf.reshape(n, oh, ow * c)
        return
    dcols = (dy2 @ kernel.reshape(kh * kw * c, o).T).reshape(n, oh, ow, kh, kw, c)
    for i in range(kh):
        for j in range(kw):
            dxp[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw, :] \
                += dcols[:, :, :, i, j, :]


def _grouped_forward(cols, kernel, groups):
    o = kernel.shape[-1]
    y = cols @ _grouped_kernel(kernel, groups)                    # (G, M, og)
    return y.transpose(1, 0, 2).reshape(cols.shape[1], o)


def _grouped_grads(cols, dy2, kernel, padded_shape, strides, dilation, out_hw, groups,
                   need_input=True):
    """Kernel and padded-input gradients of a grouped convolution from its patch matrix."""
    kh, kw, cg, o = kernel.shape
    dyg = dy2.reshape(-1, groups, o // groups).transpose(1, 0, 2)            # (G, M, og)
    dk = cols.transpose(0, 2, 1) @ dyg                                       # (G, K, og)
    dk = dk.reshape(groups, kh * kw, cg, o // groups).transpose(1, 2, 0, 3).reshape(kernel.shape)
    if not need_input:
        return dk, None
    n, hp, wp, c = padded_shape
    oh, ow = out_hw
    (sh, sw), (dh, dw) = strides, dilation
    dcols = dyg @ _grouped_kernel(kernel, groups).transpose(0, 2, 1)         # (G, M, kh*kw*cg)
    dcols = dcols.reshape(groups, -1, kh * kw, cg).transpose(1, 2, 0, 3).reshape(n, oh, ow, kh, kw, c)
    dxp = np.zeros(padded_shape, dtype=dy2.dtype)
    for i in range(kh):
        for j in range(kw):
            dxp[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw, :] \
                += dcols[:, :, :, i, j, :]
    return dk, dxp


# ============================================================== public API
def _as_2d(x, kernel, strides, dilation, pads):
    """View a 1-D problem as 2-D with height 1."""
    if x.ndim == 3:
        return (x[:, None], kernel[None], (1,) + tuple(strides), (1,) + tuple(dilation),
                [(0, 0)] + list(pads), True)
    return x, kernel, tuple(strides), tuple(dilation), list(pads), False


def conv_forward(x, kernel, strides, padding, dilation, groups=1, method="auto", bias=None,
                 relu=False, epilogue=None, for_backward=True):
    """N-D (1 or 2 spatial axes) convolution, channels_last, Keras/TF padding.

    Parameters
    ----------
    x : ndarray ``(N, L, C)`` or ``(N, H, W, C)``
    kernel : ndarray ``(k, C/groups, O)`` or ``(kh, kw, C/groups, O)`` (Keras layout)
    strides, dilation : tuple of int, one per spatial axis
    padding : "valid", "same" or "causal" (1-D), or an explicit list of ``(before, after)``
    groups : int, channels split into ``groups`` independent convolutions
    method : "auto", "im2col" or "fft"
    bias : ndarray ``(O,)`` or None, added to the output (fused into the im2col chunks)
    relu : bool, apply ``max(., 0)`` after the bias (fused likewise)
    epilogue : inference only (no backward): an in-place activation applied like ``relu``
        (:func:`pipeseq.kernels.fold.epilogue_apply`)
    for_backward : False when no backward pass follows (inference): larger chunks, nothing kept

    Returns
    -------
    y : ndarray ``(N, *out_spatial, O)``: ``relu(conv + bias)`` (plain convolution by default)
    cache : what :func:`conv_backward` needs (it returns ``db`` too when ``bias`` was given)
    """
    spatial = x.shape[1:-1]
    ksize = kernel.shape[:-2]
    pads = compute_pads(spatial, ksize, strides, dilation, padding) if isinstance(padding, str) \
        else [tuple(p) for p in padding]
    x2, k2, s2, d2, pads2, one_d = _as_2d(x, kernel, strides, dilation, pads)
    xp = pad_spatial(x2, pads2)
    kh, kw = k2.shape[:2]
    out_hw = tuple((p - ((k - 1) * d + 1)) // s + 1
                   for p, k, s, d in zip(xp.shape[1:3], (kh, kw), s2, d2))
    if min(out_hw) <= 0:
        raise ValueError(f"Convolution kernel {tuple(ksize)} (dilation {tuple(dilation)}) is larger "
                         f"than the padded input {tuple(spatial)} (padding {padding!r}).")
    if method == "auto":
        method = choose_method(x2.shape, k2.shape, s2, d2)
        if (method == "im2col" and not for_backward
                and conv_winograd.applies(k2.shape, s2, d2, groups, x2.shape[0], out_hw)):
            method = "winograd"
    if method == "winograd":                        # inference only: no backward follows
        y, method = conv_winograd.winograd_conv(xp, k2, out_hw, bias, relu, epilogue), "im2col"
        aux = (xp, None)
    elif method == "im2col" and groups == 1:        # big patch matrices rebuilt in backward
        y, kept = _im2col_conv(xp, k2, s2, d2, out_hw, bias, relu, epilogue, for_backward)
        aux = (xp, kept)
    else:
        if method == "im2col":
            cols = _cols(xp, (kh, kw), s2, d2, out_hw, groups)
            y = _grouped_forward(cols, k2, groups).reshape((x.shape[0],) + out_hw + (k2.shape[-1],))
            aux = cols
        elif method == "fft":
            y, aux = fft_forward(xp, k2, s2, d2, out_hw, groups)
        else:
            raise ValueError(f"Unknown convolution method {method!r}; expected one of {METHODS}")
        if bias is not None:
            y += bias
        if relu:
            np.maximum(y, 0, out=y)
        elif epilogue is not None:
            epilogue_apply(y, epilogue)
    epi = (y if relu else None, bias is not None)
    cache = (method, aux, k2, xp.shape, s2, d2, pads2, x2.shape[1:3], groups, one_d, out_hw, epi)
    return (y[:, 0] if one_d else y), cache


def conv_backward(cache, dy, need_input=True):
    """Gradients of :func:`conv_forward`: ``(dx, dkernel)``, or ``(dx, dkernel, dbias)`` when
    the forward pass had a ``bias``; ``dx`` is None when ``need_input`` is False."""
    method, aux, k2, padded_shape, s2, d2, pads2, spatial, groups, one_d, out_hw, epi = cache
    relu_y, has_bias = epi
    if one_d:
        dy = dy[:, None]
    if method == "im2col" and groups == 1:
        dk, dxp, db = _im2col_conv_grads(aux[0], dy, k2, s2, d2, out_hw, need_input, relu_y,
                                         has_bias, kept=aux[1])
    else:
        if relu_y is not None:
            dy = dy * (relu_y > 0)
        db = dy.sum(axis=tuple(range(dy.ndim - 1))) if has_bias else None
        if method == "im2col":
            dk, dxp = _grouped_grads(aux, dy.reshape(-1, k2.shape[-1]), k2, padded_shape, s2, d2,
                                     out_hw, groups, need_input)
        else:
            dxp, dk = fft_grads(aux, dy, k2, padded_shape, s2, d2, groups, need_input)
    dx = None
    if dxp is not None:
        dx = _crop(dxp, pads2, spatial)
        dx = dx[:, 0] if one_d else dx
    dk = dk[0] if one_d else dk
    return (dx, dk, db) if has_bias else (dx, dk)


def depthwise_kernel_to_grouped(depthwise_kernel):
    """Keras depthwise kernel ``(*k, C, mult)`` -> grouped kernel ``(*k, 1, C*mult)``."""
    *k, c, m = depthwise_kernel.shape
    return depthwise_kernel.reshape(tuple(k) + (1, c * m))
