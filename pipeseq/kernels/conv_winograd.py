"""Winograd F(2x2, 3x3): stride-1 3x3 convolutions with 2.25x fewer multiplications (inference).

Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (2016). Each 2x2 block of
outputs ("tile") is computed from the 4x4 block of inputs under it::

    V = B^T d B            (input tile d, 4x4, per input channel)
    U = G g G^T            (kernel g, 3x3, per input/output channel pair; computed once)
    M[a, b] = V[a, b] @ U[a, b]      (16 matrix products over the channels)
    Y = A^T M A            (the 2x2 outputs)

so a tile costs 16 multiply-adds per channel pair instead of 36. The transforms are additions
and subtractions done on strided views of the whole chunk at once (no loop over tiles), and
the 16 products are one batched ``matmul`` of well-shaped matrices (tiles x C_in by
C_in x C_out). Used by :func:`pipeseq.kernels.conv.conv_forward` when no backward pass follows
(``predict``) for 3x3 kernels with stride 1, no dilation, no groups and at least
``MIN_CHANNELS`` input and output channels; results agree with the im2col path within float32
rounding (the transforms only add and halve).

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels import conv_winograd
>>> xp = np.ones((1, 6, 6, 16), "float32"); k = np.ones((3, 3, 16, 16), "float32")
>>> y = conv_winograd.winograd_conv(xp, k, (4, 4))
>>> y.shape, float(y[0, 0, 0, 0])
((1, 4, 4, 16), 144.0)
"""
import numpy as np

from .conv_threads import run_groups, workers_now
from .fold import epilogue_apply

MIN_CHANNELS = 16          # below this im2col's single product is as fast (few flops per tile)
MIN_TILES = 256            # fewer tiles in all: the kernel transform costs what the products save
_CHUNK_ROWS = 256          # tiles per chunk at least (rows of the 16 products)
_CHUNK_BYTES = 1 << 20     # transformed input per chunk, about (more only for _CHUNK_ROWS)

