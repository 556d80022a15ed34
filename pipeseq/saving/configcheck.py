"""Checks on a config read from a file, before any layer is built from it.

:func:`parse_json` turns bytes into a JSON value with a size limit (and a
``FileFormatError``, never a ``RecursionError``, for deeply nested text);
:func:`check_config` walks the value without recursion and refuses nesting
deeper than ``limits.MAX_CONFIG_DEPTH``, more than ``limits.MAX_LAYERS`` layer
entries, layer names Keras refuses (not a string, ``/``, NUL, too long),
dtypes that are not numeric (or ``string``) and shape dimensions that are negative, not integers or beyond ``limits.MAX_DIM``.

Example
-------
>>> cfg = parse_json(b'{"class_name": "Dense", "config": {"name": "a/b"}}', "'x.keras'")
>>> try:
...     check_config(cfg, "'x.keras'")
... except ValueError as e:
...     print(type(e).__name__)
UnsafeConfigError
"""
import json

from .. import limits
from ..errors import FileFormatError, UnsafeConfigError, short_repr

DTYPES = {"float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64",
          "uint8", "uint16", "uint32", "uint64", "bool", "string", "mixed_float16",
          "mixed_bfloat16"}
_SHAPE_KEYS = ("batch_shape", "batch_input_shape", "input_shape", "shape", "target_shape",
               "dims")


def parse_json(data, label):
    """Decode ``data`` (bytes or str) as JSON; any failure is a :class:`FileFormatError`."""
    if isinstance(data, (bytes, bytearray)) and len(data) > limits.MAX_CONFIG_BYTES or \
            isinstance(data, str) and len(data) > limits.MAX_CONFIG_BYTES:
        raise FileFormatError(f"{label}: the config is {limits.human(len(data))}, more than the "
                              f"limit of {limits.human(limits.MAX_CONFIG_BYTES)}.")
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
        if not isinstance(text, str):
            raise TypeError(f"expected text, found {type(text).__name__}")
        return json.loads(text)
    except RecursionError:
        raise FileFormatError(f"{label}: the JSON is nested too deeply to read (the limit is "
                              f"{limits.MAX_CONFIG_DEPTH} levels).") from None
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError, ValueError) as e:
        raise FileFormatError(f"{label}: not valid JSON ({short_repr(str(e), 200)}).") from None


def check_config(config, label):
    """Refuse a config beyond the limits (see the module doc); returns ``config``."""
    stack, layers = [(config, 1, None)], 0
    while stack:
        obj, depth, key = stack.pop()
        if depth > limits.MAX_CONFIG_DEPTH:
            raise UnsafeConfigError(f"{label}: the config is nested more than "
                                    f"{limits.MAX_CONFIG_DEPTH} levels deep.")
        if isinstance(obj, dict):
            if key == "layers" or ("class_name" in obj and isinstance(obj.get("config"), dict)
                                   and "name" in obj["config"] and key != "dtype"):
                layers += 1
                if layers > limits.MAX_LAYERS:
                    raise UnsafeConfigError(f"{label}: the config describes more than "
                                            f"{limits.MAX_LAYERS:,} layers.")
                cfg = obj.get("config")
                if isinstance(cfg, dict) and "name" in cfg:
                    _check_name(cfg["name"], obj.get("class_name"), label)
            for k, v in obj.items():
                if k in _SHAPE_KEYS and isinstance(v, list):
                    _check_shape(v, k, label)
                elif k == "dtype" and v is not None:
                    _check_dtype(v, label)
                if isinstance(v, (dict, list)):
                    stack.append((v, depth + 1, k))
        elif isinstance(obj, list):
            for v in obj:
                if isinstance(v, (dict, list)):
                    stack.append((v, depth + 1, key))
    return config


def _check_name(name, cls, label):
    if name is None:
        return
    if not isinstance(name, str) or "/" in name or "\x00" in name or \
            len(name) > limits.MAX_NAME_LENGTH:
        raise UnsafeConfigError(
            f"{label}: invalid layer name {short_repr(name)} (class {short_repr(cls, 60)}): a "
            f"name must be a string of at most {limits.MAX_NAME_LENGTH} characters without '/' "
            "or NUL (Keras refuses '/' too).")


def _check_dtype(value, label):
    name = value
    if isinstance(value, dict):
        cfg = value.get("config")
        name = cfg.get("name") if isinstance(cfg, dict) else None
    if name is not None and name not in DTYPES:
        raise UnsafeConfigError(f"{label}: unsupported dtype {short_repr(name)}; expected one of "
                                f"{', '.join(sorted(DTYPES))}.")


def _check_shape(shape, key, label):
    dims = [d for s in shape for d in (s if isinstance(s, list) else [s])]
    for d in dims:
        if d is None:
            continue
        if isinstance(d, bool) or not isinstance(d, int) or d < -1 or d > limits.MAX_DIM:
            raise UnsafeConfigError(f"{label}: '{key}' {short_repr(shape, 120)} has dimension "
                                    f"{short_repr(d)}; dimensions must be integers from 0 to "
                                    f"{limits.MAX_DIM:,} (or null).")
