"""Loss functions with Keras's definitions, each with its gradient.

A loss maps ``(y_true, y_pred)`` to one value per sample (reduced over the last
axis); :class:`Loss` objects also give ``gradient(y_true, y_pred)``, the
derivative of those per-sample values with respect to ``y_pred``. The training
loss is the mean over samples (Keras's ``sum_over_batch_size``).

Example
-------
>>> import numpy as np
>>> from pipeseq.training import losses
>>> float(losses.mean_squared_error(np.array([[1.0, 2.0]]), np.array([[1.0, 4.0]]))[0])
2.0
"""
import numpy as np

from .. import backend

EPS = 1e-7


def _f(a, like=None):
    a = np.asarray(a)
    if a.dtype.kind != "f":
        a = a.astype(like.dtype if like is not None and like.dtype.kind == "f" else backend.floatx())
    return a


def _match(y_true, y_pred):
    """Cast y_true to y_pred's dtype and give it the same rank (Keras squeezes/expands)."""
    y_pred = _f(y_pred)
    y_true = np.asarray(y_true).astype(y_pred.dtype, copy=False)
    if y_true.ndim == y_pred.ndim - 1:
        y_true = y_true[..., None] if y_pred.shape[-1] == 1 else y_true
    elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true, y_pred


def _check_same_shape(name, y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{name}: y_true and y_pred must have the same shape. Received: "
                         f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}")


# --------------------------------------------------------------- the math
# Each entry: value(t, p, **kw) -> per-sample; grad(t, p, **kw) -> d value / d p.

def _cce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / t.shape[axis]
    if from_logits:
        s = p - p.max(axis=axis, keepdims=True)
        logsm = s - np.log(np.exp(s).sum(axis=axis, keepdims=True))
        return -(t * logsm).sum(axis=axis)
    o = p / p.sum(axis=axis, keepdims=True)
    return -(t * np.log(np.clip(o, EPS, 1.0 - EPS))).sum(axis=axis)


