"""Ops applied to symbolic tensors: each call of an op records a node (an :class:`OpLayer`).

``h = ops.tanh(h) * 0.5 + ops.sigmoid(h)`` between two layers of a functional
model, arithmetic operators and indexing on ``KerasTensor`` s, and ``K.*`` /
``op_*`` functions all build graph nodes that train (autograd differentiates
them). Non-tensor arguments are kept with the node; every symbolic argument
becomes one of its inputs.

In a functional config an op node is written as Keras 3 writes it (``{"module":
"keras.src.ops.numpy", "class_name": "Add", "config": {"name": "add"}}`` with the
constants among the node's ``args``) and read back through the table of Keras op
classes (:mod:`pipeseq.ops.keras_op_classes`): only ops of :mod:`pipeseq.ops` can be
named by a file.

Example
-------
>>> from pipeseq import ops
>>> from pipeseq.models import Input, Model
>>> from pipeseq.layers import Dense
>>> inp = Input((4,))
>>> h = ops.tanh(Dense(3)(inp)) * 0.5
>>> h.shape, type(h.node.layer).__name__
((None, 3), 'OpLayer')
>>> Model(inp, Dense(1)(h)).count_params()
19
"""
import inspect

import numpy as np

from .. import ops
from ..errors import UnsafeConfigError
from ..graph import KerasTensor
from ..graph.tensor import use_ops
from ..ops import dispatch
from ..ops.keras_op_classes import KERAS_OP_CLASSES
from .base import Layer, to_snake_case, unique_name
from .op_values import as_key, from_json, to_json

# pipeseq op function name -> Keras op class name (the first class recording it)
_CLASS_OF = {}
for _cname, (_module, _fname, _init, _call) in KERAS_OP_CLASSES.items():
    _CLASS_OF.setdefault(_fname, _cname)


def _replace(obj, tensors):
    """Split ``obj`` into a template (tensors replaced by slots) and the list of tensors."""
    if isinstance(obj, KerasTensor):
        tensors.append(obj)
        return _Slot(len(tensors) - 1)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_replace(o, tensors) for o in obj)
    if isinstance(obj, dict):
        return {k: _replace(v, tensors) for k, v in obj.items()}
    if isinstance(obj, slice):
        return slice(_replace(obj.start, tensors), _replace(obj.stop, tensors),
                     _replace(obj.step, tensors))
    return obj


def _fill(obj, values):
    if isinstance(obj, _Slot):
        return values[obj.index]
    if isinstance(obj, (list, tuple)):
        return type(obj)(_fill(o, values) for o in obj)
    if isinstance(obj, dict):
        return {k: _fill(v, values) for k, v in obj.items()}
    if isinstance(obj, slice):
        return slice(_fill(obj.start, values), _fill(obj.stop, values), _fill(obj.step, values))
    return obj


class _Slot:
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


