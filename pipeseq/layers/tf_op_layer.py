"""tf_keras's ``TFOpLambda`` / ``SlicingOpLambda`` entries (``x + 3.0``, ``tf.concat``,
``tf.reduce_mean``, ``x[:, 1:3]`` on symbolic tensors in a tf.keras functional model), read
from legacy ``.h5``/JSON configs as op nodes of :mod:`pipeseq.ops`.

Only the TensorFlow functions of ``TF_FUNCTIONS`` are understood (each mapped to a pipeseq
op and its argument names); any other function name is refused, and nothing named in the
file is imported or run. Saved again, such a node is written as Keras 3 writes op nodes.

Example
-------
>>> TF_FUNCTIONS["math.reduce_mean"]
('mean', 'input_tensor', {'axis': 'axis', 'keepdims': 'keepdims'})
"""
from .. import ops
from ..errors import UnsafeConfigError
from .base import register
from .op_layer import OpLayer, _Slot
from .op_values import as_key

_BINARY = {"y": "x2"}
# TF function (tf_keras's "function") -> (pipeseq op, name of its first argument in TF,
# {TF keyword: pipeseq keyword}); the first argument becomes the op's first positional one.
TF_FUNCTIONS = {
    "__operators__.add": ("add", "x", _BINARY),
    "__operators__.getitem": ("get_item", "tensor", {"slice_spec": "key"}),
    "__operators__.ne": ("not_equal", "self", {"other": "x2"}),
    "__operators__.eq": ("equal", "self", {"other": "x2"}),
    "math.add": ("add", "x", _BINARY),
    "math.subtract": ("subtract", "x", _BINARY),
    "math.multiply": ("multiply", "x", _BINARY),
    "math.truediv": ("divide", "x", _BINARY),
    "math.divide": ("divide", "x", _BINARY),
    "math.maximum": ("maximum", "x", _BINARY),
    "math.minimum": ("minimum", "x", _BINARY),
    "math.pow": ("power", "x", _BINARY),
    "math.not_equal": ("not_equal", "x", _BINARY),
    "math.equal": ("equal", "x", _BINARY),
    "math.greater": ("greater", "x", _BINARY),
    "math.less": ("less", "x", _BINARY),
    "math.abs": ("abs", "x", {}),
    "math.exp": ("exp", "x", {}),
    "math.log": ("log", "x", {}),
    "math.sqrt": ("sqrt", "x", {}),
    "math.square": ("square", "x", {}),
    "math.tanh": ("tanh", "x", {}),
    "math.sigmoid": ("sigmoid", "x", {}),
    "nn.relu": ("relu", "features", {}),
    "nn.relu6": ("relu6", "features", {}),
    "nn.silu": ("silu", "features", {}),
    "nn.gelu": ("gelu", "features", {"approximate": "approximate"}),
    "nn.softmax": ("softmax", "logits", {"axis": "axis"}),
    "math.reduce_mean": ("mean", "input_tensor", {"axis": "axis", "keepdims": "keepdims"}),
    "math.reduce_sum": ("sum", "input_tensor", {"axis": "axis", "keepdims": "keepdims"}),
    "math.reduce_max": ("max", "input_tensor", {"axis": "axis", "keepdims": "keepdims"}),
    "math.reduce_min": ("min", "input_tensor", {"axis": "axis", "keepdims": "keepdims"}),
    "reshape": ("reshape", "tensor", {"shape": "newshape"}),
    "concat": ("concatenate", "values", {"axis": "axis"}),
    "stack": ("stack", "values", {"axis": "axis"}),
    "expand_dims": ("expand_dims", "input", {"axis": "axis"}),
    "compat.v1.squeeze": ("squeeze", "input", {"axis": "axis"}),
    "squeeze": ("squeeze", "input", {"axis": "axis"}),
    "transpose": ("transpose", "a", {"perm": "axes"}),
    "cast": ("cast", "x", {"dtype": "dtype"}),
    "linalg.matmul": ("matmul", "a", {"b": "x2"}),
}


@register(aliases=("SlicingOpLambda",))
class TFOpLambda(OpLayer):
    """A tf_keras ``TFOpLambda`` node: one of ``TF_FUNCTIONS`` applied to symbolic tensors."""

    def __init__(self, function, name=None, trainable=True, dtype=None, **kwargs):
        spec = TF_FUNCTIONS.get(function)
        if spec is None:
            raise UnsafeConfigError(
                f"Unsupported TensorFlow function {function!r} in a tf.keras op layer "
                f"('{name}'). pipeseq reads these functions: {sorted(TF_FUNCTIONS)}; it never "
                "imports or runs code named in a file. Rebuild that part of the model in code.")
        fn = getattr(ops, spec[0])
        super().__init__(fn, (_Slot(0),), {}, 1, name=name)     # fn(x) until a node says more
        self.trainable = trainable
        self.function, self._first, self._renames = function, spec[1], spec[2]

    def call_node(self, args, kwargs):
        """Apply the node: ``args`` is ``[first argument]``; keywords use TF's names."""
        kwargs = dict(kwargs)
        kwargs.pop("name", None)
        if not args and self._first in kwargs:
            args = [kwargs.pop(self._first)]
        unknown = sorted(set(kwargs) - set(self._renames))
        if unknown:
            raise ValueError(f"tf.keras op layer '{self.name}' ({self.function}): unsupported "
                             f"arguments {unknown}; expected some of {sorted(self._renames)}.")
        mapped = {self._renames[k]: v for k, v in kwargs.items()}
        if "key" in mapped:
            mapped["key"] = as_key(_slices(mapped["key"]))
        return OpLayer.call_node(self, list(args), mapped)


def _slices(spec):
    """tf_keras's ``slice_spec``: dicts ``{start, stop, step}`` are slices."""
    if isinstance(spec, dict) and set(spec) == {"start", "stop", "step"}:
        return slice(spec["start"], spec["stop"], spec["step"])
    if isinstance(spec, list):
        return [_slices(s) for s in spec]
    return spec
