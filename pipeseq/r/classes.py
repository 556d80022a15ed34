"""keras3's class constructors: ``Layer()``, ``new_layer_class()``, ``Loss()``, ``Metric()``,
``Callback()``, plus ``layer_lambda()`` and ``shape()``.

Each takes the class name and the methods as functions, as in R. A method whose first
parameter is named ``self`` receives the object (R's implicit ``self``); any other
function is called without it (``call = function(y_true, y_pred) ...`` translates to
``call=lambda y_true, y_pred: ...``). pipeseq initialises the base class before calling
``initialize`` (R's ``super$initialize(...)`` has no counterpart in a plain Python
function): base arguments such as ``name``, ``trainable``, ``input_shape`` are taken
by the base class, the others go to ``initialize``.

``Layer()`` returns a layer constructor that composes like every ``layer_*``
function (``model | layer_linear(units=4)``); its class is ``.cls``.

Example
-------
>>> import numpy as np
>>> from pipeseq import Layer, op_matmul, keras_model_sequential, shape
>>> def initialize(self, units=32):
...     self.units = units
>>> def build(self, input_shape):
...     self.w = self.add_weight(shape=shape(input_shape[-1], self.units),
...                              initializer="random_normal")
>>> def call(self, inputs):
...     return op_matmul(inputs, self.w)
>>> layer_linear = Layer("Linear", initialize=initialize, build=build, call=call)
>>> model = keras_model_sequential(input_shape=3) | layer_linear(units=2)
>>> model.output_shape
(None, 2)
"""
import inspect
import math

__all__ = ["Layer", "new_layer_class", "Loss", "Metric", "Callback", "layer_lambda", "shape"]

_LAYER_BASE_ARGS = ("name", "trainable", "dtype", "input_shape", "input_dim",
                    "batch_input_shape", "batch_size", "weights", "input_length", "batch_shape",
                    "activity_regularizer")


def _method(fn):
    """``fn`` as a method: bound when its first parameter is ``self``, else called plainly."""
    if fn is None:
        return None
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []
    if params and params[0] == "self":
        return fn

    def method(self, *args, **kwargs):
        return fn(*args, **kwargs)
    method.__name__ = getattr(fn, "__name__", "method")
    method.__signature__ = inspect.signature(fn)
    return method


def _class(classname, base, methods, base_args=()):
    if not isinstance(classname, str) or not classname.isidentifier():
        raise ValueError(f"classname must be a valid class name (a string such as 'MyLayer'). "
                         f"Received: classname={classname!r}")
    body = {k: _method(v) for k, v in methods.items() if v is not None and k != "initialize"}
    initialize = _method(methods.get("initialize"))
    if initialize is not None:
        def __init__(self, *args, **kwargs):
            base_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in base_args}
            base.__init__(self, **base_kwargs)
            initialize(self, *args, **kwargs)
        __init__.__signature__ = inspect.signature(methods["initialize"])
        body["__init__"] = __init__
    body["__doc__"] = f"{classname}: made by keras3's class constructor."
    return type(classname, (base,), body)


def Layer(classname, initialize=None, call=None, build=None, get_config=None, *,
          compute_output_shape=None, **methods):
    """keras3 ``Layer(classname, initialize, call, build, get_config, ...)``: a layer constructor.

    Returns a ``layer_*``-style function: ``fn()`` gives a layer, ``fn(model, ...)`` adds
    one to a Sequential model, ``fn(tensor, ...)`` calls one on a tensor. The class is
    ``fn.cls``.

    Example
    -------
    >>> import numpy as np
    >>> layer_double = Layer("Double", call=lambda inputs: inputs * 2)
    >>> layer_double(np.ones((1, 2), "float32"))
    array([[2., 2.]], dtype=float32)
    """
    from ..layers.base import Layer as BaseLayer
    from .layers import _split_object, compose_layer
    cls = _class(classname, BaseLayer, dict(initialize=initialize, call=call, build=build,
                                             get_config=get_config,
                                             compute_output_shape=compute_output_shape,
                                             **methods), _LAYER_BASE_ARGS)

    def constructor(*args, **kwargs):
        object, args = _split_object(args, kwargs)
        return compose_layer(object, cls(*args, **kwargs), classname)
    constructor.__name__ = constructor.__qualname__ = classname
    constructor.__doc__ = f"Layer constructor for {classname} (see pipeseq.r.classes.Layer)."
    constructor.cls = cls
    return constructor


