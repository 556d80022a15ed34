"""``Lambda``: a function of the inputs as a layer, trained by automatic differentiation.

``Lambda(function, output_shape=None, mask=None, arguments=None)`` as in Keras:
``function(inputs, **arguments)`` written with ops (or operators) trains;
without ``output_shape`` the shape comes from a trace. Saved configs are the
ones Keras writes. Loading never runs code from a file: a saved named
function is found by its name in ``custom_objects`` (or the custom-object
registry / scopes); a saved Python ``lambda`` only loads when
``custom_objects`` supplies a function under the layer's name.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> from pipeseq.layers import Lambda
>>> layer = Lambda(lambda x: ops.square(x) + 1.0)
>>> layer(np.array([[1.0, 2.0]], "float32"))
array([[2., 5.]], dtype=float32)
>>> layer.compute_output_shape((None, 2))
(None, 2)
"""
import types

from .. import custom_objects as registry
from .base import Layer, register
from .serialization import UnsafeConfigError


@register
class Lambda(Layer):
    """Wrap ``function(inputs, **arguments)`` as a layer."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable. Received: function={function!r}")
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.arguments = dict(arguments or {})
        self.supports_masking = mask is not None

    def call(self, inputs, mask=None, training=None):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        shape = self._output_shape
        if shape is None:
            return super().compute_output_shape(input_shape)
        if callable(shape):
            return shape(input_shape)
        shape = tuple(shape) if isinstance(shape, (list, tuple)) else (shape,)
        first = input_shape[0] if isinstance(input_shape, list) else input_shape
        return (first[0],) + tuple(shape)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype,
                  "function": serialize_function(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = serialize_function(self._output_shape) \
                if callable(self._output_shape) else list(self._output_shape) \
                if isinstance(self._output_shape, (list, tuple)) else self._output_shape
        if self.mask is not None:
            config["mask"] = serialize_function(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        name = config.get("name", "lambda")
        for key in ("function", "output_shape", "mask"):
            kind = config.pop(f"{key}_type", None)            # Keras 2: "lambda" / "function"
            config.pop(f"{key}_module", None)
            if key == "function":
                config.pop("module", None)
            v = config.get(key)
            if isinstance(v, dict):
                config[key] = deserialize_function(v, name, key, custom_objects)
            elif kind == "lambda" or (key == "function" and isinstance(v, (list, tuple))):
                config[key] = deserialize_function({"class_name": "__lambda__"}, name, key,
                                                   custom_objects)
            elif kind == "function" or (key == "function" and isinstance(v, str)):
                config[key] = deserialize_function({"config": v}, name, key, custom_objects)
        return cls(**config)


def serialize_function(fn):
    """Keras 3's entry for a function (a Python ``lambda``'s body is not written by pipeseq)."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        return {"class_name": "__lambda__", "config": {"code": None, "defaults": None,
                                                       "closure": None}}
    module = getattr(fn, "__module__", None)
    return {"module": "builtins" if module in (None, "__main__") else module,
            "class_name": "function", "config": registry.get_registered_name(fn),
            "registered_name": "function"}


def deserialize_function(entry, layer_name, key, custom_objects=None):
    """A function from a Keras entry, found only among objects your code supplied."""
    if entry.get("class_name") == "__lambda__":
        fn = (custom_objects or {}).get(layer_name)
        if fn is None:
            raise UnsafeConfigError(
                f"Refusing to load Lambda layer '{layer_name}': its {key} is a Python lambda "
                "stored as code, and pipeseq never executes code from a file. Pass the function "
                f"as custom_objects={{{layer_name!r}: your_function}}, or save the model with a "
                "named function.")
        return fn
    name = entry.get("config")
    fn = registry.lookup(name, custom_objects)
    if fn is None:
        raise UnsafeConfigError(
            f"Lambda layer '{layer_name}': its {key} is the function {name!r}, which pipeseq "
            "will not import from a file. Supply it by name: "
            f"load_model(path, custom_objects={{{name.split('>')[-1]!r}: {name.split('>')[-1]}}}) "
            "(or register it with register_keras_serializable).")
    return fn
