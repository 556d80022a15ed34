"""The R verbs: ``compile``, ``fit``, ``evaluate``, ``freeze_weights``, ... (R keras semantics).

Every verb works both ways, as in R:

* ``compile(model, optimizer="rmsprop", loss="mse")`` -- applied at once;
* ``model | compile(optimizer="rmsprop", loss="mse")`` -- without the model
  the verb returns a deferred call that ``model | ...`` applies.

Return values follow R: ``compile``, ``pop_layer``, ``freeze_weights`` ... return
the model (so chains continue); ``fit`` the history; ``evaluate`` a dict of
named scores; ``predict`` an array. Indices are 1-based and negative ones count
from the end (``get_layer(model, index=-1)`` is the last layer).

Example
-------
>>> import numpy as np
>>> from pipeseq import keras_model_sequential, layer_dense, compile, fit, evaluate
>>> model = keras_model_sequential(input_shape=3) | layer_dense(units=1)
>>> model = model | compile(optimizer="sgd", loss="mse")
>>> x, y = np.ones((8, 3)), np.zeros((8, 1))
>>> history = model | fit(x, y, epochs=2, verbose=0)
>>> sorted(evaluate(model, x, y, verbose=0))
['loss']
"""
import builtins
import functools

import numpy as np

_MISSING = type("_Missing", (), {"__repr__": lambda self: "<missing>"})()


