"""Small user-facing helpers: ``to_categorical``, ``normalize``, name suggestions.

Example
-------
>>> from pipeseq.utils import to_categorical
>>> to_categorical([0, 2, 1])
array([[1., 0., 0.],
       [0., 0., 1.],
       [0., 1., 0.]])
"""
import numpy as np


def registrar(registry):
    """Class decorator factory filling ``registry`` with a class's name and any aliases.

    >>> REG = {}
    >>> @registrar(REG)("zero")
    ... class Zeros: pass
    >>> sorted(REG)
    ['Zeros', 'zero']
    """
    def register(*names):
        def deco(cls):
            registry[cls.__name__] = cls
            for n in names:
                registry[n] = cls
            return cls
        return deco
    return register


class ConfigMixin:
    """``get_config()`` -> ``{}`` and ``from_config(config)`` -> ``cls(**config)``."""

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def did_you_mean(name, candidates):
    """Return ``" Did you mean 'x'?"`` for the closest candidate, or ``""``."""
    import difflib
    close = difflib.get_close_matches(str(name), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def lazy_module_attributes(module_name, where, prepare=None):
    """``__getattr__`` and ``__dir__`` (PEP 562) that import a package's names on first use.

    ``import pipeseq`` stays fast this way: the package lists its public names without
    importing the modules that define them. The first ``pipeseq.layer_dense`` (or
    ``from pipeseq import *``, which reads every name of ``__all__``) imports the module
    named in ``where``, takes the attribute, passes it through ``prepare`` (``pipeseq.r``
    wraps its functions for R's argument matching) and stores it in the package's
    namespace, so later look-ups never come back here. A name not in ``where`` may be a
    submodule (``pipeseq.layers``): it is imported, as an eager ``__init__`` would have.
    Anything else is Python's own ``AttributeError``, with a "Did you mean".

    Parameters
    ----------
    module_name : str
        The package's ``__name__``.
    where : dict
        Public name -> absolute name of the module that defines it.
    prepare : callable, optional
        Applied once to each value before it is stored.

    Example
    -------
    >>> import types, sys
    >>> pkg = sys.modules["demo_pkg"] = types.ModuleType("demo_pkg")
    >>> pkg.__getattr__, pkg.__dir__ = lazy_module_attributes("demo_pkg", {"dedent": "textwrap"})
    >>> pkg.dedent("  x")
    'x'
    >>> pkg.dednt
    Traceback (most recent call last):
    ...
    AttributeError: module 'demo_pkg' has no attribute 'dednt'. Did you mean 'dedent'?
    >>> del sys.modules["demo_pkg"]
    """
    import importlib
    import importlib.util
    import sys

    def __getattr__(name):
        namespace = vars(sys.modules[module_name])
        if name in where:
            value = getattr(importlib.import_module(where[name]), name)
            namespace[name] = value = prepare(value) if prepare else value
            return value
        if "__path__" in namespace and not name.startswith("__") \
                and importlib.util.find_spec(f"{module_name}.{name}"):
            return importlib.import_module(f"{module_name}.{name}")
        hint = did_you_mean(name, [n for n in __dir__() if not n.startswith("_")])
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}"
                             + (f".{hint}" if hint else ""))

    def __dir__():
        return sorted(set(vars(sys.modules[module_name])) | set(where))

    return __getattr__, __dir__


def to_categorical(x, num_classes=None, dtype="float64"):
    """One-hot encode integer class labels.

    Parameters
    ----------
    x : array-like of int, shape (n,) or (n, 1) or any shape
        Class ids from 0 to ``num_classes - 1``. A trailing axis of size 1 is dropped.
    num_classes : int, optional
        Number of classes; defaults to ``max(x) + 1``.

    Returns
    -------
    ndarray, shape ``x.shape + (num_classes,)`` (float64, as Keras 3 returns).

    Example
    -------
    >>> to_categorical([1, 0], num_classes=3).shape
    (2, 3)
    """
    x = np.asarray(x)
    if x.size and not np.all(np.equal(np.mod(x, 1), 0)):
        raise ValueError("to_categorical expects integer class labels. "
                         f"Received non-integer values, e.g. {x.ravel()[np.mod(x.ravel(), 1) != 0][0]!r}.")
    x = x.astype("int64")
    if x.ndim > 1 and x.shape[-1] == 1:
        x = x.reshape(x.shape[:-1])
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 0
    if x.size and (x.min() < 0 or x.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes - 1}] for "
                         f"num_classes={num_classes}. Received labels from {x.min()} to {x.max()}.")
    out = np.zeros(x.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, x[..., None], 1, axis=-1)
    return out


def normalize(x, axis=-1, order=2):
    """Scale ``x`` to unit ``order``-norm along ``axis`` (zero vectors stay zero).

    Example
    -------
    >>> normalize([[3.0, 4.0]])
    array([[0.6, 0.8]])
    """
    x = np.asarray(x, dtype="float64" if np.asarray(x).dtype.kind in "iub" else None)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


