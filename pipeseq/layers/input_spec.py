"""How a layer's expected input is declared: Keras's and R's ways folded into one batch shape,
and ``InputSpec`` (Keras's ``keras.layers.InputSpec``: what a layer accepts; its
``assert_compatible`` names what was wrong, as Keras's ``assert_input_compatibility`` does).

Example
-------
>>> resolve_input_shape("Dense", None, 4, None, None, None, None)
(None, 4)
>>> spec = InputSpec(ndim=3, axes={-1: 4})
>>> spec.assert_compatible((None, 5, 4), "lstm")
>>> spec.get_config()["ndim"]
3
"""
import numpy as np


def as_shape(shape):
    if isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list)):
        return [tuple(s) for s in shape]
    return tuple(None if d is None else int(d) for d in shape)


def resolve_input_shape(cls_name, input_shape, input_dim, input_length, batch_input_shape,
                         batch_shape, batch_size):
    """Fold the Keras/R ways of declaring an input into one batch shape (or None)."""
    if batch_shape is not None:
        batch_input_shape = batch_shape
    if batch_input_shape is not None:
        return tuple(None if d is None else int(d) for d in batch_input_shape)
    if input_shape is None and input_dim is not None:
        input_shape = (input_length, input_dim) if input_length is not None else (input_dim,)
    if input_shape is None:
        return None
    if isinstance(input_shape, (int, np.integer)):
        input_shape = (int(input_shape),)
    try:
        shape = tuple(None if d is None else int(d) for d in input_shape)
    except TypeError:
        raise TypeError(f"{cls_name}: input_shape must be a tuple of ints (without the batch "
                        f"axis). Received: input_shape={input_shape!r}") from None
    if any(d is not None and d <= 0 for d in shape):
        raise ValueError(f"{cls_name}: input_shape dimensions must be positive. "
                         f"Received: input_shape={input_shape!r}")
    return (batch_size,) + shape


class InputSpec:
    """Rank, dtype and per-axis sizes a layer expects of one input."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.name, self.optional = name, optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (ValueError, TypeError):
            raise TypeError(f"Argument `axes` must be a dict with integer keys. Received: "
                            f"axes={axes}") from None
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            top = (self.ndim if self.ndim is not None else self.max_ndim) - 1
            if max(self.axes) > top:
                raise ValueError(f"Axis {max(self.axes)} is greater than the maximum allowed "
                                 f"value: {top}")

    def assert_compatible(self, shape, layer_name="layer"):
        """Raise ``ValueError`` naming the layer and the expectation if ``shape`` does not fit."""
        shape = tuple(shape)
        n = len(shape)
        where = f"Input 0 of layer \"{layer_name}\" is incompatible with the layer:"
        if self.ndim is not None and n != self.ndim:
            raise ValueError(f"{where} expected ndim={self.ndim}, found ndim={n}. Full shape "
                             f"received: {shape}")
        if self.max_ndim is not None and n > self.max_ndim:
            raise ValueError(f"{where} expected max_ndim={self.max_ndim}, found ndim={n}")
        if self.min_ndim is not None and n < self.min_ndim:
            raise ValueError(f"{where} expected min_ndim={self.min_ndim}, found ndim={n}. "
                             f"Full shape received: {shape}")
        for axis, size in self.axes.items():
            got = shape[axis] if -n <= axis < n else None
            if size is not None and got is not None and got != size:
                raise ValueError(f"{where} expected axis {axis} of input shape to have value "
                                 f"{size}, but received input with shape {shape}")
        if self.shape is not None:
            for want, got in zip(self.shape, shape):
                if want is not None and got is not None and want != got:
                    raise ValueError(f"{where} expected shape={self.shape}, found "
                                     f"shape={shape}")

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v]
        return f"InputSpec({', '.join(parts)})"
