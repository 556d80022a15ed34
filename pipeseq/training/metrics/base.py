"""Metrics: running means over an epoch, weighted by batch size (as Keras does).

Example
-------
>>> import numpy as np
>>> from pipeseq.training.metrics import get
>>> m = get("binary_accuracy")
>>> m.update_state(np.array([[1], [0]]), np.array([[0.9], [0.8]]))
>>> float(m.result())
0.5
"""
import numpy as np

from .. import losses as losses_mod
from ...utils import did_you_mean


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = losses_mod._match(y_true, y_pred)
    return (y_true == (y_pred > threshold)).mean(axis=-1)


def categorical_accuracy(y_true, y_pred):
    y_true = np.asarray(y_true)
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype("float32")


def sparse_categorical_accuracy(y_true, y_pred):
    y_true = np.asarray(y_true)
    if y_true.ndim == np.ndim(y_pred) and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return (y_true.astype("int64") == np.argmax(y_pred, axis=-1)).astype("float32")


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    return sparse_top_k_categorical_accuracy(np.argmax(np.asarray(y_true), axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_true = np.asarray(y_true)
    if y_true.ndim == np.ndim(y_pred) and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    y_pred = np.asarray(y_pred)
    k = min(k, y_pred.shape[-1])
    true_score = np.take_along_axis(y_pred, y_true.astype("int64")[..., None], axis=-1)
    # in top k  <=>  fewer than k scores are strictly larger
    return ((y_pred > true_score).sum(axis=-1) < k).astype("float32")


_FUNCTIONS = {
    "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
}
for _n in list(losses_mod.CLASS_NAMES) + ["sparse_categorical_crossentropy"]:
    _FUNCTIONS[_n] = getattr(losses_mod, _n)
_ALIASES = dict(losses_mod.ALIASES)
_ALIASES.update({"acc": "accuracy", "ce": "crossentropy"})
ALL_NAMES = sorted(set(_FUNCTIONS) | set(_ALIASES) | {"accuracy", "crossentropy"})


class Metric:
    """Base class: ``update_state``, ``result``, ``reset_state``."""

    def __init__(self, name=None, dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = dtype or "float32"
        self._variables = []
        try:
            self.reset_state()
        except AttributeError:    # a Keras-style subclass creates its variables after this
            pass

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum",
                     name=None):
        """A state variable (Keras 3): update it with ``assign`` / ``assign_add`` in update_state."""
        from ... import initializers
        from ...variables import Variable
        shape = (int(shape),) if isinstance(shape, int) else tuple(shape)
        dtype = dtype or self.dtype
        value = np.asarray(initializers.get(initializer)(shape, dtype=dtype), dtype=dtype)
        var = Variable(value, name or f"variable_{len(self._variables)}", trainable=False,
                       path=f"{self.name}/{name or 'variable'}")
        var.initial_value = value.copy()
        self._variables.append(var)
        return var

    add_weight = add_variable

    @property
    def variables(self):
        return list(getattr(self, "_variables", ()))

    def reset_state(self):
        variables = getattr(self, "_variables", ())
        if variables:                 # a Keras-style metric: its variables back to their start
            for v in variables:
                v.assign(v.initial_value)
            return
        self.total, self.count = 0.0, 0.0

    def result(self):
        return self.total / self.count if self.count else 0.0

    def get_config(self):
        return {"name": self.name, "dtype": getattr(self, "dtype", "float32")}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def snake_case(name):
    """Keras's automatic metric name: ``"TruePositives"`` -> ``"true_positives"``."""
    import re
    s = re.sub(r"\W+", "", re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name))
    return re.sub("([a-z])([A-Z])", r"\1_\2", s).lower()


_REGISTRY = {}    # Keras class name and its snake_case form -> metric class


def register(cls):
    """Make a metric class resolvable by ``get`` under its class name and snake_case name."""
    _REGISTRY[cls.__name__] = cls
    _REGISTRY.setdefault(snake_case(cls.__name__), cls)
    return cls


class Mean(Metric):
    """Weighted mean of the values passed to ``update_state``."""

    def update_state(self, values, sample_weight=None):
        if type(values) is float and type(sample_weight) in (int, float):   # fit's loss tracker
            self.total += values * sample_weight
            self.count += sample_weight
            return
        values = np.asarray(values, dtype="float64")
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += values.size
        else:
            sw = np.broadcast_to(np.asarray(sample_weight, dtype="float64").reshape(
                np.shape(sample_weight) + (1,) * (values.ndim - np.ndim(sample_weight))), values.shape)
            self.total += float((values * sw).sum())
            self.count += float(sw.sum())


class MeanMetricWrapper(Mean):
    """Mean of ``fn(y_true, y_pred)`` per sample."""

    def __init__(self, fn, name=None, **kwargs):
        self.fn, self.kwargs = fn, kwargs
        super().__init__(name=name or getattr(fn, "__name__", "metric"))

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self.fn(y_true, y_pred, **self.kwargs)
        super().update_state(values, sample_weight)


def _class(name, fn, defaults=None):
    defaults = defaults or {}
    cls_name = name

    def __init__(self, name=None, dtype=None, **kwargs):
        unknown = set(kwargs) - set(defaults)
        if unknown:
            bad = sorted(unknown)[0]
            raise TypeError(f"{cls_name}: unrecognized argument {bad!r}."
                            f"{did_you_mean(bad, list(defaults))} Accepted: "
                            f"{['name', 'dtype', *defaults]}. Received: {bad}={kwargs[bad]!r}")
        MeanMetricWrapper.__init__(self, fn, name=name or fn.__name__, **{**defaults, **kwargs})
    return type(name, (MeanMetricWrapper,), {"__init__": __init__})


BinaryAccuracy = _class("BinaryAccuracy", binary_accuracy, {"threshold": 0.5})
CategoricalAccuracy = _class("CategoricalAccuracy", categorical_accuracy)
SparseCategoricalAccuracy = _class("SparseCategoricalAccuracy", sparse_categorical_accuracy)
TopKCategoricalAccuracy = _class("TopKCategoricalAccuracy", top_k_categorical_accuracy, {"k": 5})
SparseTopKCategoricalAccuracy = _class("SparseTopKCategoricalAccuracy",
                                       sparse_top_k_categorical_accuracy, {"k": 5})
METRIC_CLASSES = {c.__name__: c for c in (BinaryAccuracy, CategoricalAccuracy,
                                          SparseCategoricalAccuracy, TopKCategoricalAccuracy,
                                          SparseTopKCategoricalAccuracy)}


def resolve_accuracy(y_true_shape, y_pred_shape, loss_name=None):
    """Pick binary / sparse / categorical accuracy the way Keras 3 does from the shapes."""
    if y_pred_shape[-1] == 1 or loss_name == "binary_crossentropy":
        return binary_accuracy
    if loss_name == "sparse_categorical_crossentropy" or len(y_true_shape) < len(y_pred_shape) or (
            y_true_shape[-1] == 1 and y_pred_shape[-1] > 1):
        return sparse_categorical_accuracy
    return categorical_accuracy


def resolve_crossentropy(y_true_shape, y_pred_shape, loss_name=None):
    fn = resolve_accuracy(y_true_shape, y_pred_shape, loss_name)
    return {binary_accuracy: losses_mod.binary_crossentropy,
            sparse_categorical_accuracy: losses_mod.sparse_categorical_crossentropy,
            categorical_accuracy: losses_mod.categorical_crossentropy}[fn]


class _ShapeResolved(MeanMetricWrapper):
    """``"accuracy"``/``"acc"``/``"crossentropy"``: the function is chosen at the first batch."""

    def __init__(self, kind, name, loss_name=None):
        self.kind, self.loss_name = kind, loss_name
        super().__init__(None, name=name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.fn is None:
            resolver = resolve_accuracy if self.kind == "accuracy" else resolve_crossentropy
            self.fn = resolver(np.shape(y_true), np.shape(y_pred), self.loss_name)
        super().update_state(y_true, y_pred, sample_weight)


def get(identifier, loss_name=None, name=None):
    """Resolve a metric: a name, a Metric, a Loss, or a function ``f(y_true, y_pred)``."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, losses_mod.Loss):
        return MeanMetricWrapper(identifier, name=name or identifier.name)
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=name or getattr(identifier, "__name__", "metric"))
    if isinstance(identifier, dict) and "class_name" in identifier:
        cls = _REGISTRY.get(identifier["class_name"])
        if cls is None:
            raise ValueError(f"Unknown metric class {identifier['class_name']!r} in config. "
                             f"Known: {', '.join(sorted(c for c in _REGISTRY if c[0].isupper()))}")
        return cls.from_config(dict(identifier.get("config") or {}))
    ident = str(identifier)
    key = _ALIASES.get(ident, ident)
    if key in ("accuracy", "crossentropy"):
        return _ShapeResolved(key, name or ident, loss_name)
    if key in _FUNCTIONS:
        return MeanMetricWrapper(_FUNCTIONS[key], name=name or ident)
    if key in _REGISTRY:
        return _REGISTRY[key]() if name is None else _REGISTRY[key](name=name)
    known = sorted(set(ALL_NAMES) | set(_REGISTRY))
    raise ValueError(f"Unknown metric: {identifier!r}.{did_you_mean(ident, known)} "
                     f"Expected one of: {', '.join(known)}, or a function f(y_true, y_pred).")
