"""Merge layers: ``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum``, ``Minimum``,
``Concatenate``, ``Dot`` (Keras 2/3); the Keras 1 ``Merge`` layer is in :mod:`.merge_legacy`.

All take a list of inputs. In the functional API::

    >>> from pipeseq.models import Input, Model
    >>> from pipeseq.layers import Dense
    >>> a, b = Input((4,)), Input((4,))
    >>> model = Model([a, b], Dense(1)(Concatenate()([a, Add()([a, b])])))
    >>> model.n_inputs
    2

The arithmetic lives in :mod:`pipeseq.kernels.merge`.
"""
import inspect

import numpy as np

from ..kernels import core as core_ops
from ..kernels import merge as ops
from .base import Layer, format_shape, register


def _is_shape_list(shape):
    return isinstance(shape, (list, tuple)) and len(shape) > 0 and all(
        isinstance(s, (list, tuple)) for s in shape)


class _Merge(Layer):
    """Base class: validates the list of inputs; elementwise output shape with broadcasting."""

    min_inputs = 1
    exact_inputs = None

    def _check_inputs(self, input_shape):
        if not _is_shape_list(input_shape):
            raise ValueError(f"A merge layer ('{self.name}', {type(self).__name__}) should be called "
                             f"on a list of inputs. Received: input_shape={input_shape} (not a list "
                             "of shapes)")
        n = len(input_shape)
        if self.exact_inputs is not None and n != self.exact_inputs:
            raise ValueError(f"A `{type(self).__name__}` layer ('{self.name}') should be called on "
                             f"exactly {self.exact_inputs} inputs. Received: {n} inputs with shapes "
                             f"{format_shape([tuple(s) for s in input_shape])}")
        if n < self.min_inputs:
            raise ValueError(f"A merge layer ('{self.name}') should be called on a list of at least "
                             f"{self.min_inputs} input(s). Received {n} inputs.")
        batches = {s[0] for s in input_shape if len(s) and s[0] is not None}
        if len(batches) > 1:
            raise ValueError(f"Layer '{self.name}': cannot merge tensors with different batch sizes. "
                             f"Received tensors with shapes {format_shape([tuple(s) for s in input_shape])}")

    def build(self, input_shape):
        self._check_inputs(input_shape)
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        return _broadcast_shapes(self, [tuple(s) for s in input_shape])

    def _op(self):
        return getattr(ops, self._op_name + "_forward"), getattr(ops, self._op_name + "_backward")

    def forward(self, x, training=False):
        fwd, _ = self._op()
        return fwd(list(x))

    def backward(self, cache, dy):
        _, bwd = self._op()
        return bwd(cache, dy), []


def _broadcast_shapes(layer, shapes):
    """Keras 3's merge broadcasting: equal ranks compare per axis (1 broadcasts, None unknown)."""
    ndim = max(len(s) for s in shapes)
    out = []
    for axis in range(ndim):
        dims = [s[axis - ndim + len(s)] for s in shapes if axis - ndim + len(s) >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): inputs have "
                             f"incompatible shapes {format_shape(shapes)}: axis {axis} has sizes "
                             f"{sorted(known)}.")
        if known:
            out.append(known.pop())
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


@register
class Add(_Merge):
    """Elementwise sum of a list of inputs of the same shape.

    Example
    -------
    >>> import numpy as np
    >>> Add()([np.ones((2, 3)), np.ones((2, 3))]).tolist()[0]
    [2.0, 2.0, 2.0]
    """
    _op_name = "add"


