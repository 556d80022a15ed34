"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, RepeatVector, Permute."""
import numpy as np

from .. import backend, initializers, regularizers
from ..kernels import activations as act_ops
from ..kernels import core as ops
from .base import Layer, register, format_shape


def _act_name(act):
    # "legacy_hard_sigmoid" (Keras 1/2's slope-0.2 form) keeps its own name so that a
    # config round trip never changes the function.
    return act.name


@register
class Dense(Layer):
    """Fully connected layer: ``activation(x @ kernel + bias)`` on the last axis.

    Input ``(batch, ..., in)`` -> output ``(batch, ..., units)``. Weights:
    ``kernel (in, units)``, ``bias (units,)``.

    Example
    -------
    >>> import numpy as np
    >>> Dense(2, activation="relu")(np.ones((5, 3), "float32")).shape
    (5, 2)
    """

    min_ndim = 2
    supports_masking = True
    can_skip_input_grad = True     # backward(..., need_dx=False) skips the input gradient

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense '{self.name}': `units` must be a positive integer. "
                             f"Received: units={units!r}")
        self.units = int(units)
        self.activation = act_ops.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)
        self.bias_constraint = regularizers.get_constraint(bias_constraint)

    def build(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(f"Dense '{self.name}': the last axis of the input must be known. "
                             f"Received input shape {format_shape(input_shape)}")
        self.kernel = self.add_weight("kernel", (in_dim, self.units), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, training=False):
        if x.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"Input 0 of layer '{self.name}' (Dense) is incompatible with the layer: expected "
                f"axis -1 of input shape to have value {self.kernel.shape[0]}, but received input "
                f"with shape {x.shape}")
        z, lin_cache = ops.dense_forward(x, self.kernel.value,
                                         self.bias.value if self.use_bias else None)
        y = self.activation(z) if self.activation.name != "linear" else z
        return y, (lin_cache, z, y)

    def backward(self, cache, dy, need_dx=True):
        lin_cache, z, y = cache
        dz = self.activation.backward(z, y, dy) if self.activation.name != "linear" else dy
        dx, dk, db = ops.dense_backward(lin_cache, dz, need_dx=need_dx)
        return dx, [dk, db] if self.use_bias else [dk]

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": _act_name(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": regularizers.serialize_constraint(self.kernel_constraint),
                "bias_constraint": regularizers.serialize_constraint(self.bias_constraint)}


@register
class Activation(Layer):
    """Apply an activation function by name: ``Activation("relu")``."""

    supports_masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = act_ops.get(activation)

    def forward(self, x, training=False):
        y = self.activation(x)
        return y, (x, y)

    def backward(self, cache, dy):
        x, y = cache
        return self.activation.backward(x, y, dy), []

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.activation.name == "glu":      # halves the gated axis
            axis = self.activation.kwargs.get("axis", -1)
            shape = shape[:axis] + (None if shape[axis] is None else shape[axis] // 2,) + (
                shape[axis + 1:] if axis != -1 else ())
        return shape

    def get_config(self):
        return {**super().get_config(), "activation": _act_name(self.activation)}


