"""Symbolic tensors and the functional API: ``Input``, calling layers on tensors,
``Model(inputs, outputs)`` (class :class:`Functional`).

A :class:`KerasTensor` carries a shape (batch axis ``None``) and a dtype, and
remembers the :class:`Node` that produced it: the layer, the tensors it was
called on and its output index. ``Functional`` walks that graph back from its
outputs to its inputs once (Keras's ``map_graph``), orders the nodes, and then
runs ``forward`` / ``backward`` over them. A layer called twice (a shared layer)
has two nodes; its caches are kept per node and its gradients summed.

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
import itertools
import warnings

import numpy as np

from ..layers.base import InputLayer, Layer, format_shape, register, unique_name
from .model import Model

_NODE_IDS = itertools.count()


# ------------------------------------------------------------------ tensors
class KerasTensor:
    """A shape-carrying placeholder produced by ``Input()`` or by calling a layer on one.

    Attributes
    ----------
    shape : tuple (batch axis first, ``None`` where unknown)
    dtype : str
    node : Node that produced it; ``layer`` is ``node.layer``.
    index : which output of that node.
    """

    _pipeseq_symbolic = True
    __array_ufunc__ = None

    def __init__(self, shape, dtype="float32", node=None, index=0, name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.node = node
        self.index = index
        self.name = name or (f"keras_tensor_{next(_TENSOR_IDS)}")

    @property
    def layer(self):
        return None if self.node is None else self.node.layer

    @property
    def inbound(self):
        return tuple(self.node.input_tensors) if self.node is not None else ()

    @property
    def _keras_history(self):
        return (self.layer, self.node.layer._inbound.index(self.node)
                if self.node in self.node.layer._inbound else 0, self.index)

    @property
    def ndim(self):
        return len(self.shape)

    def __len__(self):
        raise TypeError(f"A symbolic tensor ({self!r}) has no length: it is a placeholder. Build a "
                        "model with Model(inputs, outputs) and call it on arrays.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"A symbolic tensor ({self!r}) cannot be converted to an array. Build a "
                        "model from it with Model(inputs=..., outputs=...) and call the model on "
                        "data instead.")

    def __repr__(self):
        src = f", from layer '{self.layer.name}'" if self.layer is not None else ""
        return f"<KerasTensor shape={format_shape(self.shape)}, dtype={self.dtype}{src}>"


_TENSOR_IDS = itertools.count()


class Node:
    """One call of ``layer`` on symbolic ``inputs`` (a tensor or a list), giving ``outputs``."""

    def __init__(self, layer, inputs, outputs, kwargs=None):
        self.layer = layer
        self.inputs = inputs            # None for an InputLayer's node
        self.outputs = outputs          # list of KerasTensor
        self.kwargs = dict(kwargs or {})
        self.id = next(_NODE_IDS)

    @property
    def is_input(self):
        return self.inputs is None

    @property
    def input_tensors(self):
        if self.inputs is None:
            return []
        return list(self.inputs) if isinstance(self.inputs, list) else [self.inputs]

    def __repr__(self):
        return (f"<Node layer={self.layer.name}, inputs="
                f"{[t.layer.name for t in self.input_tensors]}>")


def _input_dtype(layer):
    return layer.dtype or "float32"


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None, **kwargs):
    """An input placeholder: ``Input(shape=(784,))`` (batch axis excluded).

    Example
    -------
    >>> Input((28, 28, 1)).shape
    (None, 28, 28, 1)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       batch_shape=batch_shape, **kwargs)
    return input_tensor(layer)


def input_tensor(layer):
    """The symbolic tensor of an :class:`InputLayer` (created once)."""
    for node in layer._inbound:
        if node.is_input:
            return node.outputs[0]
    t = KerasTensor(layer.batch_shape, _input_dtype(layer), name=layer.name)
    node = Node(layer, None, [t])
    t.node = node
    layer._inbound.append(node)
    return t