def _cce_grad(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / t.shape[axis]
    if from_logits:
        e = np.exp(p - p.max(axis=axis, keepdims=True))
        sm = e / e.sum(axis=axis, keepdims=True)
        return sm * t.sum(axis=axis, keepdims=True) - t
    s = p.sum(axis=axis, keepdims=True)
    o = p / s
    inside = (o > EPS) & (o < 1.0 - EPS)
    d_o = np.where(inside, -t / np.clip(o, EPS, 1.0 - EPS), 0.0)
    return (d_o - (d_o * o).sum(axis=axis, keepdims=True)) / s


def _cce_value_and_grad(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    """``(_cce(...), _cce_grad(...))`` computed together, sharing the normalisation and clip."""
    if from_logits:
        return (_cce(t, p, from_logits, label_smoothing, axis),
                _cce_grad(t, p, from_logits, label_smoothing, axis))
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / t.shape[axis]
    s = p.sum(axis=axis, keepdims=True)
    o = p / s
    oc = np.clip(o, EPS, 1.0 - EPS)
    value = -(t * np.log(oc)).sum(axis=axis)
    d_o = -t / oc
    d_o[~((o > EPS) & (o < 1.0 - EPS))] = 0.0     # no gradient where the clip is active
    return value, (d_o - (d_o * o).sum(axis=axis, keepdims=True)) / s


def _bce_value_and_grad(t, p, from_logits=False, label_smoothing=0.0):
    """``(_bce(...), _bce_grad(...))`` computed together, sharing the clip."""
    if from_logits:
        return (_bce(t, p, from_logits, label_smoothing),
                _bce_grad(t, p, from_logits, label_smoothing))
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    o = np.clip(p, EPS, 1.0 - EPS)
    one_minus = 1.0 - o
    value = -(t * np.log(o) + (1.0 - t) * np.log(one_minus)).mean(axis=-1)
    grad = (o - t) / (o * one_minus)
    grad[~((p > EPS) & (p < 1.0 - EPS))] = 0.0    # no gradient where the clip is active
    grad /= p.shape[-1]
    return value, grad


def _sparse_to_onehot(t, p, ignore_class=None):
    t = np.asarray(t)
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    idx = t.astype("int64")
    n = p.shape[-1]
    bad = (idx < 0) | (idx >= n)
    if ignore_class is not None:
        bad &= idx != ignore_class
    if bad.any():
        raise ValueError(f"sparse_categorical_crossentropy: labels must be integers in [0, {n - 1}] "
                         f"for a model with {n} outputs. Received a label of {idx[bad].ravel()[0]}.")
    onehot = np.zeros(p.shape, dtype=p.dtype)
    keep = np.ones(idx.shape, bool) if ignore_class is None else idx != ignore_class
    np.put_along_axis(onehot, np.where(keep, idx, 0)[..., None], keep[..., None].astype(p.dtype), axis=-1)
    return onehot


def _bce(t, p, from_logits=False, label_smoothing=0.0):
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        v = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
    else:
        o = np.clip(p, EPS, 1.0 - EPS)
        v = -(t * np.log(o) + (1.0 - t) * np.log(1.0 - o))
    return v.mean(axis=-1)


def _bce_grad(t, p, from_logits=False, label_smoothing=0.0):
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    n = p.shape[-1]
    if from_logits:
        sig = 1.0 / (1.0 + np.exp(-p))
        return (sig - t) / n
    inside = (p > EPS) & (p < 1.0 - EPS)
    o = np.clip(p, EPS, 1.0 - EPS)
    return np.where(inside, (o - t) / (o * (1.0 - o)), 0.0) / n


def _binary_labels(t):
    # Keras hinge losses turn {0, 1} labels into {-1, 1}.
    if np.all((t == 0) | (t == 1)):
        return 2.0 * t - 1.0
    return t


def _l2n(x, axis=-1):
    return x / np.sqrt(np.maximum((x * x).sum(axis=axis, keepdims=True), 1e-12))


def _cos(t, p, axis=-1):
    return -(_l2n(t, axis) * _l2n(p, axis)).sum(axis=axis)


def _cos_grad(t, p, axis=-1):
    sq = (p * p).sum(axis=axis, keepdims=True)
    norm = np.sqrt(np.maximum(sq, 1e-12))
    tn, pn = _l2n(t, axis), p / norm
    g = -(tn - pn * (tn * pn).sum(axis=axis, keepdims=True)) / norm
    return np.where(sq > 1e-12, g, -tn / norm)


def _huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.where(e <= delta, 0.5 * e * e, delta * e - 0.5 * delta * delta).mean(axis=-1)


def _huber_grad(t, p, delta=1.0):
    e = p - t
    return np.clip(e, -delta, delta) / p.shape[-1]


def _log_cosh(t, p):
    x = p - t
    return (x + np.logaddexp(0.0, -2.0 * x) - np.log(2.0)).mean(axis=-1)


_MATH = {
    "categorical_crossentropy": (_cce, _cce_grad),
    "binary_crossentropy": (_bce, _bce_grad),
    "mean_squared_error": (lambda t, p: np.square(p - t).mean(axis=-1),
                           lambda t, p: 2.0 * (p - t) / p.shape[-1]),
    "mean_absolute_error": (lambda t, p: np.abs(p - t).mean(axis=-1),
                            lambda t, p: np.sign(p - t) / p.shape[-1]),
    "mean_absolute_percentage_error": (
        lambda t, p: 100.0 * (np.abs(t - p) / np.maximum(np.abs(t), EPS)).mean(axis=-1),
        lambda t, p: 100.0 * np.sign(p - t) / np.maximum(np.abs(t), EPS) / p.shape[-1]),
    "mean_squared_logarithmic_error": (
        lambda t, p: np.square(np.log(np.maximum(p, EPS) + 1.0) - np.log(np.maximum(t, EPS) + 1.0)).mean(axis=-1),
        lambda t, p: 2.0 * (np.log(np.maximum(p, EPS) + 1.0) - np.log(np.maximum(t, EPS) + 1.0))
        / (np.maximum(p, EPS) + 1.0) * (p > EPS) / p.shape[-1]),
    "hinge": (lambda t, p: np.maximum(1.0 - _binary_labels(t) * p, 0.0).mean(axis=-1),
              lambda t, p: -_binary_labels(t) * (1.0 - _binary_labels(t) * p > 0) / p.shape[-1]),
    "squared_hinge": (
        lambda t, p: np.square(np.maximum(1.0 - _binary_labels(t) * p, 0.0)).mean(axis=-1),
        lambda t, p: -2.0 * _binary_labels(t) * np.maximum(1.0 - _binary_labels(t) * p, 0.0) / p.shape[-1]),
    "categorical_hinge": (
        lambda t, p: np.maximum(((1.0 - t) * p).max(axis=-1) - (t * p).sum(axis=-1) + 1.0, 0.0),
        lambda t, p: _categorical_hinge_grad(t, p)),
    "kl_divergence": (
        lambda t, p: (np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1))).sum(axis=-1),
        lambda t, p: -np.clip(t, EPS, 1) / np.clip(p, EPS, 1) * ((p > EPS) & (p < 1))),
    "poisson": (lambda t, p: (p - t * np.log(p + EPS)).mean(axis=-1),
                lambda t, p: (1.0 - t / (p + EPS)) / p.shape[-1]),
    "cosine_similarity": (_cos, _cos_grad),
    "huber": (_huber, _huber_grad),
    "log_cosh": (_log_cosh, lambda t, p: np.tanh(p - t) / p.shape[-1]),
}