@register
class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of inputs during training (inverted scaling).

    Identity at inference. Randomness follows ``pipeseq.backend.set_random_seed``
    (or the layer's own ``seed``). An incoming mask passes through.
    """

    supports_masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout '{self.name}': `rate` must be a float in [0, 1). "
                             f"Received: rate={rate!r}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            return x, None
        mask = ops.dropout_mask(self._rng or backend.rng(), x.shape, self.rate, x.dtype,
                                self.noise_shape)
        return x * mask, mask

    def backward(self, cache, dy):
        return (dy if cache is None else dy * cache), []

    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                "seed": self.seed}


@register
class Flatten(Layer):
    """Flatten every axis but the batch: ``(b, d1, d2, ...) -> (b, d1*d2*...)``."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or backend.image_data_format()

    def _to_last(self, x):
        if self.data_format == "channels_first" and x.ndim > 2:
            return np.moveaxis(x, 1, -1)
        return x

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        n = None if any(d is None for d in rest) else int(np.prod(rest))
        return (input_shape[0], n)

    def forward(self, x, training=False):
        return self._to_last(x).reshape(x.shape[0], -1), x.shape

    def backward(self, cache, dy):
        shape = cache
        if self.data_format == "channels_first" and len(shape) > 2:
            moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
            return np.moveaxis(dy.reshape(moved), -1, 1), []
        return dy.reshape(shape), []

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


@register
class Reshape(Layer):
    """Reshape to ``target_shape`` (batch axis excluded; one ``-1`` allowed)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d == 0 or d < -1 for d in target_shape):
            raise ValueError(f"Reshape '{self.name}': target_shape may hold positive sizes and at "
                             f"most one -1. Received: target_shape={target_shape}")
        self.target_shape = target_shape

    def compute_output_shape(self, input_shape):
        if -1 not in self.target_shape:
            rest = input_shape[1:]
            if all(d is not None for d in rest) and int(np.prod(rest)) != int(np.prod(self.target_shape)):
                raise ValueError(f"Reshape '{self.name}': cannot reshape input of shape "
                                 f"{format_shape(input_shape)} ({int(np.prod(rest))} values per "
                                 f"sample) to target_shape={self.target_shape} "
                                 f"({int(np.prod(self.target_shape))} values).")
            return (input_shape[0],) + self.target_shape
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        total = int(np.prod(rest))
        if total % known:
            raise ValueError(f"Reshape '{self.name}': cannot reshape input of shape "
                             f"{format_shape(input_shape)} to {self.target_shape}.")
        return (input_shape[0],) + tuple(total // known if d == -1 else d for d in self.target_shape)

    def forward(self, x, training=False):
        try:
            return x.reshape((x.shape[0],) + self.target_shape), x.shape
        except ValueError:
            raise ValueError(f"Reshape '{self.name}': total size of the input {x.shape[1:]} "
                             f"({int(np.prod(x.shape[1:]))} values per sample) does not fit "
                             f"target_shape={self.target_shape}.") from None

    def backward(self, cache, dy):
        return dy.reshape(cache), []

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


@register
class RepeatVector(Layer):
    """Repeat a vector ``n`` times: ``(batch, features) -> (batch, n, features)``.

    Example
    -------
    >>> import numpy as np
    >>> RepeatVector(3)(np.ones((2, 4), "float32")).shape
    (2, 3, 4)
    """

    ndim = 2

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"RepeatVector '{self.name}': `n` must be a positive integer. "
                             f"Received: n={n!r}")
        self.n = int(n)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def forward(self, x, training=False):
        if x.ndim != 2:
            raise ValueError(f"RepeatVector '{self.name}' expects input of shape (batch, features); "
                             f"received shape {tuple(x.shape)}")
        return np.repeat(x[:, None, :], self.n, axis=1), None

    def backward(self, cache, dy):
        return dy.sum(axis=1), []

    def get_config(self):
        return {**super().get_config(), "n": self.n}


@register
class Permute(Layer):
    """Permute the non-batch axes: ``dims`` is 1-based, e.g. ``Permute((2, 1))``.

    Example
    -------
    >>> import numpy as np
    >>> Permute((2, 1))(np.ones((5, 3, 4), "float32")).shape
    (5, 4, 3)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(int(d) for d in dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute '{self.name}': invalid permutation argument `dims`. "
                             f"`dims` should contain each of the integers 1 to {len(dims)} once "
                             f"(the batch axis is not included). Received: dims={dims}")
        self.dims = dims

    def _check_input_rank(self, shape):
        if not isinstance(shape, list) and len(shape) != len(self.dims) + 1:
            raise ValueError(f"Permute '{self.name}': dims={self.dims} needs input of rank "
                             f"{len(self.dims) + 1} (batch axis included); received shape "
                             f"{format_shape(shape)}")

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def forward(self, x, training=False):
        return np.ascontiguousarray(np.transpose(x, (0,) + self.dims)), None

    def backward(self, cache, dy):
        inv = np.argsort((0,) + self.dims)
        return np.ascontiguousarray(np.transpose(dy, tuple(inv))), []

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}