def to_ordinal(x, num_classes=None, dtype="float32"):
    """Ordinal-regression targets: class ``k`` -> ``k`` ones then zeros (``num_classes - 1`` wide).

    >>> to_ordinal([0, 2, 1], num_classes=3).tolist()
    [[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]]
    """
    x = np.asarray(x).astype("int64")
    if x.ndim > 1 and x.shape[-1] == 1:
        x = x[..., 0]
    if num_classes is None:
        num_classes = int(x.max()) + 1
    return (np.arange(num_classes - 1) < x[..., None]).astype(dtype)


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Keras's packing of one batch: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

    >>> pack_x_y_sample_weight([1, 2], [3])
    ([1, 2], [3])
    """
    if y is None:
        return x if not isinstance(x, (tuple, list)) else (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from a batch given as ``x``, ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)`` (missing parts are None).

    >>> unpack_x_y_sample_weight(([1], [2]))
    ([1], [2], None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) == 1:
        return (data[0], None, None)
    if len(data) == 2:
        return (data[0], data[1], None)
    if len(data) == 3:
        return (data[0], data[1], data[2])
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found: {data!r}")


def get_source_inputs(tensor, layer=None, node_index=None):
    """The ``Input`` tensors a symbolic tensor was computed from (Keras's order).

    >>> from pipeseq.layers import Dense, Input
    >>> a = Input((3,), name="a")
    >>> [t.name for t in get_source_inputs(Dense(2)(a))] == [a.name]
    True
    """
    out, seen = [], set()

    def visit(t):
        node = getattr(t, "node", None)
        ins = getattr(node, "inputs", None) if node is not None else None
        if ins is None or (isinstance(ins, (list, tuple)) and not ins):
            if id(t) not in seen:
                seen.add(id(t))
                out.append(t)
            return
        for u in (ins if isinstance(ins, (list, tuple)) else [ins]):
            visit(u)
    for t in (tensor if isinstance(tensor, (list, tuple)) else [tensor]):
        visit(t)
    return out


_INTERACTIVE = [True]


def enable_interactive_logging():
    """Progress bars and training messages go to stdout (the default)."""
    _INTERACTIVE[0] = True


def disable_interactive_logging():
    """Progress bars and training messages go to Python's ``logging`` (logger ``pipeseq``)."""
    _INTERACTIVE[0] = False


def is_interactive_logging_enabled():
    """Whether messages go to stdout (True) or to ``logging`` (False)."""
    return _INTERACTIVE[0]


def print_msg(message, line_break=True, stream=None):
    """Print as Keras's ``io_utils.print_msg``: stdout, or ``logging.info`` when interactive
    logging is disabled."""
    import sys
    if _INTERACTIVE[0]:
        stream = stream or sys.stdout
        stream.write(message + ("\n" if line_break else ""))
        stream.flush()
    else:
        import logging
        logging.getLogger("pipeseq").info(message)


class Config:
    """A dict of named values with attribute access that can be frozen (``keras.utils.Config``).

    Example
    -------
    >>> config = Config(learning_rate=0.1, momentum=0.9)
    >>> config.use_ema = True
    >>> config["seed"] = 123
    >>> config.learning_rate, config["use_ema"], sorted(config.keys())
    (0.1, True, ['learning_rate', 'momentum', 'seed', 'use_ema'])
    >>> config.freeze()
    >>> config.seed = 1
    Traceback (most recent call last):
    ...
    ValueError: Cannot mutate attribute(s) because the config is frozen.
    """

    __attrs__ = None

    def __init__(self, **kwargs):
        self._config = kwargs
        self._frozen = False
        self.__attrs__ = set(dir(self))

    @property
    def frozen(self):
        return self._frozen

    def freeze(self):
        self._frozen = True

    def unfreeze(self):
        self._frozen = False

    def _raise_if_frozen(self):
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen.")

    def as_dict(self):
        return dict(self._config)

    def to_json(self):
        import json
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def pop(self, *args):
        self._raise_if_frozen()
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        self._raise_if_frozen()
        return self._config.update(*args, **kwargs)

    def get(self, keyname, value=None):
        return self._config.get(keyname, value)

    def __setattr__(self, name, value):
        attrs = object.__getattribute__(self, "__attrs__")
        if attrs is None or name in attrs:
            return object.__setattr__(self, name, value)
        self._raise_if_frozen()
        self._config[name] = value

    def __getattr__(self, name):
        attrs = object.__getattribute__(self, "__attrs__")
        if attrs is None or name in attrs:
            return object.__getattribute__(self, name)
        if name in self._config:
            return self._config[name]
        raise AttributeError(f"Unknown attribute: '{name}'.{did_you_mean(name, list(self._config))}")

    def __setitem__(self, key, item):
        self._raise_if_frozen()
        self._config[key] = item

    def __getitem__(self, key):
        return self._config[key]

    def __contains__(self, item):
        return item in self._config

    def __len__(self):
        return len(self._config)

    def __iter__(self):
        return iter(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"
