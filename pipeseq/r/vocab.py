"""R keras's function vocabulary for training objects: ``optimizer_*``, ``loss_*``,
``metric_*``, ``callback_*``, ``initializer_*``, ``regularizer_*``, ``constraint_*``.

They are thin constructors over pipeseq's classes (no math here).

* ``optimizer_sgd(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)``: both
  ``lr`` (R keras <= 2.5) and ``learning_rate`` are accepted.
* ``loss_binary_crossentropy`` works uncalled (``loss = loss_binary_crossentropy``),
  called with options (``loss_binary_crossentropy(from_logits=True)``) -> a loss
  object, or called on data (``loss_binary_crossentropy(y_true, y_pred)``) ->
  per-sample values, as in R keras3.
* ``metric_binary_accuracy`` likewise: uncalled it is a metric function, called
  with options it is a metric object, called on data it computes.

Example
-------
>>> import numpy as np
>>> from pipeseq import loss_mean_squared_error, optimizer_rmsprop
>>> loss_mean_squared_error(np.zeros((2, 1)), np.ones((2, 1)))
array([1., 1.])
>>> optimizer_rmsprop(lr=0.002).learning_rate
0.002
"""
import inspect

from .. import initializers, regularizers
from ..regularizers import L1, L1L2, L2
from ..training import callbacks, losses, metrics, optimizers
from ..training.metrics import Mean

__all__ = []


def _export(name, obj):
    globals()[name] = obj
    __all__.append(name)
    return obj


# ------------------------------------------------------------------ optimizers
_OPTIMIZERS = {
    "optimizer_sgd": "SGD", "optimizer_rmsprop": "RMSprop", "optimizer_adam": "Adam",
    "optimizer_adagrad": "Adagrad", "optimizer_adadelta": "Adadelta",
    "optimizer_adamax": "Adamax", "optimizer_nadam": "Nadam",
}


def _make_optimizer(r_name, cls_name):
    cls = getattr(optimizers, cls_name)

    def fn(learning_rate=None, *args, lr=None, **kwargs):
        if lr is not None and learning_rate is not None:
            raise ValueError(f"{r_name}(): give `learning_rate` or its old name `lr`, not both. "
                             f"Received: learning_rate={learning_rate}, lr={lr}")
        if lr is not None:
            learning_rate = lr
        if learning_rate is not None:
            kwargs["learning_rate"] = learning_rate
        return cls(*args, **kwargs)
    sig = str(inspect.signature(cls.__init__)).replace("(self, ", "(")
    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = (f"The ``{cls_name}`` optimizer (R ``{r_name}()``).\n\n"
                  f"Parameters\n----------\nlearning_rate : float (also ``lr=``, R keras <= 2.5)\n"
                  f"**kwargs :\n    As ``{cls_name}{sig}``; ``decay`` (Keras 2's\n"
                  "    ``lr / (1 + decay * iterations)``), ``clipnorm``, ``clipvalue`` also work.\n\n"
                  f"Returns\n-------\n{cls_name}\n\n"
                  f"Example\n-------\n>>> opt = {r_name}(learning_rate=0.01)\n"
                  f">>> model | compile(optimizer=opt, loss='mse')   # doctest: +SKIP\n")
    return fn


for _r, _c in _OPTIMIZERS.items():
    _export(_r, _make_optimizer(_r, _c))


# ---------------------------------------------------------------------- losses
def _loss_class():
    return losses


_LOSSES = ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
           "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "hinge", "squared_hinge", "categorical_hinge",
           "kl_divergence", "poisson", "cosine_similarity", "huber", "log_cosh"]
_LOSS_ALIASES = {"kullback_leibler_divergence": "kl_divergence", "logcosh": "log_cosh",
                 "cosine_proximity": "cosine_similarity"}


