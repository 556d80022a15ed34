"""The functional API's model: ``Model(inputs, outputs)`` (class :class:`Functional`).

Layers called on symbolic tensors (``pipeseq.graph``: ``KerasTensor``, ``Node``)
record a graph. ``Functional`` walks it back from its outputs to its inputs once
(Keras's ``map_graph``), orders the nodes, and then runs ``forward`` /
``backward`` over them. A layer called twice (a shared layer) has two nodes;
its caches are kept per node and its gradients summed. The config, both ways,
is in :mod:`.functional_config`.

Example
-------
>>> import numpy as np
>>> from pipeseq.layers import Dense
>>> a, b = Input((4,)), Input((3,))
>>> shared = Dense(2)
>>> model = Model([a, b], [shared(a), Dense(1)(b)])
>>> [y.shape for y in model.predict([np.ones((5, 4)), np.ones((5, 3))], verbose=0)]
[(5, 2), (5, 1)]
"""
import warnings

import numpy as np

from ..graph import KerasTensor, flatten, input_tensor, is_shape_list, map_graph, topo_order
from ..layers.base import register, unique_name
from ..layers.input_layer import Input, InputLayer
from .functional_config import functional_config, functional_from_config, node_keys
from ..kernels.conv_threads import caller_blas_during
from . import inference
from .model import Model