class OpLayer(Layer):
    """One op call in a functional graph (Keras 3 records an ``Operation``)."""

    def __init__(self, fn, args, kwargs, n_inputs, name=None):
        op_name = getattr(fn, "__name__", "op")
        self.class_name = _CLASS_OF.get(op_name)
        prefix = to_snake_case(self.class_name) if self.class_name else to_snake_case(op_name)
        super().__init__(name=name or unique_name(prefix))
        self.fn, self.op_name = fn, op_name
        self._args, self._kwargs, self.n_inputs = args, kwargs, n_inputs

    def call(self, inputs):
        values = inputs if self.n_inputs > 1 else [inputs]
        return self.fn(*_fill(self._args, values), **_fill(self._kwargs, values))

    def compute_output_shape(self, input_shape):
        """Shapes (and dtypes, kept in ``symbolic_output_dtypes``) by running the op on zeros of
        the inputs' dtypes; unknown sizes are probed with 2 and 3."""
        shapes = input_shape if self.n_inputs > 1 else [input_shape]
        dtypes = getattr(self, "_input_dtypes", None) or ["float32"] * len(shapes)
        found = []
        for probe in (2, 3):
            xs = [np.zeros([probe if d is None else d for d in s], dt)
                  for s, dt in zip(shapes, dtypes)]
            try:
                with np.errstate(all="ignore"):
                    y = self.call(xs if self.n_inputs > 1 else xs[0])
            except Exception as e:
                raise ValueError(f"ops.{self.op_name} (node '{self.name}') cannot be applied to "
                                 f"inputs of shapes {shapes} and dtypes {dtypes}: "
                                 f"{type(e).__name__}: {e}") from e
            ys = [np.asarray(dispatch.value(a)) for a in
                  (y if isinstance(y, (list, tuple)) else [y])]
            found.append(ys)
            if not any(d is None for s in shapes for d in s):
                break
        first = found[0]
        out = [tuple(None if len(found) > 1 and a.shape[i] != b.shape[i] else a.shape[i]
                     for i in range(a.ndim)) for a, b in zip(first, found[-1])]
        self.symbolic_output_dtypes = [a.dtype.name for a in first]
        return out if len(out) > 1 else out[0]

    def _apply(self, tensors):
        self._input_dtypes = [t.dtype for t in tensors]
        return Layer.__call__(self, tensors if len(tensors) > 1 else tensors[0])

    def _unsaveable(self, why):
        return NotImplementedError(
            f"The op '{self.op_name}' applied to symbolic tensors (node '{self.name}') cannot be "
            f"saved in a model config: {why}. Wrap it in a Lambda layer with a named function "
            "(Lambda(my_function)) to save the model.")

    def _params(self):
        """The call's arguments by parameter name (symbolic ones as slots)."""
        if self.class_name is None:
            raise self._unsaveable("Keras has no op class of that name")
        try:
            sig = inspect.signature(self.fn)
            bound = sig.bind(*self._args, **self._kwargs)
        except (TypeError, ValueError) as e:
            raise self._unsaveable(f"its arguments do not match ops.{self.op_name} ({e})")
        params = {}
        for p in sig.parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                if bound.arguments.get(p.name):
                    raise self._unsaveable("it was called with extra arguments")
                continue
            params[p.name] = bound.arguments.get(
                p.name, None if p.default is inspect.Parameter.empty else p.default)
        return sig, params

    def keras_entry(self):
        """The layer entry Keras 3 writes for this op node (class, module, config)."""
        module, _fn, init, _call = KERAS_OP_CLASSES[self.class_name] if self.class_name \
            else (None, None, (), ())
        _sig, params = self._params()
        config = {"name": self.name}
        config.update({k: to_json(params.get(k)) for k in init})
        return {"module": f"keras.src.ops.{module}", "class_name": self.class_name,
                "config": config, "registered_name": self.class_name}

    def keras_node(self, tensor_entry):
        """The node's ``{"args", "kwargs"}`` as Keras 3 writes them (tensors and constants)."""
        node = self._inbound[-1]
        _sig, params = self._params()
        init, call = KERAS_OP_CLASSES[self.class_name][2:]
        call = [c for c in call if c != "kwargs"]
        names = [k for k in params if k not in init][:len(call)]
        values = node.input_tensors
        args = [_fill(params[k], values) for k in names]
        return {"args": to_json(args, tensor_entry), "kwargs": {}}

    def get_config(self):
        return dict(self.keras_entry()["config"])

    @classmethod
    def from_keras_entry(cls, entry):
        """An unattached op node from a Keras 3 config entry; only ops of :mod:`pipeseq.ops`
        named in the Keras op table resolve."""
        cname = entry.get("class_name")
        spec = KERAS_OP_CLASSES.get(cname)
        fn = getattr(getattr(ops, spec[0], None), spec[1], None) or getattr(ops, spec[1], None) \
            if spec else None
        if fn is None or not getattr(fn, "__pipeseq_op__", False):
            raise UnsafeConfigError(
                f"Unknown op {cname!r} (module {entry.get('module')!r}) in a model config: "
                "pipeseq rebuilds only the ops of pipeseq.ops that Keras 3 names in its "
                "functional configs, and never runs code named in a file.")
        config = dict(entry.get("config") or {})
        name = config.pop("name", None)
        init = spec[2]
        extra = sorted(set(config) - set(init))
        if extra:
            raise ValueError(f"The op {cname!r} (node {name!r}) takes the config keys "
                             f"{list(init)}. Received: {extra}")
        layer = cls(fn, (), {k: from_json(v) for k, v in config.items()}, 0, name=name)
        return layer

    def call_node(self, args, kwargs):
        """Apply a node read from a config: ``args``/``kwargs`` hold KerasTensors and constants."""
        args = [as_key(a) if i == 1 and self.op_name == "get_item" else a
                for i, a in enumerate(args)]
        tensors = []
        targs = _replace(tuple(args), tensors)
        tkw = _replace(dict(kwargs), tensors)
        self._args = targs
        self._kwargs = {**self._kwargs, **tkw}
        self.n_inputs = len(tensors)
        if not tensors:
            raise ValueError(f"The op node '{self.name}' has no tensor argument in its config.")
        return self._apply(tensors)


def record_op(fn, args, kwargs):
    """The symbolic handler of :mod:`pipeseq.ops`: call ``fn`` as a graph node."""
    tensors = []
    targs = _replace(tuple(args), tensors)
    tkwargs = _replace(dict(kwargs), tensors)
    layer = OpLayer(fn, targs, tkwargs, len(tensors))
    return layer._apply(tensors)


dispatch.set_symbolic_handler(record_op)
use_ops(ops)