def _make_loss(r_name, fn_name):
    losses = _loss_class()
    cls = losses.LOSS_CLASSES[losses.CLASS_NAMES[fn_name]]

    class RLoss(cls):
        def __init__(self):
            cls.__init__(self)

        def __call__(self, y_true=None, y_pred=None, sample_weight=None, **kwargs):
            if y_true is None and y_pred is None:
                return cls(**kwargs)       # loss_x(from_logits=TRUE) -> a loss object
            if y_true is None or y_pred is None:
                raise TypeError(f"{r_name}(): give both y_true and y_pred, or neither (to get "
                                "a loss object).")
            if kwargs:
                return cls(**kwargs)(y_true, y_pred)
            return cls.__call__(self, y_true, y_pred)

        def __repr__(self):
            return f"<{r_name}>"

    RLoss.__name__ = RLoss.__qualname__ = r_name
    RLoss.__doc__ = (
        f"Keras ``{fn_name}`` loss (R ``{r_name}``).\n\n"
        "Usable three ways, as in R keras3:\n\n"
        f"* uncalled, ``compile(loss={r_name})``;\n"
        f"* with options, ``{r_name}(name=..., ...)`` -> a ``{cls.__name__}`` object;\n"
        f"* on data, ``{r_name}(y_true, y_pred)`` -> per-sample values (last axis reduced).\n\n"
        "Parameters\n----------\ny_true, y_pred : arrays, optional\n"
        f"**kwargs :\n    Options of Keras's ``{cls.__name__}`` (e.g. ``from_logits``).\n\n"
        f"Example\n-------\n>>> model | compile(optimizer='rmsprop', loss={r_name})   # doctest: +SKIP\n")
    obj = RLoss()
    obj.__name__ = r_name
    return obj


for _n in _LOSSES:
    _export("loss_" + _n, _make_loss("loss_" + _n, _n))
for _a, _n in _LOSS_ALIASES.items():
    _export("loss_" + _a, _make_loss("loss_" + _a, _n))


# --------------------------------------------------------------------- metrics
def _make_metric(r_name, key, cls_name=None):

    base_fn = metrics._FUNCTIONS[key]
    cls = metrics.METRIC_CLASSES.get(cls_name) if cls_name else None

    def fn(y_true=None, y_pred=None, **kwargs):
        if y_true is None and y_pred is None:
            name = kwargs.pop("name", key)
            kwargs.pop("dtype", None)
            if cls is not None:
                return cls(name=name, **kwargs)
            return metrics.MeanMetricWrapper(base_fn, name=name, **kwargs)
        if y_true is None or y_pred is None:
            raise TypeError(f"{r_name}(): give both y_true and y_pred, or neither (to get a "
                            "metric object).")
        return base_fn(y_true, y_pred, **kwargs)
    fn.__name__ = key          # the name Keras logs it under (e.g. "binary_accuracy")
    fn.__qualname__ = r_name
    fn.__doc__ = (
        f"Keras ``{key}`` metric (R ``{r_name}``).\n\n"
        f"Uncalled (``metrics={r_name}``) it is the metric function; with options only\n"
        f"(``{r_name}(name='acc')``) it returns a metric object; on data\n"
        f"(``{r_name}(y_true, y_pred)``) it returns per-sample values.\n\n"
        "Parameters\n----------\ny_true, y_pred : arrays, optional\n"
        "**kwargs :\n    Metric options (``name``, and e.g. ``threshold``, ``k``).\n\n"
        f"Example\n-------\n>>> model | compile(optimizer='rmsprop', loss='binary_crossentropy',\n"
        f"...                 metrics={r_name})                 # doctest: +SKIP\n")
    return fn


_METRICS = {
    "binary_accuracy": "BinaryAccuracy", "categorical_accuracy": "CategoricalAccuracy",
    "sparse_categorical_accuracy": "SparseCategoricalAccuracy",
    "top_k_categorical_accuracy": "TopKCategoricalAccuracy",
    "sparse_top_k_categorical_accuracy": "SparseTopKCategoricalAccuracy",
    "binary_crossentropy": None, "categorical_crossentropy": None,
    "sparse_categorical_crossentropy": None, "mean_squared_error": None,
    "mean_absolute_error": None, "mean_absolute_percentage_error": None,
    "mean_squared_logarithmic_error": None, "hinge": None, "squared_hinge": None,
    "categorical_hinge": None, "kl_divergence": None, "poisson": None,
    "cosine_similarity": None, "log_cosh": None,
}
for _n, _c in _METRICS.items():
    _export("metric_" + _n, _make_metric("metric_" + _n, _n, _c))


def metric_mean(values=None, name="mean", dtype=None):
    """A running (weighted) mean metric object (R ``metric_mean()``).

    Example
    -------
    >>> m = metric_mean()
    >>> m.update_state([1.0, 3.0]); float(m.result())
    2.0
    """
    m = Mean(name=name)
    if values is not None:
        m.update_state(values)
    return m


_export("metric_mean", metric_mean)


# ------------------------------------------------------------------- callbacks
_CALLBACKS = {
    "callback_early_stopping": "EarlyStopping",
    "callback_model_checkpoint": "ModelCheckpoint",
    "callback_csv_logger": "CSVLogger",
    "callback_reduce_lr_on_plateau": "ReduceLROnPlateau",
    "callback_learning_rate_scheduler": "LearningRateScheduler",
    "callback_terminate_on_nan": "TerminateOnNaN",
    "callback_lambda": "LambdaCallback",
    "callback_progbar_logger": "ProgbarLogger",
}


