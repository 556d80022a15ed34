"""Merge arithmetic (forward and backward): add, subtract, multiply, average, maximum,
minimum, concatenate, batch dot (with optional L2 normalisation) and Keras 1 cosine.

Every ``*_forward`` takes a list of arrays ``xs`` (batch axis first) and returns
``(y, cache)``; the matching ``*_backward(cache, dy)`` returns the list of input
gradients. Elementwise merges broadcast like NumPy (as Keras 3 does) and reduce
gradients back to each input's shape.

Example
-------
>>> import numpy as np
>>> y, cache = add_forward([np.ones((2, 3)), np.ones((2, 3))])
>>> y.shape, [g.shape for g in add_backward(cache, np.ones((2, 3)))]
((2, 3), [(2, 3), (2, 3)])
"""
import numpy as np

EPSILON = 1e-7     # Keras backend.epsilon()


def unbroadcast(g, shape):
    """Sum ``g`` over the axes NumPy broadcast to reach it from ``shape``."""
    if g.shape == tuple(shape):
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g


# ----------------------------------------------------------------- elementwise
def add_forward(xs):
    y = xs[0]
    for x in xs[1:]:
        y = y + x
    return y, [x.shape for x in xs]


def add_backward(cache, dy):
    return [unbroadcast(dy, s) for s in cache]


def subtract_forward(xs):
    return xs[0] - xs[1], [xs[0].shape, xs[1].shape]


def subtract_backward(cache, dy):
    return [unbroadcast(dy, cache[0]), unbroadcast(-dy, cache[1])]


def average_forward(xs):
    y, cache = add_forward(xs)
    return y / np.asarray(len(xs), dtype=y.dtype), cache


def average_backward(cache, dy):
    return [unbroadcast(dy / np.asarray(len(cache), dtype=dy.dtype), s) for s in cache]


def multiply_forward(xs):
    y = xs[0]
    for x in xs[1:]:
        y = y * x
    return y, list(xs)


def multiply_backward(cache, dy):
    out = []
    for i, x in enumerate(cache):
        g = dy
        for j, other in enumerate(cache):
            if j != i:
                g = g * other
        out.append(unbroadcast(g, x.shape))
    return out


def _extremum_forward(xs, pick):
    full = np.broadcast_arrays(*xs)
    stacked = np.stack(full)
    idx = pick(stacked, axis=0)             # first input wins ties, as Keras's chained maximum
    y = np.take_along_axis(stacked, idx[None], axis=0)[0]
    return y, (idx, [x.shape for x in xs])


def _extremum_backward(cache, dy):
    idx, shapes = cache
    return [unbroadcast(np.where(idx == i, dy, 0).astype(dy.dtype), s) for i, s in enumerate(shapes)]


def maximum_forward(xs):
    return _extremum_forward(xs, np.argmax)


def minimum_forward(xs):
    return _extremum_forward(xs, np.argmin)


maximum_backward = _extremum_backward
minimum_backward = _extremum_backward


# ----------------------------------------------------------------- concatenate
def concatenate_forward(xs, axis=-1):
    y = np.concatenate(xs, axis=axis)
    return y, (axis, [x.shape[axis] for x in xs])


def concatenate_backward(cache, dy):
    axis, sizes = cache
    cuts = np.cumsum(sizes)[:-1]
    return np.split(dy, cuts, axis=axis)


# ------------------------------------------------------------------- batch dot
_LETTERS = "cdefghijklmnopqrstuvwxyz"


def _dot_subscripts(ndim1, ndim2, a1, a2):
    """einsum subscripts for Keras's batch_dot of x (ndim1) and y (ndim2) over axes a1, a2."""
    letters = iter(_LETTERS)
    k = "a"
    s1 = ["b"] + [k if i == a1 else next(letters) for i in range(1, ndim1)]
    s2 = ["b"] + [k if i == a2 else next(letters) for i in range(1, ndim2)]
    out = ["b"] + [c for c in s1[1:] if c != k] + [c for c in s2[1:] if c != k]
    return "".join(s1), "".join(s2), "".join(out)


def dot_axes(axes, ndim1, ndim2):
    """Resolve Keras's ``axes`` (int or pair, negatives modulo ndim) to two positive axes."""
    if isinstance(axes, (int, np.integer)):
        return [axes % ndim1, axes % ndim2] if axes < 0 else [int(axes)] * 2
    return [a % n if a < 0 else int(a) for a, n in zip(axes, (ndim1, ndim2))]


