"""Where each variable of a model lives in Keras's weight files.

Two maps, both computed from the model object alone:

* :func:`keras3_nodes` -- the Keras 3 layout (``*.weights.h5`` and the
  ``model.weights.h5`` inside ``.keras``): one node per saveable object,
  ``(path, name, variables)``, ``path`` like ``""`` (the model itself),
  ``"layers/dense"``, ``"layers/lstm/cell"``, ``"layers/bidirectional/forward_layer"``.
  The variables of node ``path`` are stored at ``<path>/vars/0, 1, ...``.
* :func:`legacy_layers` -- the Keras 2 layout: for each top-level layer, its
  name and ``[(tf_weight_name, variable), ...]`` in Keras's legacy order (trainable
  weights, then non-trainable ones).

Example
-------
>>> from pipeseq import Sequential
>>> from pipeseq.layers import Dense
>>> m = Sequential([Dense(2, input_shape=(3,), name="d")])
>>> [(n.path, n.name, len(n.variables)) for n in keras3_nodes(m)]
[('', 'sequential', 0), ('layers/dense', 'd', 2)]
"""
from collections import namedtuple

from ..layers.base import Layer, to_snake_case
from ..models.model import Model

Node = namedtuple("Node", "path name variables layer")

# Keras 3 recurrent layers keep their variables in a ``cell`` sublayer named like this.
RNN_CELLS = {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell",
             "ConvLSTM1D": "conv_lstm_cell", "ConvLSTM2D": "conv_lstm_cell",
             "ConvLSTM3D": "conv_lstm_cell"}


def own_variables(layer):
    """A layer's own variables, trainable first (Keras's ``save_own_variables`` order).

    A layer whose Keras 3 counterpart also tracks a sublayer's variable as its own
    (``SpectralNormalization``'s kernel) lists them in ``_keras_own_variables()``."""
    custom = getattr(layer, "_keras_own_variables", None)
    if callable(custom):
        return list(custom())
    return _created_variables(layer)


def _created_variables(layer):
    own = list(getattr(layer, "_own_variables", []))
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def legacy_weights(layer):
    """Keras's ``_legacy_weights``: the order of a layer's weights in the Keras 2 ``.h5``
    layout (trainable weights, then non-trainable ones)."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _is_model(layer):
    return isinstance(layer, Model)


def _children(layer):
    """``[(attribute, sublayer or list of layers)]`` as Keras 3 walks them."""
    if _is_model(layer):
        return [("layers", list(layer.layers))]
    custom = getattr(layer, "_keras_saveables", None)
    if callable(custom):
        return list(custom())
    out = []
    for attr in sorted(vars(layer)):
        if attr.startswith("_"):
            continue
        val = getattr(layer, attr, None)
        if isinstance(val, Layer) and val is not layer:
            out.append((attr, val))
        elif isinstance(val, (list, tuple)) and val and all(isinstance(v, Layer) for v in val):
            out.append((attr, list(val)))
    return out


def keras3_nodes(model):
    """All saveable nodes of ``model`` in Keras 3 order (depth first)."""
    nodes, seen = [], set()

    def visit(layer, path):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        cls = type(layer).__name__
        kids = _children(layer)
        own = own_variables(layer)
        if cls in RNN_CELLS and own and not any(k == "cell" for k, _ in kids):
            # pipeseq's recurrent layer holds the cell's variables itself.
            nodes.append(Node(path, layer.name, [], layer))
            nodes.append(Node(_join(path, "cell"), RNN_CELLS[cls], own, layer))
        else:
            nodes.append(Node(path, layer.name, own, layer))
        for attr, child in kids:
            if isinstance(child, list):
                used = {}
                for sub in child:
                    key = keras3_key(sub)
                    if key in used:
                        used[key] += 1
                        key = f"{key}_{used[key]}"
                    else:
                        used[key] = 0
                    visit(sub, _join(_join(path, attr), key))
            else:
                visit(child, _join(path, attr))

    visit(model, "")
    return nodes


def keras3_key(layer):
    """The name Keras 3 files a layer under in a list (``layers/dense``): its Python class name
    in snake case (``GroupQueryAttention`` is Keras's ``GroupedQueryAttention`` class)."""
    return getattr(type(layer), "keras3_class_key", None) or to_snake_case(type(layer).__name__)


def _join(a, b):
    return f"{a}/{b}" if a else b


def legacy_layers(model):
    """``[(layer_name, [(weight_name, Variable), ...])]`` for the Keras 2 ``.h5`` layout."""
    out = []
    for layer in model.layers:
        pairs = _tf_names(layer, layer.name)
        names, seen = [], {}
        for n, v in pairs:     # dataset paths must be unique inside the group
            if n in seen:
                seen[n] += 1
                base, _, suffix = n.rpartition(":")
                n = f"{base}_{seen[n]}:{suffix}"
            else:
                seen[n] = 0
            names.append((n, v))
        out.append((layer.name, names))
    return out


# Variables whose TF/Keras 2 name differs from the Keras 3 name pipeseq uses.
_TF_VARIABLE_NAMES = {("DepthwiseConv2D", "kernel"): "depthwise_kernel"}


def _tf_names(layer, scope):
    """TF-style variable names (``dense/kernel:0``, ``lstm/lstm_cell/kernel:0``)."""
    cls = type(layer).__name__
    kids = _children(layer)
    own = [_Renamed(v, _TF_VARIABLE_NAMES[(cls, v.name)]) if (cls, v.name) in _TF_VARIABLE_NAMES
           else v for v in _created_variables(layer)]
    if _is_model(layer):
        return [p for sub in layer.layers for p in _tf_names(sub, sub.name)]
    if cls in RNN_CELLS and not any(k == "cell" for k, _ in kids):
        pairs = [(f"{scope}/{RNN_CELLS[cls]}/{v.name}:0", v) for v in own]
    else:
        pairs = [(f"{scope}/{v.name}:0", v) for v in own]
    for attr, child in kids:
        subs = child if isinstance(child, list) else [child]
        for sub in subs:
            if cls == "TimeDistributed" or attr == "cell":
                inner = scope if cls == "TimeDistributed" else f"{scope}/{sub.name}"
                pairs.extend(_tf_names(sub, inner))
            else:
                pairs.extend(_tf_names(sub, f"{scope}/{sub.name}"))
    pairs = [(n, v.var if isinstance(v, _Renamed) else v) for n, v in pairs]
    # Keras's legacy order: trainable weights, then non-trainable ones.
    order = {id(v): i for i, v in enumerate(legacy_weights(layer))} if layer.built else {}
    if order and len(order) == len(pairs):
        pairs.sort(key=lambda p: order.get(id(p[1]), 0))
    return pairs


class _Renamed:
    """A variable seen under its TF name (only ``.name`` differs)."""

    def __init__(self, var, name):
        self.var, self.name = var, name