def _categorical_hinge_grad(t, p):
    neg_terms = (1.0 - t) * p
    arg = np.argmax(neg_terms, axis=-1)
    active = (neg_terms.max(axis=-1) - (t * p).sum(axis=-1) + 1.0) > 0
    g = -t.copy()
    np.put_along_axis(g, arg[..., None], np.take_along_axis(g, arg[..., None], -1) + (1.0 - np.take_along_axis(t, arg[..., None], -1)), axis=-1)
    return g * active[..., None]


# Value and gradient in one pass, for the losses where that saves work (training uses both).
_JOINT = {"categorical_crossentropy": _cce_value_and_grad,
          "binary_crossentropy": _bce_value_and_grad}

ALIASES = {
    "mse": "mean_squared_error", "MSE": "mean_squared_error",
    "mae": "mean_absolute_error", "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error", "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error", "MSLE": "mean_squared_logarithmic_error",
    "kld": "kl_divergence", "KLD": "kl_divergence", "kullback_leibler_divergence": "kl_divergence",
    "logcosh": "log_cosh", "huber_loss": "huber", "cosine_proximity": "cosine_similarity",
}

CLASS_NAMES = {
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "binary_crossentropy": "BinaryCrossentropy", "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
    "mean_absolute_percentage_error": "MeanAbsolutePercentageError",
    "mean_squared_logarithmic_error": "MeanSquaredLogarithmicError", "hinge": "Hinge",
    "squared_hinge": "SquaredHinge", "categorical_hinge": "CategoricalHinge",
    "kl_divergence": "KLDivergence", "poisson": "Poisson", "cosine_similarity": "CosineSimilarity",
    "huber": "Huber", "log_cosh": "LogCosh",
}
ALL_NAMES = sorted(set(CLASS_NAMES) | set(ALIASES))
_EXTRA_FUNCTIONS = {}     # Keras 3's newer losses by function name (training.extra_losses)


def register_extra_losses(classes, by_function_name):
    """Make loss classes resolvable by class name (configs) and function name (strings)."""
    LOSS_CLASSES.update(classes)
    _EXTRA_FUNCTIONS.update(by_function_name)
    ALL_NAMES.extend(sorted(by_function_name))


# Losses written by the user (training.custom_losses registers itself here when imported, as
# pipeseq.training does): "class" wraps a function, "from_subclass" a Loss subclass with call().
_FUNCTION_LOSS = {}


def register_function_loss(cls, from_subclass):
    _FUNCTION_LOSS.update({"class": cls, "from_subclass": from_subclass})


