"""The arguments of an op node in a Keras 3 functional config, both ways.

Keras 3 writes the non-tensor arguments of an op call (``x + 3.0``, ``x[:, 1:3]``,
``ops.where(m, x, 0.0)``) beside its tensors in the node's ``args``: numbers and
strings as they are, tuples as lists, slices as ``{"class_name": "__slice__"}``,
``...`` as ``__ellipsis__`` and arrays as ``__numpy__`` / ``__tensor__`` entries. Reading
them creates data only (checked against ``limits``), never objects named in the file.

Example
-------
>>> to_json(slice(1, 3))
{'class_name': '__slice__', 'config': {'start': 1, 'stop': 3, 'step': None}}
>>> from_json([{"class_name": "__ellipsis__", "config": {}}, None, 0])
[Ellipsis, None, 0]
"""
import numpy as np

from .. import limits
from ..errors import UnsafeConfigError


def to_json(value, tensor_entry=None):
    """``value`` as Keras 3 writes it; KerasTensors through ``tensor_entry``."""
    if tensor_entry is not None and getattr(value, "_pipeseq_symbolic", False):
        return tensor_entry(value)
    if isinstance(value, (list, tuple)):
        return [to_json(v, tensor_entry) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v, tensor_entry) for k, v in value.items()}
    if isinstance(value, slice):
        return {"class_name": "__slice__",
                "config": {"start": to_json(value.start), "stop": to_json(value.stop),
                           "step": to_json(value.step)}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__",
                "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.dtype):
        return value.name
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"Cannot write the op argument {value!r:.80} ({type(value).__name__}) to a "
                    "model config: expected numbers, strings, None, slices, lists or arrays.")


def from_json(value, resolve=None):
    """The Python value of a Keras 3 op argument; ``__keras_tensor__`` entries through
    ``resolve`` (left as they are when ``resolve`` is None)."""
    if isinstance(value, list):
        return [from_json(v, resolve) for v in value]
    if not isinstance(value, dict):
        return value
    cname = value.get("class_name")
    config = value.get("config") or {}
    if cname == "__keras_tensor__":
        return resolve(value) if resolve is not None else value
    if cname == "__slice__":
        return slice(*(from_json(config.get(k), resolve) for k in ("start", "stop", "step")))
    if cname == "__ellipsis__":
        return Ellipsis
    if cname in ("__numpy__", "__tensor__"):
        return _array(config)
    if cname is None:
        return {k: from_json(v, resolve) for k, v in value.items()}
    raise UnsafeConfigError(f"Unsupported object {cname!r} in the arguments of an op node: "
                            "pipeseq reads only numbers, strings, lists, slices and arrays "
                            "there, never objects named in a file.")


def _array(config):
    dtype = np.dtype(config.get("dtype") or "float32")
    if dtype.kind not in "biuf":
        raise UnsafeConfigError(f"Unsupported array dtype {dtype.name!r} in an op node "
                                "(expected a numeric dtype).")
    raw = config.get("value")
    arr = np.asarray(raw, dtype=dtype)
    if arr.size > limits.MAX_NAMES * 100:
        raise UnsafeConfigError(f"An array of {arr.size} values in an op node is larger than "
                                f"pipeseq accepts in a config ({limits.MAX_NAMES * 100}).")
    return arr


def as_key(key):
    """An indexing key read from a config (Keras writes tuples as lists)."""
    return tuple(key) if isinstance(key, list) else key