def applies(kernel_shape, strides, dilation, groups, batch, out_hw):
    """Whether :func:`winograd_conv` computes this convolution (2-D view, Keras kernel layout).

    Measured against the im2col path (one worker, batch 8, C_in = C_out, ms, transform of the
    kernel included): 56x56x64 40 vs 64, 28x28x128 28 vs 40, 14x14x256 22 vs 32, 7x7x512
    30 vs 32 (128 tiles: the kernel transform is a fifth of the time, hence ``MIN_TILES``).
    """
    kh, kw, c, o = kernel_shape
    tiles = batch * (-(-out_hw[0] // 2)) * (-(-out_hw[1] // 2))
    return ((kh, kw) == (3, 3) and tuple(strides) == (1, 1) and tuple(dilation) == (1, 1)
            and groups == 1 and c >= MIN_CHANNELS and o >= MIN_CHANNELS and tiles >= MIN_TILES)


def transform_kernel(kernel):
    """``U = G g G^T`` for every channel pair: ``(3, 3, C, O) -> (16, C, O)``."""
    u = np.empty((4, 4) + kernel.shape[2:], dtype=kernel.dtype)
    rows = np.empty((4, 3) + kernel.shape[2:], dtype=kernel.dtype)
    _g(kernel, rows)                                 # G g: combinations of the kernel's rows
    for a in range(4):
        _g(rows[a], u[a])                            # (G g) G^T: of each row's columns
    return u.reshape(16, *kernel.shape[2:])


def _g(g, out):
    """``out[i] = (G g)[i]`` for the three rows (or columns) ``g[0..2]``."""
    out[0] = g[0]
    np.add(g[0], g[2], out=out[1])
    np.subtract(out[1], g[1], out=out[2])
    out[1] += g[1]
    out[1] *= 0.5
    out[2] *= 0.5
    out[3] = g[2]


def _input_tiles(x, th, tw):
    """``B^T d B`` of every 4x4 input tile (stride 2) of ``x (m, 2*th+2, 2*tw+2, C)``:
    ``(16, m*th*tw, C)``, index ``4*a + b``."""
    m, _, w2, c = x.shape
    r = [x[:, k:k + 2 * th:2] for k in range(4)]             # tile rows k: (m, th, w2, C)
    t = np.empty((4, m, th, w2, c), dtype=x.dtype)
    _bt(r, t)
    v = np.empty((4, 4, m, th, tw, c), dtype=x.dtype)
    for a in range(4):
        _bt([t[a][:, :, k:k + 2 * tw:2] for k in range(4)], v[a])
    return v.reshape(16, m * th * tw, c)


def _bt(d, out):
    """``out[i] = (B^T d)[i]`` for the four rows (or columns) ``d[0..3]`` of a tile."""
    np.subtract(d[0], d[2], out=out[0])
    np.add(d[1], d[2], out=out[1])
    np.subtract(d[2], d[1], out=out[2])
    np.subtract(d[1], d[3], out=out[3])


def _at(m0, m1, m2, m3):
    """``(A^T m)[0], (A^T m)[1]`` for the four rows (or columns) of a transformed tile."""
    s = np.add(m0, m1)
    s += m2
    d = np.subtract(m1, m2)
    d -= m3
    return s, d


def _output_tiles(prod, y, th, tw):
    """``A^T M A`` of the products ``prod (16, m*th*tw, O)`` into ``y (m, 2*th, 2*tw, O)``."""
    o = prod.shape[-1]
    mm = prod.reshape(4, 4, -1, th, tw, o)
    rows = _at(mm[0], mm[1], mm[2], mm[3])                   # two (4, m, th, tw, O)
    yv = y.reshape(y.shape[0], th, 2, tw, 2, o)
    for i, r in enumerate(rows):
        left, right = _at(r[0], r[1], r[2], r[3])
        yv[:, :, i, :, 0] = left
        yv[:, :, i, :, 1] = right


def winograd_conv(xp, kernel, out_hw, bias=None, relu=False, epilogue=None, u=None):
    """Stride-1 3x3 convolution of the padded input ``xp (N, oh+2, ow+2, C)``: ``(N, oh, ow, O)``.

    ``bias``, ``relu`` and ``epilogue`` as :func:`pipeseq.kernels.conv.conv_forward`'s, applied
    per chunk; ``u``: the kernel already transformed by :func:`transform_kernel`.
    """
    n, _, _, c = xp.shape
    oh, ow = out_hw
    o = kernel.shape[-1]
    th, tw = -(-oh // 2), -(-ow // 2)
    if (oh % 2) or (ow % 2):                 # odd sizes: one more row/column of zeros
        xp = np.pad(xp, ((0, 0), (0, oh % 2), (0, ow % 2), (0, 0)))
    u = transform_kernel(kernel) if u is None else u
    dtype = np.result_type(xp.dtype, kernel.dtype)
    y = np.empty((n, 2 * th, 2 * tw, o), dtype=dtype)
    tiles = th * tw
    per = max(1, -(-_CHUNK_ROWS // tiles))
    per = max(per, min(n, _CHUNK_BYTES // max(1, 16 * tiles * c * xp.itemsize)))
    count = -(-n // per)
    k = workers_now()
    count = min(n, -(-count // k) * k)      # a multiple of the workers where possible
    chunks = [(i * n // count, (i + 1) * n // count) for i in range(count)]

    def work(group):
        for s, e in group:
            prod = np.matmul(_input_tiles(xp[s:e], th, tw), u)
            _output_tiles(prod, y[s:e], th, tw)
            yc = y[s:e]
            if bias is not None:
                yc += bias
            if relu:
                np.maximum(yc, 0, out=yc)
            elif epilogue is not None:
                epilogue_apply(yc, epilogue)

    run_groups(work, chunks)
    if (oh, ow) != (2 * th, 2 * tw):
        y = np.ascontiguousarray(y[:, :oh, :ow])
    return y