# ------------------------------------------------------------ the machinery
class PipeVerb:
    """A verb waiting for its object: ``compile(optimizer="adam")`` before ``model |``.

    Applying it (``model | verb`` or ``verb(model)``) runs the verb on the model.

    Example
    -------
    >>> verb = compile(optimizer="sgd", loss="mse")
    >>> verb
    <pipe verb compile(optimizer='sgd', loss='mse')>
    >>> model | verb                                      # doctest: +SKIP
    """

    _pipeseq_verb = True
    __array_ufunc__ = None

    def __init__(self, fn, args, kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def __call__(self, object):
        return self.fn(object, *self.args, **self.kwargs)

    def __ror__(self, other):
        return self(other)

    def __repr__(self):
        parts = [f"{a!r:.40}" for a in self.args] + [f"{k}={v!r:.40}" for k, v in self.kwargs.items()]
        return f"<pipe verb {self.fn.__name__}({', '.join(parts)})>"


def _is_layer(x):
    from ..layers.base import Layer
    return isinstance(x, Layer)


def _is_model(x):
    from ..models.model import Model
    return isinstance(x, Model)


def _verb(accepts=_is_layer, what="a model"):
    """Decorator: run now if the first argument is the object, else return a PipeVerb."""
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if "object" in kwargs:
                return checked(kwargs.pop("object"), *args, **kwargs)
            if args and accepts(args[0]):
                return fn(*args, **kwargs)
            if args and _is_layer(args[0]):   # e.g. plot(model): wrong object, not a pipe stage
                return checked(*args, **kwargs)
            return PipeVerb(checked, args, kwargs)

        def checked(object, *args, **kwargs):
            if not accepts(object):
                raise TypeError(f"{fn.__name__}() applies to {what}; received "
                                f"{type(object).__name__} {object!r:.60}.")
            return fn(object, *args, **kwargs)
        checked.__name__ = fn.__name__
        wrapper._pipeseq_verb_fn = fn
        return wrapper
    return deco


def _require_model(object, verb):
    if not _is_model(object):
        raise TypeError(f"{verb}() needs a model; received the layer '{object.name}' "
                        f"({type(object).__name__}).")


# ------------------------------------------------------------ models
def keras_model_sequential(layers=None, name=None, input_shape=None, input_batch_size=None,
                           input_dtype=None, input_batch_shape=None, input_name=None,
                           trainable=True, **kwargs):
    """Create a Sequential model (R ``keras_model_sequential()``).

    Parameters
    ----------
    layers : list of Layer, optional
        Layers to add, in order.
    name : str, optional
        Model name (default ``sequential``, ``sequential_1``, ...).
    input_shape : int or tuple, optional
        Shape of one sample, batch axis excluded; an int ``n`` means ``(n,)``.
        Given, the model is built as layers are added (summary shows shapes).
    input_batch_size : int, optional
        Fixed batch size for the input (stateful RNNs).
    input_batch_shape : tuple, optional
        Full input shape including the batch axis (also ``batch_input_shape=``).
    input_dtype, input_name : optional
        dtype and name of the input layer.
    trainable : bool

    Returns
    -------
    Sequential

    Example
    -------
    >>> model = keras_model_sequential(input_shape=4, name="my_sequential")
    >>> model | layer_dense(units=2)   # doctest: +SKIP
    """
    from ..layers import InputLayer, Layer
    from ..models import Sequential
    if layers is not None and not isinstance(layers, (list, tuple)):
        if isinstance(layers, Layer):
            layers = [layers]
        else:
            raise TypeError("keras_model_sequential(): `layers` must be a list of layers. To give "
                            "the input shape, use input_shape=, e.g. "
                            f"keras_model_sequential(input_shape={layers!r}). Received: "
                            f"layers={layers!r}")
    if "batch_input_shape" in kwargs:
        input_batch_shape = kwargs.pop("batch_input_shape")
    if "input_layer_name" in kwargs:
        input_name = kwargs.pop("input_layer_name")
    if kwargs:
        from ..utils import did_you_mean
        bad = next(iter(kwargs))
        raise TypeError(f"keras_model_sequential(): unrecognized argument {bad!r}."
                        f"{did_you_mean(bad, ['layers', 'name', 'input_shape', 'input_batch_size', 'input_dtype', 'input_batch_shape', 'input_name', 'trainable'])}")
    model = Sequential(name=name, trainable=trainable)
    if input_shape is not None or input_batch_shape is not None:
        if isinstance(input_shape, (int, np.integer)):
            input_shape = (int(input_shape),)
        model.add(InputLayer(shape=input_shape, batch_size=input_batch_size,
                             batch_shape=input_batch_shape, dtype=input_dtype, name=input_name))
    for layer in layers or []:
        model.add(layer)
    return model


def keras_model(inputs, outputs, name=None, **kwargs):
    """A functional model from input and output tensors (R ``keras_model()``).

    Parameters
    ----------
    inputs : KerasTensor or list of KerasTensor
    outputs : KerasTensor or list of KerasTensor
        A one-element list is unwrapped, as in R.
    name : str, optional

    Returns
    -------
    Model

    Example
    -------
    >>> inputs = layer_input(shape=4)                          # doctest: +SKIP
    >>> model = keras_model(inputs, inputs | layer_dense(units=2))  # doctest: +SKIP
    """
    from .. import models
    if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
        outputs = outputs[0]
    return models.Model(inputs=inputs, outputs=outputs, name=name, **kwargs)


# ------------------------------------------------------------ training verbs
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
    callbacks : list of ``callback_*`` objects
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
        ``print(history)`` shows the final epoch; ``plot(history)`` draws it.

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
    return object.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                      callbacks=callbacks, validation_split=validation_split,
                      validation_data=validation_data, shuffle=shuffle,
                      class_weight=class_weight, sample_weight=sample_weight,
                      initial_epoch=int(initial_epoch) - 1, **kwargs)


@_verb()
def evaluate(object, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
             steps=None, callbacks=None, **kwargs):
    """Loss and metrics on test data, as a dict of named scores (R ``evaluate()``).

    Returns
    -------
    dict
        ``{"loss": ..., "accuracy": ...}`` (one entry per metric).

    Example
    -------
    >>> scores = model | evaluate(x_test, y_test, verbose=0)       # doctest: +SKIP
    >>> scores["loss"]                                             # doctest: +SKIP
    """
    _require_model(object, "evaluate")
    return object.evaluate(x, y, batch_size=batch_size, verbose=verbose,
                           sample_weight=sample_weight, steps=steps, callbacks=callbacks,
                           return_dict=True, **kwargs)


