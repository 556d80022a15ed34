"""More of Keras 2's ``K.*`` for :mod:`compat.backend`: names mapped onto ``pipeseq.ops``
(differentiable), ``pipeseq.random`` and the variables API. No math here.

Example
-------
>>> import numpy as np
>>> from compat import backend as K
>>> K.repeat_elements(np.array([[1, 2]]), 2, axis=1).tolist()
[[1, 1, 2, 2]]
"""
import numpy as np

from pipeseq import ops as _ops
from pipeseq import random as _random


def reverse(x, axes):
    """Reverse ``x`` along ``axes`` (an int or a list)."""
    return _ops.flip(x, axis=tuple(axes) if isinstance(axes, (list, tuple)) else axes)


def repeat_elements(x, rep, axis):
    """Repeat each element ``rep`` times along ``axis``."""
    return _ops.repeat(x, rep, axis=axis)


def permute_dimensions(x, pattern):
    """Transpose ``x`` to the axis order ``pattern``."""
    return _ops.transpose(x, axes=tuple(pattern))


def temporal_padding(x, padding=(1, 1)):
    """Zero-pad the time axis of a 3-D tensor."""
    return _ops.pad(x, [(0, 0), tuple(padding), (0, 0)])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Zero-pad rows and columns of a 4-D tensor."""
    from pipeseq.backend import image_data_format
    (t, b), (l, r) = padding
    if (data_format or image_data_format()) == "channels_first":
        return _ops.pad(x, [(0, 0), (0, 0), (t, b), (l, r)])
    return _ops.pad(x, [(0, 0), (t, b), (l, r), (0, 0)])


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Zero-pad the three spatial axes of a 5-D tensor."""
    from pipeseq.backend import image_data_format
    pads = [tuple(p) for p in padding]
    if (data_format or image_data_format()) == "channels_first":
        return _ops.pad(x, [(0, 0), (0, 0)] + pads)
    return _ops.pad(x, [(0, 0)] + pads + [(0, 0)])


def in_top_k(predictions, targets, k):
    """Whether each target class is among the ``k`` highest predictions."""
    return _ops.in_top_k(targets, predictions, k)


def bias_add(x, bias, data_format=None):
    """``x + bias`` on the channel axis."""
    from pipeseq.backend import image_data_format
    if (data_format or image_data_format()) == "channels_first" and np.ndim(x) > 2:
        bias = _ops.reshape(bias, (1, -1) + (1,) * (np.ndim(x) - 2))
    return _ops.add(x, bias)


def dropout(x, level, noise_shape=None, seed=None):
    """Inverted dropout with rate ``level`` (Keras 2's ``K.dropout``)."""
    return _random.dropout(x, level, noise_shape=noise_shape, seed=seed)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _random.normal(shape, mean, stddev, dtype, seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _random.uniform(shape, minval, maxval, dtype, seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _random.truncated_normal(shape, mean, stddev, dtype, seed)


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    """0/1 draws with probability ``p`` of a 1."""
    return (_random.uniform(shape, seed=seed) < p).astype(dtype or "float32")


random_binomial = random_bernoulli


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    from pipeseq.variables import Variable
    return Variable(_random.normal(shape, mean, scale, dtype, seed), name or "random_normal")


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    from pipeseq.variables import Variable
    return Variable(_random.uniform(shape, low, high, dtype, seed), name or "random_uniform")


def update(x, new_x):
    """Assign ``new_x`` to the variable ``x``."""
    x.assign(new_x)
    return x


def update_add(x, increment):
    x.assign(np.asarray(x.value) + np.asarray(increment))
    return x


def update_sub(x, decrement):
    x.assign(np.asarray(x.value) - np.asarray(decrement))
    return x


def moving_average_update(x, value, momentum):
    """``x = momentum * x + (1 - momentum) * value``."""
    x.assign(momentum * np.asarray(x.value) + (1 - momentum) * np.asarray(value))
    return x


def map_fn(fn, elems, name=None, dtype=None):
    """``fn`` applied to each element along the first axis, results stacked."""
    return _ops.stack([fn(e) for e in elems])


def foldl(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` from the left with ``fn(acc, x)``."""
    items = list(elems)
    acc = items.pop(0) if initializer is None else initializer
    for e in items:
        acc = fn(acc, e)
    return acc


def foldr(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` from the right with ``fn(acc, x)``."""
    return foldl(fn, list(elems)[::-1], initializer)


def print_tensor(x, message="", summarize=3):
    """Print ``message`` and ``x``; return ``x``."""
    print(message, np.asarray(getattr(x, "value", x)))
    return x


def is_keras_tensor(x):
    from pipeseq.graph import KerasTensor
    return isinstance(x, KerasTensor)


def is_sparse(tensor):
    """Always False: pipeseq's arrays are dense."""
    return False


def to_dense(tensor):
    return np.asarray(tensor)


_UIDS = {}


def get_uid(prefix=""):
    """1, 2, 3… per ``prefix`` (Keras 2's automatic-name counter)."""
    _UIDS[prefix] = _UIDS.get(prefix, 0) + 1
    return _UIDS[prefix]


def binary_focal_crossentropy(target, output, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False):
    from pipeseq.training.extra_losses import binary_focal_crossentropy as f
    return f(target, output, apply_class_balancing, alpha, gamma, from_logits)


def categorical_focal_crossentropy(target, output, alpha=0.25, gamma=2.0, from_logits=False,
                                   axis=-1):
    from pipeseq.training.extra_losses import categorical_focal_crossentropy as f
    return f(target, output, alpha, gamma, from_logits, axis=axis)


__all__ = ["reverse", "repeat_elements", "permute_dimensions", "temporal_padding",
           "spatial_2d_padding", "spatial_3d_padding", "in_top_k", "bias_add", "dropout",
           "random_normal", "random_uniform", "truncated_normal", "random_bernoulli",
           "random_binomial", "random_normal_variable", "random_uniform_variable", "update",
           "update_add", "update_sub", "moving_average_update", "map_fn", "foldl", "foldr",
           "print_tensor", "is_keras_tensor", "is_sparse", "to_dense", "get_uid",
           "binary_focal_crossentropy", "categorical_focal_crossentropy"]
