"""R verbs that build and inspect models: ``keras_model_sequential``, ``keras_model``,
``summary``, ``pop_layer``, ``get_layer``, ``freeze_weights``/``unfreeze_weights``,
``get_weights``/``set_weights``, ``count_params``, ``reset_states``."""
import numpy as np

from ... import models
from ...layers import InputLayer, Layer
from ...models import Sequential
from ...utils import did_you_mean
from .base import _MISSING, _is_layer, _require_model, _verb

__all__ = ['keras_model_sequential', 'keras_model', 'summary', 'pop_layer', 'get_layer', 'freeze_weights', 'unfreeze_weights', 'get_weights', 'set_weights', 'count_params', 'reset_states']


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
    if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
        outputs = outputs[0]
    return models.Model(inputs=inputs, outputs=outputs, name=name, **kwargs)


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