new_layer_class = Layer


def Loss(classname, call=None, **methods):
    """keras3 ``Loss(classname, call)``: a loss class; ``call(y_true, y_pred)`` with ops.

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq import op_mean, op_square
    >>> loss_mse2 = Loss("Mse2", call=lambda y_true, y_pred: op_mean(op_square(y_pred - y_true)))
    >>> float(loss_mse2()(np.zeros((2, 2)), np.ones((2, 2))))
    1.0
    """
    from ..training.losses import Loss as BaseLoss
    if call is None:
        raise ValueError(f"Loss({classname!r}): `call` (a function of y_true and y_pred) is "
                         "required.")
    return _class(classname, BaseLoss, dict(call=call, **methods), ("name", "reduction", "dtype"))


def Metric(classname, initialize=None, update_state=None, result=None, reset_state=None,
           **methods):
    """keras3 ``Metric(classname, initialize, update_state, result, reset_state)``.

    State lives in variables from ``self.add_variable(...)``, updated with ``assign`` /
    ``assign_add``.

    Example
    -------
    >>> import numpy as np
    >>> def initialize(self, **kwargs):
    ...     self.total = self.add_variable(shape=(), initializer="zeros", name="total")
    >>> def update_state(self, y_true, y_pred, sample_weight=None):
    ...     self.total.assign_add(np.sum(y_pred))
    >>> metric_sum_pred = Metric("SumPred", initialize=initialize, update_state=update_state,
    ...                          result=lambda self: self.total.value)
    >>> m = metric_sum_pred()
    >>> m.update_state(None, np.ones(3)); float(m.result())
    3.0
    """
    from ..training.metrics import Metric as BaseMetric
    return _class(classname, BaseMetric, dict(initialize=initialize, update_state=update_state,
                                              result=result, reset_state=reset_state, **methods),
                  ("name", "dtype"))


def Callback(classname, **methods):
    """keras3 ``Callback(classname, on_epoch_end = ..., ...)``: a callback class.

    Example
    -------
    >>> seen = []
    >>> cb = Callback("Recorder", on_epoch_end=lambda epoch, logs=None: seen.append(epoch))
    >>> cb().on_epoch_end(0, {}); seen
    [0]
    """
    from ..training.callbacks import Callback as BaseCallback
    unknown = [k for k in methods if k not in ("initialize",) and not k.startswith("on_")
               and not hasattr(BaseCallback, k)]
    if unknown:
        raise ValueError(f"Callback({classname!r}): unknown method(s) {unknown}; callbacks "
                         "define on_* hooks (on_epoch_end, on_train_batch_end, ...).")
    return _class(classname, BaseCallback, methods)


def layer_lambda(object=None, f=None, output_shape=None, mask=None, arguments=None, **kwargs):
    """R ``layer_lambda(object, f, output_shape = NULL, ...)``: Keras's ``Lambda(f)``.

    Example
    -------
    >>> import numpy as np
    >>> layer_lambda(np.ones((1, 2), "float32"), f=lambda x: x + 1)
    array([[2., 2.]], dtype=float32)
    """
    from ..layers.lambda_layer import Lambda
    from .layers import compose_layer
    if f is None:
        raise ValueError("layer_lambda(): `f` (the function of the inputs) is required.")
    layer = Lambda(f, output_shape=output_shape, mask=mask, arguments=arguments, **kwargs)
    return compose_layer(object, layer, "layer_lambda")


def shape(*args):
    """keras3 ``shape(...)``: a shape tuple (``None``/``NA`` for unknown sizes), or a tensor's shape.

    Example
    -------
    >>> shape(None, 32)
    (None, 32)
    >>> import numpy as np
    >>> shape(np.zeros((2, 3)))
    (2, 3)
    """
    if len(args) == 1 and hasattr(args[0], "shape") and not isinstance(args[0], (int, float)):
        return tuple(None if d is None else int(d) for d in args[0].shape)
    dims = []
    for a in args:
        if isinstance(a, (list, tuple)):
            dims.extend(a)
        else:
            dims.append(a)
    return tuple(None if d is None or (isinstance(d, float) and math.isnan(d)) else int(d)
                 for d in dims)