def _make_callback(r_name, cls_name):
    cls = getattr(callbacks, cls_name)

    def fn(*args, **kwargs):
        return cls(*args, **kwargs)
    sig = str(inspect.signature(cls.__init__)).replace("(self, ", "(").replace("(self)", "()")
    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = (f"The ``{cls_name}`` callback (R ``{r_name}()``): ``{r_name}{sig}``.\n\n"
                  f"Returns\n-------\n{cls_name}\n\n"
                  f"Example\n-------\n>>> cb = {r_name}(...)                  # doctest: +SKIP\n"
                  ">>> model | fit(x, y, callbacks=[cb])   # doctest: +SKIP\n")
    return fn


for _r, _c in _CALLBACKS.items():
    _export(_r, _make_callback(_r, _c))


# ---------------------------------------------------------------- initializers
_INITIALIZERS = {
    "initializer_zeros": "Zeros", "initializer_ones": "Ones", "initializer_constant": "Constant",
    "initializer_random_uniform": "RandomUniform", "initializer_random_normal": "RandomNormal",
    "initializer_truncated_normal": "TruncatedNormal",
    "initializer_variance_scaling": "VarianceScaling",
    "initializer_glorot_uniform": "GlorotUniform", "initializer_glorot_normal": "GlorotNormal",
    "initializer_he_uniform": "HeUniform", "initializer_he_normal": "HeNormal",
    "initializer_lecun_uniform": "LecunUniform", "initializer_lecun_normal": "LecunNormal",
    "initializer_orthogonal": "Orthogonal", "initializer_identity": "Identity",
}


def _make_initializer(r_name, cls_name):
    cls = getattr(initializers, cls_name)

    def fn(*args, **kwargs):
        return cls(*args, **kwargs)
    try:
        sig = str(inspect.signature(cls.__init__)).replace("(self, ", "(").replace("(self)", "()")
    except (TypeError, ValueError):
        sig = "(...)"
    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = (f"The ``{cls_name}`` initializer (R ``{r_name}()``): ``{r_name}{sig}``.\n\n"
                  f"Example\n-------\n>>> init = {r_name}()\n"
                  f">>> layer_dense(units=3, kernel_initializer=init)   # doctest: +SKIP\n")
    return fn


for _r, _c in _INITIALIZERS.items():
    _export(_r, _make_initializer(_r, _c))


# ---------------------------------------------------------- regularizers etc.
def regularizer_l1(l1=0.01):
    """L1 weight penalty ``l1 * sum(|w|)`` (R ``regularizer_l1()``).

    Example
    -------
    >>> layer_dense(units=3, kernel_regularizer=regularizer_l1(0.01))   # doctest: +SKIP
    """
    return L1(l1)


def regularizer_l2(l2=0.01):
    """L2 weight penalty ``l2 * sum(w**2)`` (R ``regularizer_l2()``).

    Example
    -------
    >>> layer_dense(units=3, kernel_regularizer=regularizer_l2(0.001))  # doctest: +SKIP
    """
    return L2(l2)


def regularizer_l1_l2(l1=0.01, l2=0.01):
    """Both penalties (R ``regularizer_l1_l2()``).

    Example
    -------
    >>> layer_dense(units=3, kernel_regularizer=regularizer_l1_l2(l1=0.01, l2=0.01))  # doctest: +SKIP
    """
    return L1L2(l1=l1, l2=l2)


for _f in (regularizer_l1, regularizer_l2, regularizer_l1_l2):
    _export(_f.__name__, _f)

_CONSTRAINTS = {"constraint_maxnorm": "MaxNorm", "constraint_nonneg": "NonNeg",
                "constraint_unitnorm": "UnitNorm", "constraint_minmaxnorm": "MinMaxNorm"}


def _make_constraint(r_name, cls_name):
    cls = getattr(regularizers, cls_name)

    def fn(*args, **kwargs):
        return cls(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = (f"The ``{cls_name}`` weight constraint (R ``{r_name}()``).\n\n"
                  f"Example\n-------\n>>> layer_dense(units=3, kernel_constraint={r_name}())"
                  "   # doctest: +SKIP\n")
    return fn


for _r, _c in _CONSTRAINTS.items():
    _export(_r, _make_constraint(_r, _c))

del _r, _c, _n, _a, _f