@_verb()
def predict(object, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
    """Model outputs for ``x`` as an array (a list for several outputs) (R ``predict()``).

    Example
    -------
    >>> probs = model | predict(x_test, verbose=0)                 # doctest: +SKIP
    """
    _require_model(object, "predict")
    return object.predict(x, batch_size=batch_size, verbose=verbose, steps=steps,
                          callbacks=callbacks, **kwargs)


@_verb()
def predict_classes(object, x, batch_size=32, verbose=0, steps=None):
    """Class ids (0-based): argmax of the outputs, or ``output > 0.5`` for one sigmoid unit.

    R keras 2.x's ``predict_classes()`` (removed from TensorFlow 2.6; kept here).

    Returns
    -------
    ndarray of int
        Shape ``(n,)`` for several units; ``(n, 1)`` for one unit.

    Example
    -------
    >>> classes = predict_classes(model, x_test)                   # doctest: +SKIP
    """
    _require_model(object, "predict_classes")
    return object.predict_classes(x, batch_size=batch_size, verbose=verbose)


@_verb()
def predict_proba(object, x, batch_size=32, verbose=0, steps=None):
    """Same as ``predict``; warns when outputs are not in [0, 1] (R keras 2.x).

    Example
    -------
    >>> probs = predict_proba(model, x_test)                       # doctest: +SKIP
    """
    _require_model(object, "predict_proba")
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


@_verb()
def summary(object, line_length=None, positions=None, expand_nested=False, show_trainable=None,
            print_fn=None, **kwargs):
    """Print the model's layer table (R ``summary(model)``; ``print(model)`` does the same).

    The "Trainable" column appears when some weights are frozen (R keras3's
    ``show_trainable = NA``).

    Example
    -------
    >>> summary(model)                                             # doctest: +SKIP
    """
    _require_model(object, "summary")
    object.summary(line_length=line_length, positions=positions, expand_nested=expand_nested,
                   show_trainable=show_trainable, print_fn=print_fn, **kwargs)


@_verb()
def pop_layer(object, rebuild=True):
    """Remove the last layer of a Sequential model; returns the model (R keras 2.x).

    (keras3's ``pop_layer()`` returns the removed layer; pipeseq returns the
    model so that chains continue.)

    Example
    -------
    >>> model | pop_layer()                                        # doctest: +SKIP
    >>> len(model.layers)                                          # doctest: +SKIP
    """
    if not hasattr(object, "pop"):
        raise TypeError(f"pop_layer() applies to Sequential models only; '{object.name}' is a "
                        f"{type(object).__name__}.")
    if not object.layers:
        raise ValueError(f"pop_layer(): model '{object.name}' has no layers to remove.")
    object.pop(rebuild=rebuild)
    return object


# ------------------------------------------------------------ layer selection
def _layer_names(layers):
    return [l.name for l in layers]


def _resolve_index(layers, i, what, model_name):
    """1-based / negative index -> 0-based position, with R-style clear errors."""
    n = len(layers)
    if isinstance(i, (bool, np.bool_)) or not float(i).is_integer():
        raise TypeError(f"{what} must be a whole number, a layer name or a layer. Received: {i!r}")
    i = int(i)
    if i == 0:
        raise ValueError(f"{what} is 1-based (0 was passed). Model '{model_name}' has {n} "
                         f"layer(s): use 1..{n}, or -1..-{n} to count from the end.")
    if not -n <= i <= n:
        raise IndexError(f"{what}={i} is out of range: model '{model_name}' has {n} layer(s); "
                         f"valid positions are 1..{n} and -1..-{n}.")
    return i - 1 if i > 0 else n + i


def _resolve_position(layers, ref, what, model_name):
    """A layer reference (1-based index, negative index, name, or layer) -> 0-based position."""
    if _is_layer(ref):
        for pos, layer in enumerate(layers):
            if layer is ref:
                return pos
        raise ValueError(f"{what}: layer '{ref.name}' is not a layer of model '{model_name}'. "
                         f"Its layers are: {_layer_names(layers)}")
    if isinstance(ref, str):
        for pos, layer in enumerate(layers):
            if layer.name == ref:
                return pos
        from ..utils import did_you_mean
        raise ValueError(f"{what}: no layer named {ref!r} in model '{model_name}'."
                         f"{did_you_mean(ref, _layer_names(layers))} Its layers are: "
                         f"{_layer_names(layers)}")
    if isinstance(ref, (int, np.integer, float, np.floating)):
        return _resolve_index(layers, ref, what, model_name)
    raise TypeError(f"{what} must be a 1-based index, a layer name or a layer. Received: {ref!r}")


@_verb()
def get_layer(object, name=None, index=None):
    """A layer of the model by name or by 1-based index (negatives count from the end).

    Parameters
    ----------
    object : model
    name : str, optional
    index : int, optional
        1 is the first layer, -1 the last; 0 is an error (R semantics).

    Example
    -------
    >>> get_layer(model, "dense")                                  # doctest: +SKIP
    >>> get_layer(model, index=-1)                                 # doctest: +SKIP
    """
    layers = list(object.layers)
    if name is not None and index is not None:
        raise ValueError("get_layer(): provide a layer `name` or an `index`, not both. "
                         f"Received: name={name!r}, index={index!r}")
    if name is None and index is None:
        raise ValueError("get_layer(): provide a layer `name` or a 1-based `index`. "
                         f"Layers of '{object.name}': {_layer_names(layers)}")
    if index is not None:
        return layers[_resolve_index(layers, index, "get_layer(): `index`", object.name)]
    if not isinstance(name, str):
        if isinstance(name, (int, np.integer)):
            return layers[_resolve_index(layers, name, "get_layer(): `index`", object.name)]
        raise TypeError(f"get_layer(): `name` must be a string. Received: {name!r}")
    return layers[_resolve_position(layers, name, "get_layer()", object.name)]


def _container_layers(object):
    layers = getattr(object, "layers", None)
    if layers is None:
        return []
    return list(layers)


def _apply_range(object, from_, to, trainable):
    layers = _container_layers(object)
    if not layers:
        raise ValueError(f"freeze_weights()/unfreeze_weights(): '{object.name}' has no layers, so "
                         "`from_`/`to` cannot select any.")
    lo = 0 if from_ is None else _resolve_position(layers, from_, "`from_`", object.name)
    hi = len(layers) - 1 if to is None else _resolve_position(layers, to, "`to`", object.name)
    # R's walk: the flag turns on at `from`, off after `to`; everything else gets the opposite.
    values, on = [], False
    for pos in range(len(layers)):
        if pos == lo:
            on = True
        values.append(trainable if on else not trainable)
        if pos == hi:
            on = False
    object.trainable = True
    for layer, value in zip(layers, values):
        layer.trainable = value


def _apply_which(object, which, trainable):
    layers = _container_layers(object)
    n = len(layers)
    if callable(which) and not _is_layer(which):
        which = [bool(which(layer)) for layer in layers]
    if isinstance(which, (str, int, np.integer)) or _is_layer(which):
        which = [which]
    which = list(which)
    if which and all(isinstance(w, (bool, np.bool_)) for w in which):
        if len(which) != n:
            raise ValueError(f"`which` as a list of booleans needs one per layer ({n} for model "
                             f"'{object.name}'); received {len(which)}.")
        positions = [i for i, w in enumerate(which) if w]
    else:
        positions = [_resolve_position(layers, w, "`which`", object.name) for w in which]
    object.trainable = True
    for layer in layers:
        layer.trainable = not trainable
    for pos in positions:
        layers[pos].trainable = trainable
    return object


def _freeze(object, from_, to, which, trainable, verb, kwargs):
    if "from" in kwargs:
        if from_ is not _MISSING:
            raise TypeError(f"{verb}(): give `from_` or `from`, not both.")
        from_ = kwargs.pop("from")
    if kwargs:
        raise TypeError(f"{verb}(): unrecognized argument {next(iter(kwargs))!r}. "
                        "Accepted: from_, to, which.")
    if not _is_layer(object):
        raise TypeError(f"{verb}() applies to a model or a layer; received {type(object).__name__}.")
    if which is not None:
        if from_ not in (None, _MISSING) and to not in (None, _MISSING):
            raise ValueError(f"{verb}(): both `which` and `from_`/`to` can not be supplied.")
        return _apply_which(object, which, trainable)
    if from_ is _MISSING and to is _MISSING:
        object.trainable = trainable
        return object
    _apply_range(object, None if from_ is _MISSING else from_, None if to is _MISSING else to,
                 trainable)
    return object


@_verb()
def freeze_weights(object, from_=_MISSING, to=_MISSING, which=None, **kwargs):
    """Freeze layers (make them non-trainable), R keras3 semantics; returns the model.

    Parameters
    ----------
    object : model or layer
    from_, to : int, str or Layer, optional
        First and last layer of the range, both inclusive: a 1-based index, a
        negative index (-1 is the last layer), a layer name or a layer. A missing
        ``from_`` means the first layer, a missing ``to`` the last. Layers
        outside the range are set trainable (the operation is global).
        ``from`` is accepted too, via ``**{"from": 2}``.
    which : list of names / 1-based positions / layers, list of bools, or a predicate
        The layers to freeze; every other layer is set trainable.

    With no arguments the whole model (nested models included) is frozen.
    Recompile after freezing, as Keras asks (pipeseq's ``fit`` already
    respects the new state).

    Example
    -------
    >>> model | freeze_weights(from_=1, to=-2)   # all but the last layer   # doctest: +SKIP
    >>> freeze_weights(model, which=lambda layer: layer.name.startswith("dense"))  # doctest: +SKIP
    """
    return _freeze(object, from_, to, which, False, "freeze_weights", kwargs)


@_verb()
def unfreeze_weights(object, from_=_MISSING, to=_MISSING, which=None, **kwargs):
    """Unfreeze layers (the mirror image of :func:`freeze_weights`); returns the model.

    The object itself is always made trainable; with ``from_``/``to``/``which``
    the selected layers become trainable and every other layer frozen.

    Example
    -------
    >>> unfreeze_weights(model, from_=-2)                          # doctest: +SKIP
    """
    return _freeze(object, from_, to, which, True, "unfreeze_weights", kwargs)


# ------------------------------------------------------------ weights
@_verb()
def get_weights(object, trainable=None):
    """The weight arrays (copies); ``trainable=True``/``False`` selects a subset.

    Example
    -------
    >>> [w.shape for w in get_weights(layer_dense(units=3) | ...)]   # doctest: +SKIP
    """
    if trainable is None:
        return object.get_weights()
    chosen = object.trainable_weights if trainable else object.non_trainable_weights
    return [v.numpy() for v in chosen]


@_verb()
def set_weights(object, weights):
    """Assign all weights (same order/shapes as ``get_weights``); returns the object.

    Example
    -------
    >>> model | set_weights(get_weights(other_model))              # doctest: +SKIP
    """
    object.set_weights(weights)
    return object


@_verb()
def count_params(object):
    """Number of weights (scalars) in the model or layer.

    Example
    -------
    >>> count_params(model)                                        # doctest: +SKIP
    """
    return object.count_params()


@_verb()
def reset_states(object):
    """Reset the states of stateful recurrent layers; returns the model.

    Example
    -------
    >>> model | reset_states()                                     # doctest: +SKIP
    """
    if hasattr(object, "reset_states"):
        object.reset_states()
    return object


# ------------------------------------------------------------ files
@_verb()
def save_model_weights_hdf5(object, filepath, overwrite=True):
    """Save the weights to a legacy Keras HDF5 file (``.h5``); returns the model.

    Example
    -------
    >>> model | save_model_weights_hdf5("weights.h5")              # doctest: +SKIP
    """
    object.save_weights(filepath, overwrite=overwrite)
    return object


@_verb()
def load_model_weights_hdf5(object, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """Load weights from an HDF5 file (Keras- or pipeseq-written); returns the model.

    Example
    -------
    >>> model | load_model_weights_hdf5("weights.h5")              # doctest: +SKIP
    """
    object.load_weights(filepath, by_name=by_name, skip_mismatch=skip_mismatch)
    return object


@_verb()
def save_model_weights(object, filepath, overwrite=False, **kwargs):
    """Save the weights (keras3 ``save_model_weights()``; ``.weights.h5``); returns the model.

    Example
    -------
    >>> model | save_model_weights("model.weights.h5")             # doctest: +SKIP
    """
    object.save_weights(filepath, overwrite=overwrite, **kwargs)
    return object


@_verb()
def load_model_weights(object, filepath, skip_mismatch=False, **kwargs):
    """Load weights (keras3 ``load_model_weights()``); returns the model.

    Example
    -------
    >>> model | load_model_weights("model.weights.h5")             # doctest: +SKIP
    """
    object.load_weights(filepath, skip_mismatch=skip_mismatch, **kwargs)
    return object


@_verb()
def save_model_hdf5(object, filepath, overwrite=True, include_optimizer=True):
    """Save architecture + weights (+ optimizer) to a legacy ``.h5`` file; returns the model.

    Example
    -------
    >>> save_model_hdf5(model, "model.h5")                         # doctest: +SKIP
    """
    object.save(filepath, overwrite=overwrite, include_optimizer=include_optimizer)
    return object


@_verb()
def save_model(object, filepath=None, overwrite=False, **kwargs):
    """Save the whole model as a ``.keras`` zip; returns the model (keras3).

    With ``filepath=None`` the bytes of the ``.keras`` file are returned instead.

    Example
    -------
    >>> save_model(model, "model.keras")                           # doctest: +SKIP
    """
    if filepath is None:
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.keras")
            object.save(path, overwrite=True, **kwargs)
            with open(path, "rb") as f:
                return f.read()
    object.save(filepath, overwrite=overwrite, **kwargs)
    return object


def load_model(filepath, custom_objects=None, compile=True, **kwargs):
    """Load a model saved as ``.keras`` or legacy ``.h5`` (or the bytes of a ``.keras`` file).

    Example
    -------
    >>> model = load_model("model.keras")                          # doctest: +SKIP
    """
    from ..saving import api
    if isinstance(filepath, (bytes, bytearray)):
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.keras")
            with open(path, "wb") as f:
                f.write(filepath)
            return api.load_model(path, custom_objects=custom_objects, compile=compile, **kwargs)
    return api.load_model(filepath, custom_objects=custom_objects, compile=compile, **kwargs)


def load_model_hdf5(filepath, custom_objects=None, compile=True):
    """Load a model from a legacy full-model ``.h5`` file (R keras 2.x).

    Example
    -------
    >>> model = load_model_hdf5("model.h5")                        # doctest: +SKIP
    """
    return load_model(filepath, custom_objects=custom_objects, compile=compile)


@_verb()
def model_to_json(object):
    """The model's architecture as a Keras JSON string.

    Example
    -------
    >>> text = model_to_json(model)                                # doctest: +SKIP
    """
    return object.to_json()


def model_from_json(json, custom_objects=None):
    """A model (fresh weights) from a Keras JSON architecture string.

    Example
    -------
    >>> model2 = model_from_json(model_to_json(model))             # doctest: +SKIP
    """
    from ..saving import api
    return api.model_from_json(json, custom_objects=custom_objects)


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
    from ..utils import to_categorical as _tc
    return _tc(x, num_classes=num_classes, dtype=dtype)


def _is_history(x):
    from ..training.callbacks import History
    return isinstance(x, History)


def _is_history_or_model(x):
    return _is_history(x) or _is_model(x)


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
    if hasattr(x, "layers") and hasattr(x, "predict"):      # keras3's plot(<model>)
        import os
        import tempfile
        from ..models.plot import plot_model
        to_file = filename or os.path.join(tempfile.mkdtemp(), f"{x.name}.png")
        plot_model(x, to_file=to_file, **kwargs)
        return to_file
    from ..plotting import plot_history
    return plot_history(x, metrics=metrics, filename=filename, **kwargs)


__all__ = [
    "PipeVerb", "keras_model_sequential", "keras_model", "compile", "fit", "evaluate", "predict",
    "predict_classes", "predict_proba", "predict_on_batch", "train_on_batch", "test_on_batch",
    "summary", "pop_layer", "get_layer", "freeze_weights", "unfreeze_weights", "get_weights",
    "set_weights", "count_params", "reset_states", "save_model_weights_hdf5",
    "load_model_weights_hdf5", "save_model_weights", "load_model_weights", "save_model_hdf5",
    "load_model_hdf5", "save_model", "load_model", "model_to_json", "model_from_json",
    "to_categorical", "plot",
]
