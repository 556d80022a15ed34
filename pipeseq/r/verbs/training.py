"""R verbs that train and run models: ``compile``, ``fit``, ``evaluate``, ``predict``
(and ``predict_classes``/``predict_proba``/``*_on_batch``), ``to_categorical``, ``plot``."""
import builtins
import functools
import warnings

import numpy as np

from ...plotting import plot_history
from ...models.model import Model
from ...training.callbacks import History
from ...utils import to_categorical as _to_categorical
from ..rlist import RList
from .base import PipeVerb, _is_layer, _require_model, _verb

__all__ = ['compile', 'fit', 'evaluate', 'predict', 'predict_classes', 'predict_proba', 'predict_on_batch', 'train_on_batch', 'test_on_batch', 'to_categorical', 'plot']


# ------------------------------------------------------------ training verbs
def _as_list(callbacks):
    """R keras accepts ``callbacks = cb`` for one callback and wraps it in a list."""
    from ...training.callbacks import Callback
    return [callbacks] if isinstance(callbacks, Callback) else callbacks


@_verb()
def compile(object, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, **kwargs):
    """Configure a model for training; returns the model (R ``compile()``).

    Parameters
    ----------
    object : model
    optimizer : str or optimizer (e.g. ``optimizer_rmsprop(lr=0.002)``)
    loss : str, ``loss_*`` object/function, or a function ``f(y_true, y_pred)``
    metrics : str, list, or dict ``{name: fn}``; R's ``c('accuracy', mean_pred = fn)`` is
        ``["accuracy", {"mean_pred": fn}]``.
    loss_weights : list or dict, optional

    Returns
    -------
    The model, compiled in place.

    Example
    -------
    >>> model | compile(optimizer="rmsprop", loss="categorical_crossentropy",
    ...                 metrics="accuracy")                      # doctest: +SKIP
    """
    _require_model(object, "compile")
    if isinstance(metrics, str):
        metrics = [metrics]
    object.compile(optimizer=optimizer, loss=loss, metrics=metrics, loss_weights=loss_weights,
                   **kwargs)
    return object


def _builtin_compile_passthrough(wrapper):
    @functools.wraps(wrapper)
    def outer(*args, **kwargs):
        # builtins.compile(source, filename, mode, ...) still works after `from pipeseq import *`
        if len(args) >= 3 and isinstance(args[0], (str, bytes)) and args[2] in ("exec", "eval", "single"):
            return builtins.compile(*args, **kwargs)
        return wrapper(*args, **kwargs)
    return outer


compile = _builtin_compile_passthrough(compile)


@_verb()
def fit(object, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=1, **kwargs):
    """Train the model; returns the training history (R ``fit()``).

    Parameters
    ----------
    object : model
    x, y : arrays (a list of arrays for several inputs/outputs)
    batch_size : int, default 32
    epochs : int, default 1 (as in keras3)
    verbose : "auto", 0, 1 or 2
    callbacks : a ``callback_*`` object or a list of them (R keras wraps a single one)
    validation_split : float
        Fraction of the data (taken from the end) held out for validation.
    validation_data : (x_val, y_val) tuple or list
    shuffle : bool or "batch"
    class_weight : dict ``{class_id: weight}`` (string keys allowed, as R names)
    sample_weight : array, optional
    initial_epoch : int, default 1
        1-based, as in keras3: the epoch to start counting from.

    Returns
    -------
    History
        ``print(history)`` shows the final epoch; ``plot(history)`` draws it;
        ``history.metrics["loss"]`` and ``history.params`` as R's ``history$metrics$loss``
        and ``history$params``.

    Example
    -------
    >>> history = model | fit(x, y, epochs=10, batch_size=32,
    ...                       validation_split=0.2)              # doctest: +SKIP
    """
    _require_model(object, "fit")
    if not isinstance(initial_epoch, (int, np.integer)) or initial_epoch < 1:
        raise ValueError("fit(): `initial_epoch` is 1-based (the first epoch is 1). "
                         f"Received: initial_epoch={initial_epoch!r}")
    if class_weight is not None:
        class_weight = {int(k): float(v) for k, v in dict(class_weight).items()}
    if isinstance(validation_data, list):
        validation_data = tuple(validation_data)
    history = object.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                         callbacks=_as_list(callbacks), validation_split=validation_split,
                         validation_data=validation_data, shuffle=shuffle,
                         class_weight=class_weight, sample_weight=sample_weight,
                         initial_epoch=int(initial_epoch) - 1, **kwargs)
    history.metrics = history.history      # R: history$metrics$loss (the same lists)
    return history


@_verb()
def evaluate(object, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
             steps=None, callbacks=None, **kwargs):
    """Loss and metrics on test data, as R's named list of scores (R ``evaluate()``).

    Returns
    -------
    RList
        ``loss``, then one element per metric: ``scores["loss"]``, ``scores.loss`` (R's
        ``scores$loss``), ``scores[0]`` (R's ``scores[[1]]``), ``loss, acc = scores``.

    Example
    -------
    >>> scores = model | evaluate(x_test, y_test, verbose=0)       # doctest: +SKIP
    >>> scores["loss"], scores.accuracy                            # doctest: +SKIP
    """
    _require_model(object, "evaluate")
    scores = object.evaluate(x, y, batch_size=batch_size, verbose=verbose,
                             sample_weight=sample_weight, steps=steps,
                             callbacks=_as_list(callbacks), return_dict=True, **kwargs)
    return RList(**scores)


