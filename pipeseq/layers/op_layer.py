"""Ops applied to symbolic tensors: each call of an op records a node (an :class:`OpLayer`).

``h = ops.tanh(h) * 0.5 + ops.sigmoid(h)`` between two layers of a functional
model, arithmetic operators and indexing on ``KerasTensor`` s, and ``K.*`` /
``op_*`` functions all build graph nodes that train (autograd differentiates
them). Non-tensor arguments are kept with the node; every symbolic argument
becomes one of its inputs.

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
from .. import ops
from ..graph import KerasTensor
from ..graph.tensor import use_ops
from ..ops import dispatch
from .base import Layer, to_snake_case, unique_name


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
    """One op call in a functional graph (Keras 3 records an ``Operation``; not saved to files)."""

    def __init__(self, fn, args, kwargs, n_inputs, name=None):
        op_name = getattr(fn, "__name__", "op")
        super().__init__(name=name or unique_name(to_snake_case(op_name)))
        self.fn, self.op_name = fn, op_name
        self._args, self._kwargs, self.n_inputs = args, kwargs, n_inputs

    def call(self, inputs):
        values = inputs if self.n_inputs > 1 else [inputs]
        return self.fn(*_fill(self._args, values), **_fill(self._kwargs, values))

    def get_config(self):
        raise NotImplementedError(
            f"The op '{self.op_name}' applied to symbolic tensors (node '{self.name}') cannot be "
            "saved in a model config by pipeseq. Wrap it in a Lambda layer with a named function "
            "(Lambda(my_function)) to save the model.")


def record_op(fn, args, kwargs):
    """The symbolic handler of :mod:`pipeseq.ops`: call ``fn`` as a graph node."""
    tensors = []
    targs = _replace(tuple(args), tensors)
    tkwargs = _replace(dict(kwargs), tensors)
    layer = OpLayer(fn, targs, tkwargs, len(tensors))
    return layer(tensors if len(tensors) > 1 else tensors[0])


dispatch.set_symbolic_handler(record_op)
use_ops(ops)