def _is_shape_list(shape):
    return isinstance(shape, list) and len(shape) > 0 and all(
        isinstance(s, (list, tuple)) for s in shape)


def _flatten(x):
    if isinstance(x, (list, tuple)):
        return [a for item in x for a in _flatten(item)]
    return [x]


def call_symbolic(layer, inputs, **kwargs):
    """Call ``layer`` on symbolic tensor(s): build it, infer output shapes, record a :class:`Node`."""
    if isinstance(layer, InputLayer):
        raise TypeError(f"InputLayer '{layer.name}' cannot be called on a tensor; use Input().")
    flat = _flatten(inputs)
    for t in flat:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Layer '{layer.name}' was called on a mix of symbolic tensors and "
                            f"other values ({type(t).__name__}). In the functional API every "
                            "input must come from Input() or from a layer called on one.")
    for k, v in kwargs.items():
        if any(isinstance(a, KerasTensor) for a in _flatten(v)):
            raise NotImplementedError(f"Layer '{layer.name}': passing a symbolic tensor as the "
                                      f"keyword argument {k!r} is not supported by pipeseq's "
                                      "functional API.")
    multi = isinstance(inputs, (list, tuple))
    if multi:
        inputs = list(inputs)
        shapes = [t.shape for t in inputs]
    else:
        shapes = inputs.shape
    layer._maybe_build(shapes)
    out_shape = layer.compute_output_shape(shapes)
    dtype = layer.dtype if layer.dtype and np.dtype(layer.dtype).kind == "f" else "float32"
    out_shapes = [tuple(s) for s in out_shape] if _is_shape_list(out_shape) else [tuple(out_shape)]
    outputs = [KerasTensor(s, dtype, index=i) for i, s in enumerate(out_shapes)]
    node = Node(layer, inputs, outputs, kwargs)
    for t in outputs:
        t.node = node
    layer._inbound.append(node)
    return outputs if _is_shape_list(out_shape) else outputs[0]


def layer_node_tensors(layer, attr):
    """``layer.input`` / ``layer.output``: the tensors of the layer's first call (as Keras 3)."""
    if not layer._inbound:
        raise AttributeError(
            f"The layer '{layer.name}' has never been called and thus has no defined {attr}. "
            "Give its Sequential model an input shape (e.g. keras_model_sequential(input_shape=...)"
            " or Input(shape=...) first) or call it on a symbolic tensor.")
    node = layer._inbound[0]
    if attr == "output":
        return node.outputs[0] if len(node.outputs) == 1 else list(node.outputs)
    if node.is_input:
        return node.outputs[0]
    return node.inputs