def l2_normalize_forward(x, axis):
    """``x / max(||x||, eps)`` along ``axis`` (Keras's ``ops.normalize``)."""
    ss = (x * x).sum(axis=axis, keepdims=True)
    norm = np.sqrt(ss)
    clipped = norm < EPSILON
    denom = np.where(clipped, np.asarray(EPSILON, x.dtype), norm)
    y = x / denom
    return y, (y, denom, clipped, axis)


def l2_normalize_backward(cache, dy):
    y, denom, clipped, axis = cache
    proj = (dy * y).sum(axis=axis, keepdims=True)
    return np.where(clipped, dy / denom, (dy - y * proj) / denom)


def batch_dot_forward(x1, x2, axes):
    """Keras ``batch_dot``: contract ``x1`` axis ``axes[0]`` with ``x2`` axis ``axes[1]``.

    Output shape: x1's other axes then x2's other non-batch axes; ``(b,)`` becomes ``(b, 1)``.
    """
    a1, a2 = axes
    if x1.shape[a1] != x2.shape[a2]:
        raise ValueError(f"Dimension incompatibility using dot product: x.shape[{a1}] "
                         f"({x1.shape[a1]}) != y.shape[{a2}] ({x2.shape[a2]}).")
    s1, s2, so = _dot_subscripts(x1.ndim, x2.ndim, a1, a2)
    y = np.einsum(f"{s1},{s2}->{so}", x1, x2)
    squeeze = y.ndim == 1
    if squeeze:
        y = y[:, None]
    return y, (x1, x2, s1, s2, so, squeeze)


def batch_dot_backward(cache, dy):
    x1, x2, s1, s2, so, squeeze = cache
    if squeeze:
        dy = dy[:, 0]
    d1 = np.einsum(f"{so},{s2}->{s1}", dy, x2)
    d2 = np.einsum(f"{so},{s1}->{s2}", dy, x1)
    return [d1, d2]


def dot_forward(xs, axes, normalize=False):
    """The ``Dot`` layer: optional L2 normalisation along the dot axes, then ``batch_dot``."""
    x1, x2 = xs
    ax = dot_axes(axes, x1.ndim, x2.ndim)
    n1 = n2 = None
    if normalize:
        x1, n1 = l2_normalize_forward(x1, ax[0])
        x2, n2 = l2_normalize_forward(x2, ax[1])
    y, c = batch_dot_forward(x1, x2, ax)
    return y, (c, n1, n2)


def dot_backward(cache, dy):
    c, n1, n2 = cache
    d1, d2 = batch_dot_backward(c, dy)
    if n1 is not None:
        d1 = l2_normalize_backward(n1, d1)
        d2 = l2_normalize_backward(n2, d2)
    return [d1, d2]


def cos_forward(xs, axes=-1):
    """Keras 1 ``Merge(mode='cos')`` for 2-D inputs ``(b, n)``: output ``(b, 1)``.

    ``dot(a, b) / max(sqrt(dot(a, a) * dot(b, b)), eps)``.
    """
    a, b = xs
    ax = dot_axes(axes, a.ndim, b.ndim)
    d, cd = batch_dot_forward(a, b, ax)
    naa = (a * a).sum(axis=ax[0])[:, None]
    nbb = (b * b).sum(axis=ax[1])[:, None]
    root = np.sqrt(naa * nbb)
    clipped = root < EPSILON
    denom = np.where(clipped, np.asarray(EPSILON, a.dtype), root)
    return d / denom, (cd, a, b, ax, d, naa, nbb, denom, clipped)


def cos_backward(cache, dy):
    cd, a, b, ax, d, naa, nbb, denom, clipped = cache
    da, db = batch_dot_backward(cd, dy / denom)
    # d/d(naa) of d/sqrt(naa*nbb) = -d / (2 * naa * root), chain through naa = sum(a^2)
    safe_naa = np.where(clipped, 1, naa)
    safe_nbb = np.where(clipped, 1, nbb)
    k = np.where(clipped, 0, -dy * d / denom)        # (b, 1)
    shape_a = [1] * a.ndim
    shape_a[0] = -1
    shape_b = [1] * b.ndim
    shape_b[0] = -1
    da = da + (k / safe_naa).reshape(shape_a) * a
    db = db + (k / safe_nbb).reshape(shape_b) * b
    return [da.astype(a.dtype, copy=False), db.astype(b.dtype, copy=False)]