@register
class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs).

    Example
    -------
    >>> import numpy as np
    >>> Subtract()([np.full((1, 2), 3.0), np.ones((1, 2))]).tolist()
    [[2.0, 2.0]]
    """
    exact_inputs = 2
    _op_name = "subtract"


@register
class Multiply(_Merge):
    """Elementwise product of a list of inputs.

    Example
    -------
    >>> import numpy as np
    >>> Multiply()([np.full((1, 2), 3.0), np.full((1, 2), 2.0)]).tolist()
    [[6.0, 6.0]]
    """
    _op_name = "multiply"


@register
class Average(_Merge):
    """Elementwise mean of a list of inputs.

    Example
    -------
    >>> import numpy as np
    >>> Average()([np.zeros((1, 2)), np.full((1, 2), 2.0)]).tolist()
    [[1.0, 1.0]]
    """
    _op_name = "average"


@register
class Maximum(_Merge):
    """Elementwise maximum (the gradient goes to the first input holding the maximum).

    Example
    -------
    >>> import numpy as np
    >>> Maximum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])]).tolist()
    [[3.0, 5.0]]
    """
    _op_name = "maximum"


@register
class Minimum(_Merge):
    """Elementwise minimum (the gradient goes to the first input holding the minimum).

    Example
    -------
    >>> import numpy as np
    >>> Minimum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])]).tolist()
    [[1.0, 2.0]]
    """
    _op_name = "minimum"


@register
class Concatenate(_Merge):
    """Concatenate a list of inputs along ``axis`` (default -1, the last axis).

    Parameters
    ----------
    axis : int
        All other axes must match. Shapes ``(b, 3)`` and ``(b, 5)`` give ``(b, 8)``.

    Example
    -------
    >>> import numpy as np
    >>> Concatenate()([np.ones((2, 3)), np.ones((2, 5))]).shape
    (2, 8)
    """

    def __init__(self, axis=-1, **kwargs):
        if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
            raise TypeError(f"Concatenate: `axis` must be an integer. Received: axis={axis!r}")
        super().__init__(**kwargs)
        self.axis = int(axis)

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        shapes = [list(s) for s in input_shape]
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(f"A `Concatenate` layer ('{self.name}') requires inputs with matching "
                             f"shapes except for the concatenation axis. Received: input_shape="
                             f"{format_shape([tuple(s) for s in shapes])}")
        rank = ranks.pop()
        if not -rank <= self.axis < rank or self.axis % rank == 0:
            raise ValueError(f"Concatenate ('{self.name}'): axis={self.axis} is out of range (or the "
                             f"batch axis) for inputs of rank {rank}.")
        axis = self.axis % rank
        out = list(shapes[0])
        for i in range(rank):
            if i == axis:
                dims = [s[i] for s in shapes]
                out[i] = None if any(d is None for d in dims) else int(sum(dims))
                continue
            known = {s[i] for s in shapes if s[i] is not None}
            if len(known) > 1:
                raise ValueError(
                    f"A `Concatenate` layer ('{self.name}') requires inputs with matching shapes "
                    f"except for the concatenation axis ({self.axis}). Received: input_shape="
                    f"{format_shape([tuple(s) for s in shapes])}")
            out[i] = known.pop() if known else None
        return tuple(out)

    def forward(self, x, training=False):
        return ops.concatenate_forward(list(x), axis=self.axis)

    def backward(self, cache, dy):
        return ops.concatenate_backward(cache, dy), []

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _dot_output_shape(layer, shape1, shape2, axes):
    shape1, shape2 = list(shape1), list(shape2)
    a1, a2 = ops.dot_axes(axes, len(shape1), len(shape2))
    if not (0 < a1 < len(shape1) and 0 < a2 < len(shape2)):
        raise ValueError(f"Layer '{layer.name}': dot axes {axes} are out of range (or the batch axis) "
                         f"for inputs of shapes {format_shape(tuple(shape1))} and "
                         f"{format_shape(tuple(shape2))}.")
    if shape1[a1] is not None and shape2[a2] is not None and shape1[a1] != shape2[a2]:
        raise ValueError(f"Layer '{layer.name}': incompatible input shapes for a dot product: axis "
                         f"values {shape1[a1]} (at axis {a1}) != {shape2[a2]} (at axis {a2}). "
                         f"Full input shapes: {format_shape(tuple(shape1))}, "
                         f"{format_shape(tuple(shape2))}")
    shape1.pop(a1)
    shape2.pop(a2)
    shape2.pop(0)
    out = shape1 + shape2
    if len(out) == 1:
        out.append(1)
    return tuple(out)


def _check_axes(cls_name, axes):
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        return int(axes)
    if (isinstance(axes, (list, tuple)) and len(axes) == 2
            and all(isinstance(a, (int, np.integer)) for a in axes)):
        return [int(a) for a in axes]
    raise ValueError(f"{cls_name}: `axes` must be an integer or a list of two integers. "
                     f"Received: axes={axes!r}")


@register
class Dot(_Merge):
    """Batchwise dot product of two inputs along ``axes`` (Keras ``batch_dot``).

    Parameters
    ----------
    axes : int or (int, int)
        Axis (or one axis per input) to contract; negative values count from the end.
    normalize : bool
        L2-normalise both inputs along the dot axes first: the output is then the
        cosine proximity.

    Shapes: ``(b, n), (b, n) -> (b, 1)``; ``(b, m, n), (b, k, n)`` with ``axes=2`` -> ``(b, m, k)``.

    Example
    -------
    >>> import numpy as np
    >>> Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))]).tolist()
    [[3.0], [3.0]]
    """
    exact_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        axes = _check_axes("Dot", axes)
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = bool(normalize)

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        return _dot_output_shape(self, input_shape[0], input_shape[1], self.axes)

    def forward(self, x, training=False):
        return ops.dot_forward(list(x), self.axes, self.normalize)

    def backward(self, cache, dy):
        return ops.dot_backward(cache, dy), []

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


# ---------------------------------------------------------------- functional helpers
@register
class CustomScaleLayer(_Merge):
    """The residual sum of Keras's Inception-ResNet V2: ``inputs[0] + inputs[1] * scale``.

    >>> import numpy as np
    >>> CustomScaleLayer(0.5)([np.ones((1, 2)), np.ones((1, 2))])
    array([[1.5, 1.5]], dtype=float32)
    """

    exact_inputs = 2

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = float(scale)

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        return tuple(input_shape[0])

    def forward(self, x, training=False):
        shortcut, residual = x
        return core_ops.affine_forward(residual, self.scale, shortcut), None

    def backward(self, cache, dy):
        return [dy, core_ops.affine_backward(self.scale, dy)], []

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def add(inputs, **kwargs):
    """Functional interface to :class:`Add`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional interface to :class:`Subtract`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional interface to :class:`Multiply`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional interface to :class:`Average`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional interface to :class:`Maximum`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional interface to :class:`Minimum`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional interface to :class:`Concatenate`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional interface to :class:`Dot`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)

