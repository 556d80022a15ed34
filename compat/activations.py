"""``keras.activations``: activation functions by their Keras names.

Each function computes on arrays (``relu(x)``) and may be passed as a layer's
``activation=``: pipeseq recognises it by name and uses its own derivative.
``relu(x, alpha=...)`` (Keras 2) is ``relu(x, negative_slope=...)`` (Keras 3).

Example
-------
>>> import numpy as np
>>> from compat.activations import relu
>>> relu(np.array([-1.0, 2.0], "float32"))
array([0., 2.], dtype=float32)
"""
import numpy as np

from pipeseq import backend as _backend
from pipeseq.kernels import activations as _ops


def _prepare(x):
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(_backend.floatx())


def _make(name):
    def fn(x, **kwargs):
        return _ops.Activation(name, **kwargs)(_prepare(x))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"The ``{name}`` activation, elementwise (keyword options as in Keras)."
    return fn


for _n in _ops.ALL_NAMES:
    globals()[_n] = _make(_n)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0, alpha=None):
    """``max(x, 0)`` with Keras's options; ``alpha`` is Keras 2's name of ``negative_slope``."""
    if alpha is not None:
        negative_slope = alpha
    return _ops.relu(_prepare(x), negative_slope=negative_slope, max_value=max_value,
                     threshold=threshold)


def get(identifier):
    """The activation function for a name, ``None`` (linear) or a function."""
    if identifier is None:
        return globals()["linear"]
    if callable(identifier):
        return identifier
    name = str(identifier)
    fn = globals().get(name) if name in _ops.ALL_NAMES else None
    if fn is None:
        _ops.get(name)  # raises the engine's error, with a suggestion
    return fn


def serialize(activation):
    """The Keras name of an activation function."""
    return getattr(activation, "__name__", str(activation))


def deserialize(name, custom_objects=None):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return get(name)


__all__ = sorted(set(_ops.ALL_NAMES) | {"get", "serialize", "deserialize"})

from ._reexport import suggest_getattr as _suggest_getattr  # noqa: E402

__getattr__ = _suggest_getattr(__name__)   # unknown names: AttributeError with "Did you mean"
