"""Shape and layout ops of ``keras.ops``: reshape, transpose, concatenate, split, pad, flip, take, ...

All are differentiable (gradients are routed back by index).

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> ops.concatenate([np.ones((1, 2)), np.zeros((1, 2))], axis=0).shape
(2, 2)
>>> ops.pad(np.ones((1, 1), "float32"), 1)
array([[0., 0., 0.],
       [0., 1., 0.],
       [0., 0., 0.]], dtype=float32)
"""
import autograd.numpy as anp
import numpy as np

from . import prims
from .dispatch import axis_arg, op, tensor, value

__all__ = ["reshape", "ravel", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze",
           "broadcast_to", "tile", "repeat", "concatenate", "stack", "hstack", "vstack",
           "dstack", "append", "split", "array_split", "hsplit", "vsplit", "dsplit", "flip",
           "fliplr", "flipud", "roll", "rot90", "pad", "take", "take_along_axis", "diag",
           "diagflat", "diagonal", "trace", "tril", "triu", "size", "ndim", "view",
           "view_as_complex", "view_as_real", "unstack"]


def _tensors(xs):
    return [tensor(x) for x in xs]


@op
def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one entry may be -1)."""
    if isinstance(newshape, (int, np.integer)):
        newshape = (int(newshape),)
    return anp.reshape(tensor(x), tuple(-1 if d is None else int(d) for d in newshape))


@op
def ravel(x):
    """``x`` flattened to one axis."""
    return anp.reshape(tensor(x), (-1,))


@op
def transpose(x, axes=None):
    """Permute the axes (reverse them when ``axes`` is None)."""
    return anp.transpose(tensor(x), None if axes is None else tuple(axes))


@op
def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    return anp.swapaxes(tensor(x), axis1, axis2)


@op
def moveaxis(x, source, destination):
    """Move axes to new positions."""
    return anp.moveaxis(tensor(x), source, destination)


@op
def expand_dims(x, axis):
    """Insert a length-1 axis (or several) at ``axis``."""
    x = tensor(x)
    if isinstance(axis, (list, tuple)):
        nd = value(x).ndim + len(axis)
        shape = list(value(x).shape)
        for a in sorted(a % nd for a in axis):
            shape.insert(a, 1)
        return anp.reshape(x, shape)
    return anp.expand_dims(x, axis)


@op
def squeeze(x, axis=None):
    """Remove length-1 axes (all of them, or those in ``axis``)."""
    return anp.squeeze(tensor(x), axis=axis_arg(axis))


@op
def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return anp.broadcast_to(tensor(x), tuple(shape))


@op
def tile(x, repeats):
    """``x`` repeated ``repeats`` times along each axis."""
    return anp.tile(tensor(x), repeats)


@op
def repeat(x, repeats, axis=None):
    """Each element repeated ``repeats`` times along ``axis`` (flattened when None)."""
    x = tensor(x)
    if axis is None:
        x, axis = anp.reshape(x, (-1,)), 0
    idx = np.repeat(np.arange(value(x).shape[axis]), value(repeats))
    return x[(slice(None),) * (axis % value(x).ndim) + (idx,)]


@op
def concatenate(xs, axis=0):
    """Join arrays along an existing axis."""
    return anp.concatenate(_tensors(xs), axis=axis)


@op
def stack(x, axis=0):
    """Join arrays along a new axis."""
    return anp.stack(_tensors(x), axis=axis)


@op
def hstack(xs):
    """Stack column-wise."""
    return anp.hstack(_tensors(xs))


@op
def vstack(xs):
    """Stack row-wise."""
    return anp.vstack(_tensors(xs))


@op
def dstack(xs):
    """Stack along the third axis."""
    xs = [anp.reshape(x, (1,) * (3 - value(x).ndim) + value(x).shape) if value(x).ndim < 3 and
          value(x).ndim != 2 else (anp.expand_dims(x, -1) if value(x).ndim == 2 else x)
          for x in _tensors(xs)]
    return anp.concatenate(xs, axis=2)


@op
def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` (both flattened when ``axis`` is None)."""
    a, b = tensor(x1), tensor(x2)
    if axis is None:
        return anp.concatenate([anp.reshape(a, (-1,)), anp.reshape(b, (-1,))])
    return anp.concatenate([a, b], axis=axis)


def _split_points(n, indices_or_sections, even):
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if even and n % k:
            raise ValueError(f"split(): an axis of length {n} cannot be split evenly into {k} "
                             f"parts. Received: indices_or_sections={k}")
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        return list(np.cumsum(sizes)[:-1])
    return [int(i) for i in indices_or_sections]


def _split(x, indices_or_sections, axis, even=True):
    x = tensor(x)
    axis = axis % value(x).ndim
    n = value(x).shape[axis]
    bounds = [0] + _split_points(n, indices_or_sections, even) + [n]
    pre = (slice(None),) * axis
    return [x[pre + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:])]


@op
def split(x, indices_or_sections, axis=0):
    """Split into equal parts (an int) or at the given indices."""
    return _split(x, indices_or_sections, axis)


@op
def array_split(x, indices_or_sections, axis=0):
    """Split into nearly equal parts (sizes may differ by one)."""
    return _split(x, indices_or_sections, axis, even=False)


@op
def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D arrays)."""
    return _split(x, indices_or_sections, 1 if value(tensor(x)).ndim > 1 else 0)


@op
def vsplit(x, indices_or_sections):
    """Split along axis 0."""
    return _split(x, indices_or_sections, 0)


@op
def dsplit(x, indices_or_sections):
    """Split along axis 2."""
    return _split(x, indices_or_sections, 2)


@op
def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list."""
    x = tensor(x)
    n = value(x).shape[axis]
    if num is not None and int(num) != n:
        raise ValueError(f"unstack(): num={num} does not match the axis length {n}.")
    pre = (slice(None),) * (axis % value(x).ndim)
    return [x[pre + (i,)] for i in range(n)]


