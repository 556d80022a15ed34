"""A functional model's config, both ways: Keras 3's ``layers`` with ``inbound_nodes``
(Keras 2's nested-list nodes are read too), ``input_layers`` and ``output_layers``.

Example
-------
>>> from pipeseq.layers import Dense, Input
>>> from pipeseq.models import Model
>>> x = Input((3,), name="x")
>>> config = functional_config(Model(x, Dense(2, name="d")(x)))
>>> [entry["name"] for entry in config["layers"]], config["output_layers"]
(['x', 'd'], ['d', 0, 0])
"""
from ..graph import input_tensor
from ..layers.input_layer import InputLayer
from ..layers.op_layer import OpLayer
from ..layers.op_values import from_json
from ..layers.serialization import deserialize_layer, serialize_layer
from .multi_arg_nodes import MultiArgs, has_tensor_entry, keras2_tensor_kwargs, keras_call_entry


def node_keys(model):
    """(layer name, node index within this model) for every node, Keras's re-indexing."""
    keys = {}
    per_layer = {}
    all_nodes = [t.node for t in model._inputs] + list(model._nodes)
    for node in sorted(all_nodes, key=lambda n: n.id):
        k = per_layer.get(id(node.layer), 0)
        per_layer[id(node.layer)] = k + 1
        keys[id(node)] = (node.layer.name, k)
    return keys


def functional_config(model):
    """Keras 3 config of a functional model: layers with their inbound nodes, inputs, outputs."""
    keys = node_keys(model)

    def tensor_entry(t):
        name, k = keys[id(t.node)]
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(t.shape), "dtype": t.dtype,
                           "keras_history": [name, k, t.index]}}

    layer_entries = []
    for layer in model._layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        nodes = sorted((n for n in model._nodes if n.layer is layer), key=lambda n: n.id)
        inbound = []
        for n in nodes:
            if callable(getattr(layer, "keras_node", None)):     # an op node
                inbound.append(layer.keras_node(tensor_entry))
                continue
            if "call_slots" in n.kwargs:            # several tensor arguments
                inbound.append(keras_call_entry(n, tensor_entry))
                continue
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
    ins = [history(t) for t in model._inputs]
    outs = [history(t) for t in model._outputs]
    return {"name": model.name, "trainable": model.trainable, "layers": layer_entries,
            "input_layers": ins[0] if model._single_input and len(ins) == 1 else ins,
            "output_layers": outs[0] if model._single_output else outs}


def _op_node(layer, node, resolve):
    """Apply an op node read from a Keras 3 config; None while an input is not yet made."""
    if isinstance(node, list) and node and isinstance(node[0], str):
        node = [node]                      # tf_keras writes a lone reference unwrapped
    if isinstance(node, list) and node and all(isinstance(i, list) for i in node):
        node = _keras2_op_node(node)       # tf_keras: [[layer, node, tensor, kwargs], ...]
    if not isinstance(node, dict):
        raise ValueError(f"The op node '{layer.name}' needs a node entry "
                         f"({{'args': [...], 'kwargs': {{...}}}}). Received: {node!r:.100}")
    missing = []

    def tensor(entry):
        t = resolve(entry)
        if t is None:
            missing.append(entry)
        return t
    args = from_json(node.get("args") or [], tensor)
    kwargs = from_json(node.get("kwargs") or {}, tensor)
    if missing:
        return None
    return layer.call_node(args, kwargs)


def _keras2_op_node(node):
    """tf_keras's op-layer node as a Keras 3 one: the tensors are the first argument (a list
    when several), the keyword arguments (tensor references included) follow."""
    items = [{"class_name": "__keras_tensor__", "config": {"keras_history": it[:3]}}
             for it in node]
    kwargs = node[0][3] if len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    kwargs = keras2_tensor_kwargs(kwargs) or kwargs
    return {"args": [items if len(items) > 1 else items[0]], "kwargs": kwargs}


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild a functional model (class ``cls``) from Keras 3 (or Keras 2) functional config."""
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

    def node_args(node, layer):
        if isinstance(node, dict):        # Keras 3
            args = node.get("args", [])
            kwargs = {k: v for k, v in (node.get("kwargs") or {}).items() if v is not None}
            if len(args) != 1 or any(has_tensor_entry(v) for v in kwargs.values()):
                return MultiArgs(args, kwargs), {}
            return args[0], kwargs
        # Keras 2: [[layer, node, tensor, kwargs], ...]
        items = [{"class_name": "__keras_tensor__", "config": {"keras_history": it[:3]}}
                 for it in node]
        kwargs = {k: v for k, v in (node[0][3] if node and len(node[0]) > 3 else {}).items()
                  if v is not None}
        if getattr(layer, "call_args", None) and len(items) == 1:
            multi = keras2_tensor_kwargs(kwargs)
            if multi is not None:
                return MultiArgs(items, multi), {}
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
            if isinstance(layer, OpLayer):
                y = _op_node(layer, n, resolve)
                if y is None:
                    rest.append((lname, layer, i, n))
                    continue
                created.setdefault(lname, []).append([y])
                continue
            arg, kwargs = node_args(n, layer)
            if isinstance(arg, MultiArgs):          # several tensor arguments (Keras 3 form)
                call = arg.resolve(resolve)
                if call is None:
                    rest.append((lname, layer, i, n))
                    continue
                y = layer(*call[0], **call[1])
                created.setdefault(lname, []).append(y if isinstance(y, list) else [y])
                continue
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