# --------------------------------------------------------------- the graph
def map_graph(inputs, outputs):
    """Keras's ``map_graph``: the nodes between ``inputs`` and ``outputs`` in run order,
    and the layers in Keras's order (by decreasing depth, then discovery order).

    Raises a clear ``ValueError`` on a cycle or when an output depends on a tensor that is
    not among ``inputs`` (a disconnected graph).
    """
    input_ids = {id(t) for t in inputs}
    finished, in_progress = set(), set()
    ordered = []            # nodes in decreasing depth (DFS post-order)
    layer_index = {}

    def visit(tensor, path):
        node = tensor.node
        if node is None:
            raise ValueError(f"Tensor {tensor!r} was not produced by Input() or a layer call.")
        if id(node) in finished:
            return
        if id(node) in in_progress:
            cycle = " -> ".join(n.layer.name for n in path + [node])
            raise ValueError(f"Tensor {tensor!r} from layer '{node.layer.name}' is part of a "
                             f"cycle: {cycle}. A functional model must be a directed acyclic graph.")
        if id(node.layer) not in layer_index:
            layer_index[id(node.layer)] = (len(layer_index), node.layer)
        in_progress.add(id(node))
        if id(tensor) not in input_ids:
            if node.is_input:
                raise ValueError(
                    f"Graph disconnected: the model's outputs depend on input "
                    f"'{node.layer.name}' (tensor {tensor!r}), which is not among the model's "
                    f"inputs {[t.layer.name if t.layer is not None else t.name for t in inputs]}. "
                    "Pass it in `inputs`, or build the outputs from the given inputs.")
            for t in node.input_tensors:
                visit(t, path + [node])
        in_progress.discard(id(node))
        finished.add(id(node))
        ordered.append((node, tensor))

    for out in outputs:
        visit(out, [])
    # depths, as Keras: outputs' nodes at depth 0, parents deeper
    node_depth, layer_depth = {}, {}
    nodes = {}
    for node, _ in reversed(ordered):
        nodes[id(node)] = node
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        if not node.is_input:
            for t in node.input_tensors:
                pid = id(t.node)
                node_depth[pid] = max(depth + 1, node_depth.get(pid, 0))
    for t in inputs:                      # inputs no output uses: depth 0, listed first
        if id(t.node.layer) not in layer_depth:
            layer_depth[id(t.node.layer)] = 0
            layer_index[id(t.node.layer)] = (-1, t.node.layer)
    run_nodes = sorted((n for n, _ in ordered if not n.is_input),
                       key=lambda n: (-node_depth[id(n)], n.id))
    by_depth = {}
    for lid, (idx, layer) in layer_index.items():
        by_depth.setdefault(layer_depth.get(lid, 0), []).append((idx, layer))
    layers = [layer for d in sorted(by_depth, reverse=True) for _, layer in sorted(by_depth[d], key=lambda p: p[0])]
    return run_nodes, layers