def _flip_index(nd, axes):
    return tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(nd))


@op
def flip(x, axis=None):
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    x = tensor(x)
    nd = value(x).ndim
    axes = range(nd) if axis is None else [a % nd for a in
                                           (axis if isinstance(axis, (list, tuple)) else [axis])]
    return x[_flip_index(nd, set(axes))]


@op
def fliplr(x):
    """Reverse axis 1."""
    return flip(x, 1)


@op
def flipud(x):
    """Reverse axis 0."""
    return flip(x, 0)


@op
def roll(x, shift, axis=None):
    """Shift elements cyclically along ``axis`` (flattened when None)."""
    x = tensor(x)
    v = value(x)
    idx = np.roll(np.arange(v.size).reshape(v.shape), shift, axis=axis)
    return anp.reshape(x, (-1,))[idx]


@op
def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``."""
    x = tensor(array)
    v = value(x)
    idx = np.rot90(np.arange(v.size).reshape(v.shape), k=k, axes=tuple(axes))
    return anp.reshape(x, (-1,))[idx]


def _pad_width(pad_width, nd):
    pw = np.broadcast_to(np.asarray(pad_width, dtype=int).reshape(-1, 2) if np.ndim(pad_width)
                         else np.full((1, 2), int(pad_width)), (nd, 2))
    return [tuple(int(a) for a in row) for row in pw]


@op
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad ``x``; ``mode`` is one of NumPy's (``constant``, ``reflect``, ``symmetric``, ``edge``, ``wrap``)."""
    x = tensor(x)
    v = value(x)
    pw = _pad_width(pad_width, v.ndim)
    if mode == "constant":
        return prims.pad_constant(x, pw, 0 if constant_values is None else constant_values)
    if constant_values is not None:
        raise ValueError(f"pad(): constant_values applies only to mode='constant'. "
                         f"Received: mode={mode!r}, constant_values={constant_values!r}")
    idx = np.pad(np.arange(v.size).reshape(v.shape), pw, mode=mode)
    return anp.reshape(x, (-1,))[idx]


@op
def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (flattened when None)."""
    x = tensor(x)
    idx = np.asarray(value(tensor(indices)))
    if axis is None:
        return anp.reshape(x, (-1,))[idx]
    n = value(x).shape[axis]
    idx = np.where(idx < 0, idx + n, idx)
    return x[(slice(None),) * (axis % value(x).ndim) + (idx,)]


@op
def take_along_axis(x, indices, axis=None):
    """``x`` indexed by ``indices`` matched along ``axis`` (as NumPy)."""
    x = tensor(x)
    idx = np.asarray(value(tensor(indices)))
    if axis is None:
        return prims.take_along_axis(anp.reshape(x, (-1,)), idx.reshape(-1), 0)
    v = value(x)
    shape = [max(a, b) if d != axis % v.ndim else idx.shape[d]
             for d, (a, b) in enumerate(zip(v.shape, idx.shape))]
    idx = np.broadcast_to(idx, shape)
    bshape = [s if d == axis % v.ndim else shape[d] for d, s in enumerate(v.shape)]
    if tuple(bshape) != v.shape:
        x = anp.broadcast_to(x, tuple(bshape))
    return prims.take_along_axis(x, idx, axis)


@op
def diag(x, k=0):
    """The ``k``-th diagonal of a matrix, or a diagonal matrix from a vector."""
    x = tensor(x)
    v = value(x)
    if v.ndim == 1:
        n = v.shape[0] + abs(k)
        idx = np.full((n, n), v.size, dtype=int)
        r = np.arange(v.shape[0])
        idx[r + max(-k, 0), r + max(k, 0)] = r
        return anp.concatenate([x, anp.zeros(1, dtype=v.dtype)])[idx]
    return diagonal(x, k)


@op
def diagflat(x, k=0):
    """A diagonal matrix from the flattened ``x``."""
    return diag(anp.reshape(tensor(x), (-1,)), k)


@op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the ``axis1``/``axis2`` plane (as a last axis)."""
    return anp.diagonal(tensor(x), offset, axis1, axis2)


@op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal."""
    return anp.sum(anp.diagonal(tensor(x), offset, axis1, axis2), axis=-1)


@op
def tril(x, k=0):
    """Lower triangle (zeros above diagonal ``k``) of the last two axes."""
    x = tensor(x)
    v = value(x)
    return anp.where(np.tri(v.shape[-2], v.shape[-1], k, dtype=bool), x, 0).astype(v.dtype)


@op
def triu(x, k=0):
    """Upper triangle (zeros below diagonal ``k``) of the last two axes."""
    x = tensor(x)
    v = value(x)
    return anp.where(np.tri(v.shape[-2], v.shape[-1], k - 1, dtype=bool), 0, x).astype(v.dtype)


@op
def size(x):
    """Number of elements."""
    return int(np.size(value(tensor(x))))


@op
def ndim(x):
    """Number of axes."""
    return int(np.ndim(value(tensor(x))))


@op
def view(x, dtype=None):
    """The same bytes read as ``dtype`` (no gradient)."""
    v = np.asarray(value(tensor(x)))
    return v if dtype is None else v.view(dtype)


@op
def view_as_complex(x):
    """A ``(..., 2)`` real array as complex numbers."""
    x = tensor(x)
    return x[..., 0] + 1j * x[..., 1]


@op
def view_as_real(x):
    """A complex array as ``(..., 2)`` real/imaginary pairs."""
    x = tensor(x)
    return anp.stack([anp.real(x), anp.imag(x)], axis=-1)