@_verb()
def predict(object, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
    """Model outputs for ``x`` as an array (a list for several outputs) (R ``predict()``).

    Example
    -------
    >>> probs = model | predict(x_test, verbose=0)                 # doctest: +SKIP
    """
    _require_model(object, "predict")
    return object.predict(x, batch_size=batch_size, verbose=verbose, steps=steps,
                          callbacks=_as_list(callbacks), **kwargs)


# R keras 2.15's own words (R/model.R), with R's pipe spelled the pipeseq way.
_PREDICT_CLASSES_GONE = """`predict_classes()` is deprecated and was removed from tensorflow in version 2.6.
Please update your code:
  * If your model does multi-class classification:
    (e.g. if it uses a `softmax` last-layer activation).

      model | predict(x) | k_argmax()

  * if your model does binary classification
    (e.g. if it uses a `sigmoid` last-layer activation).

      (model | predict(x) > 0.5).astype("int32")
"""


@_verb()
def predict_classes(object, x, batch_size=32, verbose=0, steps=None):
    """Class ids (0-based): argmax of the outputs, or ``output > 0.5`` for one sigmoid unit.

    R keras 2.x's ``predict_classes()`` (removed from TensorFlow 2.6; kept here, with the
    deprecation warning R keras 2.15 gave and its advice).

    Returns
    -------
    ndarray of int
        Shape ``(n,)`` for several units; ``(n, 1)`` for one unit.

    Example
    -------
    >>> classes = predict_classes(model, x_test)                   # doctest: +SKIP
    """
    _require_model(object, "predict_classes")
    warnings.warn(_PREDICT_CLASSES_GONE, DeprecationWarning, stacklevel=3)
    return object.predict_classes(x, batch_size=batch_size, verbose=verbose)


@_verb()
def predict_proba(object, x, batch_size=32, verbose=0, steps=None):
    """Same as ``predict``; warns when outputs are not in [0, 1] (R keras 2.x).

    Example
    -------
    >>> probs = predict_proba(model, x_test)                       # doctest: +SKIP
    """
    _require_model(object, "predict_proba")
    warnings.warn("`predict_proba()` is deprecated and was removed from tensorflow in version "
                  "2.6, please use `predict()` instead", DeprecationWarning, stacklevel=3)
    return object.predict_proba(x, batch_size=batch_size, verbose=verbose)


@_verb()
def predict_on_batch(object, x):
    """Outputs for one batch (R ``predict_on_batch()``).

    Example
    -------
    >>> predict_on_batch(model, x[:32])                            # doctest: +SKIP
    """
    _require_model(object, "predict_on_batch")
    return object.predict_on_batch(x)


@_verb()
def train_on_batch(object, x, y=None, sample_weight=None, class_weight=None):
    """One gradient step on one batch; returns a dict of named scores.

    Example
    -------
    >>> train_on_batch(model, x[:32], y[:32])                      # doctest: +SKIP
    """
    _require_model(object, "train_on_batch")
    return object.train_on_batch(x, y, sample_weight=sample_weight, class_weight=class_weight,
                                 return_dict=True)


@_verb()
def test_on_batch(object, x, y=None, sample_weight=None):
    """Loss and metrics on one batch, as a dict of named scores.

    Example
    -------
    >>> test_on_batch(model, x[:32], y[:32])                       # doctest: +SKIP
    """
    _require_model(object, "test_on_batch")
    return object.test_on_batch(x, y, sample_weight=sample_weight, return_dict=True)


# ------------------------------------------------------------ utilities
def _array_like(x):
    return not _is_layer(x) and not isinstance(x, PipeVerb) and x is not None


@_verb(accepts=_array_like, what="an array of class ids")
def to_categorical(x, num_classes=None, dtype="float64"):
    """One-hot encode 0-based integer class ids (R ``to_categorical()``).

    Parameters
    ----------
    x : array-like of int
        A trailing axis of size 1 is dropped.
    num_classes : int, optional
        Defaults to ``max(x) + 1``.

    Returns
    -------
    ndarray, float64, shape ``x.shape + (num_classes,)``

    Example
    -------
    >>> to_categorical([0, 1, 1], num_classes=2)
    array([[1., 0.],
           [0., 1.],
           [0., 1.]])
    """
    return _to_categorical(x, num_classes=num_classes, dtype=dtype)


def _is_history(x):
    return isinstance(x, History)


def _is_history_or_model(x):
    return _is_history(x) or isinstance(x, Model)


@_verb(accepts=_is_history_or_model,
       what="a training history (the value fit() returns) or a model")
def plot(x, metrics=None, filename=None, **kwargs):
    """Plot a training history (one panel per metric, training and validation vs epoch), or a
    model's layer graph (keras3's ``plot(model, show_shapes = TRUE)``: ``plot_model``, written
    to ``filename`` or a temporary PNG whose path is returned).

    Parameters
    ----------
    x : History
        What ``fit()`` returns.
    metrics : list of str, optional
        Metrics to draw (default: all, e.g. ``["loss", "accuracy"]``).
    filename : str, optional
        Also write the figure to this PNG file.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ImportError
        Without matplotlib: install the extra with ``pip install pipeseq[plot]``.

    Example
    -------
    >>> fig = plot(history, filename="history.png")                # doctest: +SKIP
    """
    if isinstance(x, Model):                                  # keras3's plot(<model>)
        import os
        import tempfile
        from ...models.plot import plot_model
        to_file = filename or os.path.join(tempfile.mkdtemp(), f"{x.name}.png")
        plot_model(x, to_file=to_file, **kwargs)
        return to_file
    return plot_history(x, metrics=metrics, filename=filename, **kwargs)
