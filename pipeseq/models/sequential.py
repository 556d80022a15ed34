"""``Sequential``: a linear stack of layers, built eagerly when its input is known."""
import numpy as np

from .. import backend
from ..graph import input_tensor
from ..layers.base import Layer, format_shape, get_layer_class, register, unique_name
from ..layers.input_layer import Input, InputLayer
from ..layers.serialization import deserialize_layer, serialize_layer
from ..kernels.conv_threads import caller_blas_during
from . import inference
from .model import Model


@register
class Sequential(Model):
    """A stack of layers where each layer has one input and one output.

    Parameters
    ----------
    layers : list of Layer, optional
    name : str, optional (default ``sequential``, ``sequential_1``, ...)

    Example
    -------
    >>> from pipeseq.layers import Dense
    >>> model = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(1)])
    >>> model.count_params()
    21
    """

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._layers = []
        self._input_layer = None
        for layer in layers or []:
            self.add(layer)

    # --------------------------------------------------------- the stack
    @property
    def layers(self):
        """The layers, without the input layer (as in Keras)."""
        return list(self._layers)

    @layers.setter
    def layers(self, value):
        raise AttributeError("`Sequential.layers` cannot be set; use add() and pop().")

    def add(self, layer, rebuild=True):
        """Append ``layer``; if the model's input is known, build it now (errors leave the model unchanged)."""
        if getattr(layer, "_pipeseq_symbolic", False) and isinstance(getattr(layer, "layer", None), InputLayer):
            layer = layer.layer           # keras.Input(shape=...) as first element
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._layers:
                raise ValueError(f"Sequential model '{self.name}': an InputLayer can only be the "
                                 "first layer, and only one is allowed.")
            self._input_layer = layer
            return self
        if not isinstance(layer, Layer):
            raise TypeError("Only instances of `Layer` can be added to a Sequential model. "
                            f"Received: {layer!r} (of type {type(layer).__name__})")
        if layer is self:
            raise ValueError("A model cannot be added to itself.")
        names = getattr(self, "_names", None)
        if names is None or len(names) != len(self._layers):
            names = self._names = {l.name for l in self._layers}
        if layer.name in names and any(l.name == layer.name for l in self._layers):
            raise ValueError(f"All layers added to a Sequential model should have unique names. "
                             f"Name '{layer.name}' is already the name of a layer in this model. "
                             "Update the `name` argument to pass a unique name.")
        first_shape = layer._batch_input_shape
        if first_shape is None and isinstance(layer, Sequential) and layer._input_layer is not None \
                and not isinstance(layer._build_input_shape, list):
            first_shape = layer._input_layer.batch_shape      # a nested model with a known input
        if not self._layers and self._input_layer is None and first_shape is not None:
            self._input_layer = InputLayer(batch_shape=first_shape,
                                           dtype=layer.dtype if layer.input_dtype_kind == "float" else None)
            created_input = True
        else:
            created_input = False
        self._layers.append(layer)
        names.add(layer.name)
        multi = getattr(layer, "model_input_shapes", None) if len(self._layers) == 1 else None
        if rebuild and (self._input_layer is not None or multi):
            try:
                if self._can_extend():
                    self._extend(layer)           # linear: only the new layer is built
                elif multi or isinstance(self._build_input_shape, list):   # Merge first: n inputs
                    self.build([tuple(s) for s in (multi or self._build_input_shape)])
                else:
                    self._build_layers(self._input_layer.batch_shape)
            except Exception:
                self._layers.pop()
                self._names = None
                if created_input:
                    self._input_layer = None
                raise
        else:
            self.built = False
        return self

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        if not self._layers:
            raise TypeError(f"There are no layers in the model '{self.name}'.")
        layer = self._layers.pop()
        self._names = None
        return layer

    # ---------------------------------------------------------- building
    def _build_layers(self, input_shape):
        shape = tuple(input_shape)
        with backend.name_scope(self.name, caller=self):
            for layer in self._layers:
                layer._maybe_build(shape)
                shape = layer.compute_output_shape(shape)
        self.built = True
        self._build_input_shape = tuple(input_shape)
        self._built_shapes = (len(self._layers), shape)
        self._refresh_graph()
        return shape

    def _can_extend(self):
        """Whether the stack was built up to the layer just appended (so only it needs building)."""
        done = getattr(self, "_built_shapes", None)
        return self.built and done is not None and done[0] == len(self._layers) - 1 and \
            not isinstance(self._build_input_shape, list) and done[1] is not None

    def _extend(self, layer):
        """Build the appended ``layer`` on the stack's output shape; extend the graph by it."""
        with backend.name_scope(self.name, caller=self):
            layer._maybe_build(self._built_shapes[1])
        self._built_shapes = (len(self._layers), layer.compute_output_shape(self._built_shapes[1]))
        graph, n = getattr(self, "_graph", None), len(self._layers)
        if graph is None or len(graph[0]) != n - 1 or len(graph[2]) != 1 or \
                (graph[0] and graph[0][-1] != id(self._layers[-2])):
            return self._refresh_graph()
        before = len(layer._inbound)
        try:
            y = layer(graph[2][0])
            self._graph = (graph[0] + (id(layer),), graph[1], y if isinstance(y, list) else [y])
        except Exception:        # a layer without symbolic shape support: tensors stay unavailable
            self._graph = None
        finally:
            self._graph_nodes.extend(layer._inbound[before:])

    # ------------------------------------------------- symbolic tensors
    def _refresh_graph(self):
        try:
            self._symbolic()
        except Exception:        # a layer without symbolic shape support: tensors stay unavailable
            self._graph = None

    def _symbolic(self):
        """``(inputs, outputs)``: this stack called on Input tensors (rebuilt when layers change)."""
        key = tuple(id(l) for l in self._layers)
        graph = getattr(self, "_graph", None)
        if graph is not None and graph[0] == key:
            return graph[1], graph[2]
        for node in getattr(self, "_graph_nodes", []):
            if node in node.layer._inbound:
                node.layer._inbound.remove(node)
        self._graph, self._graph_nodes = None, []
        if not self._layers or not self.built or self._input_layer is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no defined inputs/outputs yet: give it an input "
                "shape (keras_model_sequential(input_shape=...), Input(shape=...) as first layer, or "
                "an input_shape on the first layer) or build/call it on data first.")
        if isinstance(self._build_input_shape, list):
            kinds = self._input_kinds()
            ins = [Input(batch_shape=s, dtype="int32" if k == "int" else None)
                   for s, k in zip(self._build_input_shape, kinds)]
            x = list(ins)
        else:
            ins = [input_tensor(self._input_layer)]
            x = ins[0]
        before = {id(l): len(l._inbound) for l in self._layers}
        try:
            for layer in self._layers:
                x = layer(x)
        finally:
            for layer in self._layers:
                self._graph_nodes.extend(layer._inbound[before[id(layer)]:])
                before[id(layer)] = len(layer._inbound)
        outs = x if isinstance(x, list) else [x]
        self._graph = (key, ins, outs)
        return ins, outs

    @property
    def inputs(self):
        """Symbolic input tensors (once the input shape is known)."""
        return list(self._symbolic()[0])

    @property
    def outputs(self):
        """Symbolic output tensors (once the input shape is known)."""
        return list(self._symbolic()[1])

    @property
    def input(self):
        if self._inbound:          # called inside another graph: its first call, as a layer
            return Model.input.fget(self)
        ins = self.inputs
        return ins[0] if len(ins) == 1 else ins

    @property
    def output(self):
        if self._inbound:
            return Model.output.fget(self)
        outs = self.outputs
        return outs[0] if len(outs) == 1 else outs

    def build(self, input_shape=None):
        """Create every layer's weights for ``input_shape`` (batch axis included); their paths
        start with the model's name (``sequential/dense/kernel``), as in Keras 3."""
        with backend.name_scope(self.name, caller=self):
            self._build(input_shape)

    def _build(self, input_shape):
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(f"Sequential model '{self.name}' has no input shape: pass one to "
                                 "build(), e.g. model.build((None, 784)).")
            input_shape = self._input_layer.batch_shape
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
            input_shape = [tuple(s) for s in input_shape]   # multi-input first layer (Merge)
            if self._input_layer is None:
                self._input_layer = InputLayer(batch_shape=input_shape[0])
            for layer in self._layers[:1]:
                layer._maybe_build(input_shape)
            shape = self._layers[0].compute_output_shape(input_shape)
            for layer in self._layers[1:]:
                layer._maybe_build(shape)
                shape = layer.compute_output_shape(shape)
            self.built = True
            self._build_input_shape = input_shape
            self._refresh_graph()
            return
        input_shape = tuple(None if d is None else int(d) for d in input_shape)
        if self._input_layer is None:
            self._input_layer = InputLayer(batch_shape=input_shape)
        elif tuple(self._input_layer.batch_shape[1:]) != input_shape[1:] and self.built:
            raise ValueError(f"Sequential model '{self.name}' was built for input shape "
                             f"{format_shape(self._input_layer.batch_shape)}; cannot rebuild it "
                             f"for {format_shape(input_shape)}.")
        if not self._layers:
            raise ValueError(f"Sequential model '{self.name}' has no layers to build.")
        self._build_layers(input_shape)

    def _maybe_build(self, input_shape):
        if not self.built:
            self.build(input_shape)

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def _layer_output_shapes(self):
        """Per-layer output shapes for the summary (None where unknown)."""
        out = []
        shape = self._input_layer.batch_shape if self._input_layer is not None else None
        if isinstance(self._build_input_shape, list):
            shape = self._build_input_shape
        for layer in self._layers:
            if shape is None and layer.built and layer._build_input_shape is not None:
                shape = layer._build_input_shape
            try:
                shape = layer.compute_output_shape(shape) if shape is not None else None
            except Exception:
                shape = None
            out.append(shape)
        return out

    # ----------------------------------------------------------- weights
    def _require_built(self, what):
        if not self.built:
            raise ValueError(
                f"Sequential model '{self.name}' has not been built yet, so it has no {what}. "
                "Its weights are created when it knows its input shape: call it on data "
                "(model(x)), call model.build((None, n_features)), or give the first layer an "
                "input_shape (e.g. Dense(32, input_shape=(784,)) or "
                "keras_model_sequential(input_shape=784)).")

    @property
    def weights(self):
        self._require_built("weights")
        return super().weights

    @property
    def trainable_weights(self):
        self._require_built("weights")
        return super().trainable_weights

    @property
    def non_trainable_weights(self):
        self._require_built("weights")
        return super().non_trainable_weights

    def count_params(self):
        self._require_built("weights")
        return int(sum(v.value.size for v in self.weights))

    # ------------------------------------------------------- the model API
    @property
    def n_inputs(self):
        return getattr(self._layers[0], "n_model_inputs", 1) if self._layers else 1

    @property
    def input_names(self):
        if self.n_inputs > 1:
            return [f"input_{i}" for i in range(self.n_inputs)]
        return [self._input_layer.name if self._input_layer is not None else "input"]

    @property
    def output_names(self):
        return [self._layers[-1].name] if self._layers else ["output"]

    @property
    def input_dtype_kind(self):
        return self._layers[0].input_dtype_kind if self._layers else "float"

    def _input_kinds(self):
        kinds = getattr(self._layers[0], "model_input_kinds", None) if self._layers else None
        return list(kinds) if kinds else [self.input_dtype_kind] * self.n_inputs

    def _input_shapes(self):
        if isinstance(self._build_input_shape, list):
            return list(self._build_input_shape)
        if self._input_layer is None:
            return [None]
        return [self._input_layer.batch_shape]

    def _output_shapes(self):
        try:
            shapes = self._input_shapes()
            if shapes == [None]:
                return [None]
            return [self.compute_output_shape(shapes if len(shapes) > 1 else shapes[0])]
        except Exception:
            return [None]

    @property
    def input_shape(self):
        if isinstance(self._build_input_shape, list):      # several inputs (Merge first)
            return list(self._build_input_shape)
        if self._input_layer is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")
        return self._input_layer.batch_shape

    @property
    def output_shape(self):
        return self.compute_output_shape(self.input_shape)

    # -------------------------------------------------- forward / backward
    def forward(self, x, training=False):
        caches = []
        mask = None
        for layer in self._layers:
            inputs = x
            if mask is not None and layer.accepts_mask:
                x, cache = layer.forward(x, training=training, mask=mask)
            else:
                x, cache = layer.forward(x, training=training)
            mask = layer.compute_mask(inputs, mask)
            caches.append(cache)
        return x, caches

    @caller_blas_during
    def _infer(self, x):
        return inference.run_sequential(self, x)

    input_grad_optional = True      # backward(..., need_input_grad=False) is accepted

    def backward(self, caches, dy, need_input_grad=True):
        """Gradients of every layer; ``need_input_grad=False`` (training) may return dx=None."""
        grads = []
        first = self._layers[0] if self._layers else None
        for layer, cache in zip(reversed(self._layers), reversed(caches)):
            if layer is first and not need_input_grad and getattr(layer, "can_skip_input_grad", False):
                dy, g = layer.backward(cache, dy, need_dx=False)
            else:
                dy, g = layer.backward(cache, dy)
            grads.append(g)
        return dy, [g for gs in reversed(grads) for g in gs]

    def _check_batch_size(self, batch_size, n, n_val=None):
        if not any(getattr(l, "stateful", False) for l in self._layers):
            return
        fixed = self._input_layer.batch_shape[0] if self._input_layer is not None else None
        if fixed is None:
            raise ValueError(f"Model '{self.name}' has stateful layers, so it needs a fixed batch "
                             "size: give the first layer batch_input_shape=(batch, ...) or "
                             "batch_size=.")
        if batch_size != fixed:
            raise ValueError(f"Model '{self.name}' is stateful with a fixed batch size of {fixed}; "
                             f"fit() was called with batch_size={batch_size}. Use batch_size={fixed}.")
        for what, count in (("training", n), ("validation", n_val)):
            if count is not None and count % fixed:
                raise ValueError(f"Model '{self.name}' is stateful with batch size {fixed}, but the "
                                 f"{what} data has {count} samples, which is not a multiple of "
                                 f"{fixed}.")

    # ------------------------------------------------------------ config
    def get_config(self):
        layers = []
        if self._input_layer is not None:
            layers.append(serialize_layer(self._input_layer))
        layers.extend(serialize_layer(l) for l in self._layers)
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype,
               "layers": layers}
        if self._build_input_shape is not None:
            cfg["build_input_shape"] = (list(self._build_input_shape)
                                        if not isinstance(self._build_input_shape, list)
                                        else [list(s) for s in self._build_input_shape])
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if isinstance(config, list):       # Keras 1: a bare list of layer configs
            config = {"layers": config}
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in config.get("layers", []):
            model.add(deserialize_layer(entry, custom_objects=custom_objects))
        if not model.built and config.get("build_input_shape") is not None and model._layers:
            shape = config["build_input_shape"]
            model.build([tuple(s) for s in shape] if shape and isinstance(shape[0], list) else tuple(shape))
        return model

    def __repr__(self):
        return f"<Sequential name={self.name}, built={self.built}, layers={len(self._layers)}>"
