"""Graph nodes of layers called with several tensor arguments (``mha(q, v, key=k)``,
``lstm(x, initial_state=[h, c])``): how they are written to and read from a Keras 3
functional config (``{"args": [...], "kwargs": {...}}`` with tensors in both).

See :mod:`pipeseq.layers.call_args` for the layer side.

Example
-------
>>> has_tensor_entry([{"class_name": "__keras_tensor__", "config": {}}])
True
"""


def has_tensor_entry(v):
    if isinstance(v, dict):
        return v.get("class_name") == "__keras_tensor__"
    return isinstance(v, list) and any(has_tensor_entry(a) for a in v)


class MultiArgs:
    """A Keras 3 node entry with several positional arguments or tensor keyword arguments."""

    def __init__(self, args, kwargs):
        self.args, self.kwargs = args, kwargs

    def resolve(self, resolve):
        def one(v):
            return resolve(v) if has_tensor_entry(v) else v
        args = [one(a) for a in self.args]
        kwargs = {k: one(v) for k, v in self.kwargs.items() if k not in ("training", "mask")}
        if any(a is None for a in args) or any(
                v is None for k, v in kwargs.items() if has_tensor_entry(self.kwargs[k])):
            return None
        return args, kwargs


def keras_call_entry(node, tensor_entry):
    """``{"args": [...], "kwargs": {...}}`` of a multi-tensor call, as Keras 3 writes it."""
    slots, npos = node.kwargs["call_slots"], node.kwargs.get("call_npos", 1)
    grouped, order = {}, []
    for t, (name, index) in zip(node.inputs, slots):
        if name not in grouped:
            order.append(name)
        entry = tensor_entry(t)
        if index is None:
            grouped[name] = entry
        else:
            grouped.setdefault(name, []).append(entry)
    layer_args = list(getattr(node.layer, "call_args", ()))
    positional = layer_args[:npos]
    args = [grouped[n] for n in positional if n in grouped]
    kwargs = {n: grouped[n] for n in order if n not in positional}
    kwargs.update({k: v for k, v in node.kwargs.items() if k not in ("call_slots", "call_npos")})
    return {"args": args, "kwargs": kwargs}


def _is_keras2_ref(v):
    return (isinstance(v, list) and len(v) == 3 and isinstance(v[0], str)
            and all(isinstance(i, int) and not isinstance(i, bool) for i in v[1:]))


def keras2_tensor_kwargs(kwargs):
    """Keras 2 keyword arguments with tensor references ``[layer, node, tensor]`` turned into
    Keras 3 tensor entries; None when there are none."""
    def conv(v):
        if _is_keras2_ref(v):
            return {"class_name": "__keras_tensor__", "config": {"keras_history": v}}
        if isinstance(v, list) and v and all(_is_keras2_ref(a) for a in v):
            return [conv(a) for a in v]
        return v
    out = {k: conv(v) for k, v in kwargs.items()}
    return out if any(has_tensor_entry(v) for v in out.values()) else None


def keras2_node(n, call_args):
    """A Keras 3 node of a multi-tensor call as Keras 2's ``[[first, node, tensor, kwargs]]``:
    the first argument is the node's tensor, the others become keyword arguments
    (tensors as ``[layer, node, tensor]``), as tf.keras writes them."""
    def ref(a):
        if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__":
            return list(a["config"]["keras_history"])
        if isinstance(a, list):
            return [ref(x) for x in a]
        return a
    args = n.get("args", [])
    kwargs = {name: ref(a) for name, a in zip(call_args[1:], args[1:])}
    kwargs.update({k: ref(v) for k, v in (n.get("kwargs") or {}).items()})
    first = args[0] if args else (n.get("kwargs") or {}).get(call_args[0])
    kwargs.pop(call_args[0], None)
    name, node_index, tensor_index = first["config"]["keras_history"]
    return [[name, node_index, tensor_index, kwargs]]