def _topo_check(run_nodes, inputs):
    """Order ``run_nodes`` so every node runs after the nodes producing its inputs."""
    have = {id(t) for t in inputs}
    pending = list(run_nodes)
    out = []
    while pending:
        progressed = False
        rest = []
        for n in pending:
            if all(id(t) in have for t in n.input_tensors):
                out.append(n)
                have.update(id(t) for t in n.outputs)
                progressed = True
            else:
                rest.append(n)
        if not progressed:
            raise ValueError(f"The graph cannot be ordered: nodes of layers "
                             f"{[n.layer.name for n in rest]} wait on each other (a cycle).")
        pending = rest
    return out


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
        ins = _flatten(inputs)
        outs = _flatten(outputs)
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
        self._nodes = _topo_check(nodes, ins)
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
        shapes = input_shape if _is_shape_list(input_shape) else [input_shape]
        if len(shapes) != len(self._inputs):
            raise ValueError(f"Model '{self.name}' has {len(self._inputs)} inputs "
                             f"{self.input_names}; received {len(shapes)} input shape(s).")
        known = {id(t): tuple(s) for t, s in zip(self._inputs, shapes)}
        for node in self._nodes:
            args = [known[id(t)] for t in node.input_tensors]
            res = node.layer.compute_output_shape(args if isinstance(node.inputs, list) else args[0])
            res = [tuple(s) for s in res] if _is_shape_list(res) else [tuple(res)]
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
        keys = {}
        per_layer = {}
        all_nodes = [t.node for t in self._inputs] + list(self._nodes)
        for node in sorted(all_nodes, key=lambda n: n.id):
            k = per_layer.get(id(node.layer), 0)
            per_layer[id(node.layer)] = k + 1
            keys[id(node)] = (node.layer.name, k)
        return keys

    def get_config(self):
        from ..saving.serialization import serialize_layer
        keys = self._node_keys()

        def tensor_entry(t):
            name, k = keys[id(t.node)]
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(t.shape), "dtype": t.dtype,
                               "keras_history": [name, k, t.index]}}

        layer_entries = []
        for layer in self._layers:
            entry = serialize_layer(layer)
            entry["name"] = layer.name
            nodes = sorted((n for n in self._nodes if n.layer is layer), key=lambda n: n.id)
            inbound = []
            for n in nodes:
                if isinstance(n.inputs, list):
                    args = [[tensor_entry(t) for t in n.inputs]]
                else:
                    args = [tensor_entry(n.inputs)]
                inbound.append({"args": args, "kwargs": dict(n.kwargs)})
            entry["inbound_nodes"] = inbound
            layer_entries.append(entry)

        def history(t):
            name, k = keys[id(t.node)]
            return [name, k, t.index]
        ins = [history(t) for t in self._inputs]
        outs = [history(t) for t in self._outputs]
        return {"name": self.name, "trainable": self.trainable, "layers": layer_entries,
                "input_layers": ins[0] if self._single_input and len(ins) == 1 else ins,
                "output_layers": outs[0] if self._single_output else outs}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a functional model from Keras 3 (or Keras 2) functional config."""
        from ..saving.serialization import deserialize_layer
        layers = {}
        order = []
        for entry in config.get("layers", []):
            layer = deserialize_layer(entry, custom_objects=custom_objects)
            lname = entry.get("name") or layer.name
            layers[lname] = layer
            order.append((lname, layer, entry.get("inbound_nodes") or []))
        created = {}        # layer name -> list of output tensor lists, per node

        def lookup(hist):
            lname, k, ti = hist[0], int(hist[1]), int(hist[2])
            made = created.get(lname, [])
            if k >= len(made):
                return None
            return made[k][ti]

        def resolve(arg):
            if isinstance(arg, dict) and arg.get("class_name") == "__keras_tensor__":
                return lookup(arg["config"]["keras_history"])
            if isinstance(arg, list):
                vals = [resolve(a) for a in arg]
                return None if any(v is None for v in vals) else vals
            raise ValueError(f"Unsupported argument in a functional config: {arg!r:.100}")

        def node_args(node):
            if isinstance(node, dict):        # Keras 3
                args = node.get("args", [])
                kwargs = {k: v for k, v in (node.get("kwargs") or {}).items() if v is not None}
                if len(args) != 1:
                    raise ValueError(f"Unsupported functional node with {len(args)} positional "
                                     "arguments.")
                return args[0], kwargs
            # Keras 2: [[layer, node, tensor, kwargs], ...]
            items = [{"class_name": "__keras_tensor__", "config": {"keras_history": it[:3]}}
                     for it in node]
            kwargs = {k: v for k, v in (node[0][3] if node and len(node[0]) > 3 else {}).items()
                      if v is not None}
            return (items if len(items) > 1 else items[0]), kwargs

        pending = []
        for lname, layer, nodes in order:
            if isinstance(layer, InputLayer):
                created[lname] = [[input_tensor(layer)]]
            pending.extend((lname, layer, i, n) for i, n in enumerate(nodes))
        while pending:
            rest = []
            for lname, layer, i, n in pending:
                if len(created.get(lname, [])) != i:
                    rest.append((lname, layer, i, n))
                    continue
                arg, kwargs = node_args(n)
                x = resolve(arg)
                if x is None:
                    rest.append((lname, layer, i, n))
                    continue
                kwargs.pop("training", None)
                kwargs.pop("mask", None)
                y = layer(x, **kwargs)
                created.setdefault(lname, []).append(y if isinstance(y, list) else [y])
            if len(rest) == len(pending):
                raise ValueError("Could not rebuild the functional model from its config: layers "
                                 f"{sorted({r[0] for r in rest})} have inputs that are never "
                                 "produced.")
            pending = rest

        def tensors(spec):
            if spec and isinstance(spec[0], str):
                return lookup(spec), True
            return [lookup(s) for s in spec], False
        ins, single_in = tensors(config["input_layers"])
        outs, single_out = tensors(config["output_layers"])
        return cls(inputs=ins if not single_in else ins, outputs=outs, name=config.get("name"),
                   trainable=config.get("trainable", True))

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