# -------------------------------------------------------------- the model
@register(name="Functional", aliases=("Model",))
class Functional(Model):
    """A model built from symbolic tensors: ``Model(inputs=..., outputs=...)``.

    Parameters
    ----------
    inputs : KerasTensor or list of KerasTensor (from ``Input()`` or a model's ``inputs``)
    outputs : KerasTensor or list of KerasTensor
        A list gives a multi-output model: ``predict`` returns a list of arrays.
    name : str, optional (default ``functional``, ``functional_1``, ...)

    Example
    -------
    >>> from pipeseq.layers import Dense
    >>> x = Input((3,))
    >>> model = Model(inputs=x, outputs=Dense(2)(x))
    >>> model.output_shape
    (None, 2)
    """

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        if inputs is None or outputs is None:
            raise ValueError("Model(inputs=..., outputs=...) needs both `inputs` and `outputs` "
                             f"(symbolic tensors). Received: inputs={inputs!r}, outputs={outputs!r}")
        super().__init__(name=name or unique_name("functional"), trainable=True, **kwargs)
        input_keys = None
        if isinstance(inputs, dict):
            input_keys = list(inputs)
            inputs = list(inputs.values())
        self._single_input = not isinstance(inputs, (list, tuple))
        self._single_output = not isinstance(outputs, (list, tuple)) or len(outputs) == 1
        ins = flatten(inputs)
        outs = flatten(outputs)
        for what, group in (("inputs", ins), ("outputs", outs)):
            for t in group:
                if not isinstance(t, KerasTensor):
                    raise TypeError(
                        f"All `{what}` of Model() must be symbolic tensors (from Input() or a layer "
                        f"called on one, or a built model's `inputs`/`outputs`). Received "
                        f"{type(t).__name__}: {t!r:.80}")
        if not outs:
            raise ValueError("Model(): `outputs` is empty.")
        if len({id(t) for t in ins}) != len(ins):
            raise ValueError(f"Model(): the same tensor appears twice in `inputs`: {ins}")
        if not all(t.node is not None and t.node.is_input for t in ins):
            ins, outs = _clone_from_inputs(ins, outs)
        self._inputs = ins
        self._outputs = outs
        nodes, layers = map_graph(ins, outs)
        self._nodes = topo_order(nodes, ins)
        self._layers = layers
        used = {id(t) for n in self._nodes for t in n.input_tensors} | {id(t) for t in outs}
        for t in ins:
            if id(t) not in used:
                warnings.warn(f"Model '{self.name}': input '{t.layer.name}' is not connected to "
                              "any output; its data will be ignored.", stacklevel=2)
        self._input_keys = input_keys
        self.built = True
        self._build_input_shape = [t.shape for t in ins] if len(ins) > 1 else ins[0].shape
        if len(ins) == 1:      # lets Sequential([functional_model, ...]) build at once
            self._batch_input_shape = ins[0].shape
        if not trainable:
            self.trainable = False

    # ----------------------------------------------------------- structure
    @property
    def layers(self):
        """Every layer of the graph in Keras's order, input layers included."""
        return list(self._layers)

    @layers.setter
    def layers(self, value):
        raise AttributeError("`Model.layers` is read-only in a functional model.")

    def _sublayers(self):
        return [l for l in self._layers if not isinstance(l, InputLayer)]

    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input(self):
        return self._inputs[0] if len(self._inputs) == 1 else list(self._inputs)

    @property
    def output(self):
        return self._outputs[0] if len(self._outputs) == 1 else list(self._outputs)

    @property
    def n_inputs(self):
        return len(self._inputs)

    @property
    def input_names(self):
        if self._input_keys is not None:
            return list(self._input_keys)
        return [t.layer.name for t in self._inputs]

    @property
    def output_names(self):
        return [t.layer.name for t in self._outputs]

    def _input_kinds(self):
        kinds = []
        for t in self._inputs:
            consumers = [n.layer for n in self._nodes if any(x is t for x in n.input_tensors)]
            is_int = np.dtype(t.dtype).kind in "iub" or any(
                getattr(l, "input_dtype_kind", "float") == "int" for l in consumers)
            kinds.append("int" if is_int else "float")
        return kinds

    @property
    def input_dtype_kind(self):
        return self._input_kinds()[0] if len(self._inputs) == 1 else "float"

    def _input_shapes(self):
        return [t.shape for t in self._inputs]

    def _output_shapes(self):
        return [t.shape for t in self._outputs]

    def _layer_output_shapes(self):
        out = []
        for layer in self._layers:
            node = next((n for n in self._nodes if n.layer is layer), None)
            if node is None:    # an input layer
                out.append(next(t.shape for t in self._inputs if t.layer is layer))
            else:
                shapes = [t.shape for t in node.outputs]
                out.append(shapes[0] if len(shapes) == 1 else shapes)
        return out

    @property
    def input_shape(self):
        shapes = self._input_shapes()
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = self._output_shapes()
        return shapes[0] if self._single_output else shapes

    def build(self, input_shape=None):
        """A functional model is built at construction."""

    def _maybe_build(self, input_shape):
        pass

    def compute_output_shape(self, input_shape):
        shapes = input_shape if is_shape_list(input_shape) else [input_shape]
        if len(shapes) != len(self._inputs):
            raise ValueError(f"Model '{self.name}' has {len(self._inputs)} inputs "
                             f"{self.input_names}; received {len(shapes)} input shape(s).")
        known = {id(t): tuple(s) for t, s in zip(self._inputs, shapes)}
        for node in self._nodes:
            args = [known[id(t)] for t in node.input_tensors]
            res = node.layer.compute_output_shape(args if isinstance(node.inputs, list) else args[0])
            res = [tuple(s) for s in res] if is_shape_list(res) else [tuple(res)]
            for t, s in zip(node.outputs, res):
                known[id(t)] = s
        outs = [known[id(t)] for t in self._outputs]
        return outs[0] if self._single_output else outs

    # --------------------------------------------------- forward / backward
    def _standardize(self, x):
        if isinstance(x, dict):
            names = self.input_names
            missing = [k for k in names if k not in x]
            if missing:
                raise ValueError(f"Model '{self.name}': missing data for input(s) {missing}. "
                                 f"Expected keys: {names}")
            x = [x[k] for k in names]
        xs = list(x) if isinstance(x, (list, tuple)) else [x]
        if len(xs) != len(self._inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self._inputs)} input(s) "
                f"{self.input_names}, but received {len(xs)} array(s).")
        return xs

    def _convert_input(self, x):
        xs = self._standardize(x)
        out = []
        for a, kind in zip(xs, self._input_kinds()):
            a = np.asarray(a)
            if kind == "float" and a.dtype != np.dtype(self.dtype):
                a = a.astype(self.dtype)
            out.append(a)
        return out if len(out) > 1 else out[0]

    def __call__(self, *args, **kwargs):
        x = args[0] if args else None
        if isinstance(x, (list, tuple)) and len(x) == 1 and len(self._inputs) == 1:
            args = (x[0],) + args[1:]
        return super().__call__(*args, **kwargs)

    def forward(self, x, training=False):
        xs = self._standardize(x)
        values = {id(t): v for t, v in zip(self._inputs, xs)}
        masks = {}
        caches = []
        for node in self._nodes:
            flat = [values[id(t)] for t in node.input_tensors]
            args = flat if isinstance(node.inputs, list) else flat[0]
            in_masks = [masks.get(id(t)) for t in node.input_tensors]
            mask = (in_masks if isinstance(node.inputs, list) else in_masks[0]) \
                if any(m is not None for m in in_masks) else None
            layer = node.layer
            if mask is not None and layer.accepts_mask:
                y, cache = layer.forward(args, training=training, mask=mask, **node.kwargs)
            else:
                y, cache = layer.forward(args, training=training, **node.kwargs)
            ys = y if len(node.outputs) > 1 else [y]
            try:
                out_mask = layer.compute_mask(args, mask)
            except Exception:
                out_mask = None
            for i, (t, v) in enumerate(zip(node.outputs, ys)):
                values[id(t)] = v
                m = out_mask[i] if isinstance(out_mask, list) else out_mask
                if m is not None:
                    masks[id(t)] = m
            caches.append((cache, [(v.shape, v.dtype) for v in ys]))
        outs = [values[id(t)] for t in self._outputs]
        in_info = [(np.shape(a), np.asarray(a).dtype) for a in xs]
        return (outs[0] if self._single_output else outs), (caches, in_info)

    @caller_blas_during
    def _infer(self, x):
        return inference.run_functional(self, x)

    def backward(self, cache, dy):
        caches, in_info = cache
        dys = [dy] if self._single_output else list(dy)
        grads_t = {}

        def accumulate(t, g):
            if g is None:
                return
            prev = grads_t.get(id(t))
            grads_t[id(t)] = g if prev is None else prev + g

        for t, g in zip(self._outputs, dys):
            accumulate(t, g)
        layer_grads = {}
        for node, (c, out_info) in zip(reversed(self._nodes), reversed(caches)):
            gs = []
            for t, (shape, dtype) in zip(node.outputs, out_info):
                g = grads_t.pop(id(t), None)
                gs.append(np.zeros(shape, dtype) if g is None else g)
            dx, g = node.layer.backward(c, gs if len(node.outputs) > 1 else gs[0])
            key = id(node.layer)
            if key in layer_grads:
                layer_grads[key] = [a if b is None else (b if a is None else a + b)
                                    for a, b in zip(layer_grads[key], g)]
            else:
                layer_grads[key] = list(g)
            dxs = dx if isinstance(node.inputs, list) else [dx]
            for t, d in zip(node.input_tensors, dxs):
                accumulate(t, d)
        dx_in = []
        for t, (shape, dtype) in zip(self._inputs, in_info):
            g = grads_t.get(id(t))
            if g is None and np.dtype(dtype).kind == "f":
                g = np.zeros(shape, dtype)
            dx_in.append(g)
        grads = []
        for layer in self._sublayers():
            g = layer_grads.get(id(layer))
            vars_ = layer.gradient_variables
            if g is None:
                g = [np.zeros_like(v.value) for v in vars_]
            grads.extend(np.zeros_like(v.value) if gi is None else gi for v, gi in zip(vars_, g))
        return (dx_in[0] if len(dx_in) == 1 else dx_in), grads

    # ------------------------------------------------------------- config
    def _node_keys(self):
        """(layer name, node index within this model) for every node, Keras's re-indexing."""
        return node_keys(self)

    def get_config(self):
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a functional model from Keras 3 (or Keras 2) functional config."""
        return functional_from_config(cls, config, custom_objects)

    def __repr__(self):
        return (f"<Functional name={self.name}, inputs={self.input_names}, "
                f"outputs={self.output_names}>")


def _clone_from_inputs(ins, outs):
    """Inputs that are intermediate tensors: replace each by a fresh Input and re-call the
    layers between them and the outputs (the same layer objects: weights are shared)."""
    fresh = {}
    for t in ins:
        if t.node is not None and t.node.is_input:
            fresh[id(t)] = t
        else:
            fresh[id(t)] = Input(batch_shape=t.shape, dtype=t.dtype)
    stop = {id(t) for t in ins}

    def rebuild(t):
        if id(t) in fresh:
            return fresh[id(t)]
        node = t.node
        if node is None or node.is_input:
            raise ValueError(
                f"Graph disconnected: the model's outputs depend on input "
                f"'{node.layer.name if node else t.name}' (tensor {t!r}), which is not among "
                f"the model's inputs.")
        args = [rebuild(a) for a in node.input_tensors]
        y = node.layer(args if isinstance(node.inputs, list) else args[0], **node.kwargs)
        ys = y if isinstance(y, list) else [y]
        for old, new in zip(node.outputs, ys):
            fresh[id(old)] = new
        return fresh[id(t)]
    new_outs = [rebuild(t) for t in outs]
    return [fresh[id(t)] for t in ins], new_outs