def _snake(name):
    import re
    return re.sub("([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class Loss:
    """A loss with its gradient: ``loss(y_true, y_pred)`` -> per-sample values.

    Parameters
    ----------
    name : str
        Keras function name, e.g. ``"categorical_crossentropy"``.
    **kwargs :
        Options such as ``from_logits``, ``label_smoothing``, ``delta``.
    """

    def __init__(self, fn_name=None, name=None, reduction="sum_over_batch_size", dtype=None,
                 **kwargs):
        # Keras-style subclasses call ``super().__init__(name=..., reduction=...)`` and define
        # ``call(y_true, y_pred)``; they have no ``fn_name`` (see custom_losses).
        self.fn_name = fn_name
        self.name = name or fn_name or _snake(type(self).__name__)
        self.reduction = reduction
        self.kwargs = kwargs

    def _prepare(self, y_true, y_pred):
        y_pred = _f(y_pred)
        if self.fn_name == "sparse_categorical_crossentropy":
            return _sparse_to_onehot(y_true, y_pred, self.kwargs.get("ignore_class")), y_pred
        y_true, y_pred = _match(y_true, y_pred)
        _check_same_shape(self.name, y_true, y_pred)
        return y_true, y_pred

    def _math(self):
        key = "categorical_crossentropy" if self.fn_name == "sparse_categorical_crossentropy" else self.fn_name
        kw = {k: v for k, v in self.kwargs.items() if k != "ignore_class"}
        return _MATH[key], kw

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Per-sample loss values, shape ``y_pred.shape[:-1]`` (a Keras-style subclass: the reduced loss)."""
        if self.fn_name is None:
            return _FUNCTION_LOSS["from_subclass"](self)(y_true, y_pred, sample_weight)
        t, p = self._prepare(y_true, y_pred)
        (value, _), kw = self._math()
        return value(t, p, **kw).astype(p.dtype, copy=False)

    def gradient(self, y_true, y_pred):
        """d(per-sample loss)/d y_pred, same shape as ``y_pred``."""
        t, p = self._prepare(y_true, y_pred)
        (_, grad), kw = self._math()
        return grad(t, p, **kw).astype(p.dtype, copy=False)

    def value_and_gradient(self, y_true, y_pred):
        """``(self(y_true, y_pred), self.gradient(y_true, y_pred))``, preparing the inputs once."""
        cls = type(self)
        if cls.__call__ is not Loss.__call__ or cls.gradient is not Loss.gradient:
            return self(y_true, y_pred), self.gradient(y_true, y_pred)   # a subclass's own math
        t, p = self._prepare(y_true, y_pred)
        (value, grad), kw = self._math()
        key = "categorical_crossentropy" if self.fn_name == "sparse_categorical_crossentropy" \
            else self.fn_name
        if key in _JOINT:
            v, g = _JOINT[key](t, p, **kw)
        else:
            v, g = value(t, p, **kw), grad(t, p, **kw)
        return v.astype(p.dtype, copy=False), g.astype(p.dtype, copy=False)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, **self.kwargs}

    def __repr__(self):
        return f"<Loss {self.name}>"


def _make_fn(name):
    def fn(y_true, y_pred, **kwargs):
        return Loss(name, **kwargs)(y_true, y_pred)
    fn.__name__ = name
    fn.__doc__ = f"Keras ``{name}``: one value per sample (reduced over the last axis)."
    return fn


categorical_crossentropy = _make_fn("categorical_crossentropy")
sparse_categorical_crossentropy = _make_fn("sparse_categorical_crossentropy")
binary_crossentropy = _make_fn("binary_crossentropy")
mean_squared_error = mse = MSE = _make_fn("mean_squared_error")
mean_absolute_error = mae = MAE = _make_fn("mean_absolute_error")
mean_absolute_percentage_error = mape = MAPE = _make_fn("mean_absolute_percentage_error")
mean_squared_logarithmic_error = msle = MSLE = _make_fn("mean_squared_logarithmic_error")
hinge = _make_fn("hinge")
squared_hinge = _make_fn("squared_hinge")
categorical_hinge = _make_fn("categorical_hinge")
kl_divergence = kld = KLD = kullback_leibler_divergence = _make_fn("kl_divergence")
poisson = _make_fn("poisson")
cosine_similarity = _make_fn("cosine_similarity")
huber = _make_fn("huber")
log_cosh = logcosh = _make_fn("log_cosh")

_FUNCTIONS = {n: globals()[n] for n in CLASS_NAMES}


def _class_factory(fn_name, defaults):
    class_name = CLASS_NAMES[fn_name]

    def __init__(self, name=None, reduction="sum_over_batch_size", **kwargs):
        unknown = set(kwargs) - set(defaults) - {"dtype"}
        if unknown:
            from ..utils import did_you_mean
            bad = sorted(unknown)[0]
            raise TypeError(f"{class_name}: unrecognized argument {bad!r}."
                            f"{did_you_mean(bad, list(defaults))} Accepted: {sorted(defaults)}")
        kwargs.pop("dtype", None)
        Loss.__init__(self, fn_name, name=name or fn_name, reduction=reduction,
                      **{**defaults, **kwargs})
    return type(class_name, (Loss,), {"__init__": __init__, "__doc__": f"Keras ``{class_name}`` loss."})


_CLASS_DEFAULTS = {
    "categorical_crossentropy": {"from_logits": False, "label_smoothing": 0.0, "axis": -1},
    "sparse_categorical_crossentropy": {"from_logits": False, "ignore_class": None},
    "binary_crossentropy": {"from_logits": False, "label_smoothing": 0.0},
    "huber": {"delta": 1.0}, "cosine_similarity": {"axis": -1},
}
for _n, _c in CLASS_NAMES.items():
    globals()[_c] = _class_factory(_n, _CLASS_DEFAULTS.get(_n, {}))
LOSS_CLASSES = {c: globals()[c] for c in CLASS_NAMES.values()}


def get(identifier):
    """Resolve a loss given as a name/alias, a Keras config dict, a Loss, or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, type) and issubclass(identifier, Loss) and \
            identifier.__dict__.get("call") is not None:
        identifier = identifier()
    if isinstance(identifier, Loss):
        if identifier.fn_name is None:       # a Keras-style subclass defining call()
            return _FUNCTION_LOSS["from_subclass"](identifier)
        return identifier
    if isinstance(identifier, dict):
        cls = LOSS_CLASSES.get(identifier.get("class_name"))
        if cls is None:
            raise ValueError(f"Unknown loss class {identifier.get('class_name')!r} in config.")
        cfg = {k: v for k, v in identifier.get("config", {}).items() if k not in ("reduction",)}
        cfg.pop("fn", None)
        return cls(**cfg)
    if callable(identifier):
        name = getattr(identifier, "__name__", None)
        if name in _FUNCTIONS and _FUNCTIONS[name] is identifier:
            return Loss(name)
        if name in _EXTRA_FUNCTIONS and getattr(_EXTRA_FUNCTIONS[name], "_fn", None) is identifier:
            return _EXTRA_FUNCTIONS[name]()
        if isinstance(identifier, type) and issubclass(identifier, Loss):
            return identifier()
        return _FUNCTION_LOSS["class"](identifier)
    name = str(identifier)
    fn_name = ALIASES.get(name, name)
    if fn_name in _EXTRA_FUNCTIONS:
        return _EXTRA_FUNCTIONS[fn_name]()
    if fn_name in CLASS_NAMES:
        return Loss(fn_name, name=name)
    from ..utils import did_you_mean
    raise ValueError(f"Unknown loss function: {identifier!r}.{did_you_mean(name, ALL_NAMES)} "
                     f"Expected one of: {', '.join(sorted(CLASS_NAMES))} (or aliases "
                     f"{', '.join(sorted(ALIASES))}), or a function f(y_true, y_pred).")


def serialize(loss):
    if isinstance(loss, Loss) and loss.fn_name in (None, "custom"):
        return loss.name
    if isinstance(loss, Loss) and type(loss).__name__ in LOSS_CLASSES and loss.fn_name not in CLASS_NAMES:
        return {"module": "keras.losses", "class_name": type(loss).__name__,
                "config": loss.get_config(), "registered_name": None}
    if isinstance(loss, Loss):
        if loss.kwargs or loss.name not in (loss.fn_name,):
            return {"module": "keras.losses", "class_name": CLASS_NAMES[loss.fn_name],
                    "config": loss.get_config(), "registered_name": None}
        return loss.fn_name
    return loss
