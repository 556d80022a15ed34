"""The layer contract: ``Variable``, ``Layer``, the class registry and naming.

A layer owns its weights (``Variable`` objects, created in ``build``) and its
config; its arithmetic lives in ``pipeseq.kernels``. Every layer provides

* ``build(input_shape)`` -- create weights with ``add_weight``;
* ``compute_output_shape(input_shape)`` -- shape inference, batch axis ``None``;
* ``forward(x, training) -> (y, cache)`` and ``backward(cache, dy) -> (dx, grads)``,
  ``grads`` lining up with ``layer.gradient_variables`` (every variable created
  trainable, frozen or not: frozen means "not updated", not "no backprop");
* ``get_config()`` / ``from_config()`` with Keras's keys.

Example
-------
>>> import numpy as np
>>> from pipeseq.layers import Dense
>>> layer = Dense(3)
>>> y = layer(np.ones((2, 4), dtype="float32"))
>>> [w.shape for w in layer.weights]
[(4, 3), (3,)]
"""
import importlib
import re
from collections import defaultdict

import numpy as np

from .. import backend, limits
from ..graph import call_symbolic, format_shape, is_symbolic, layer_node_tensors
from ..ops.dispatch import is_traced
from ..variables import Variable
from .families import FAMILIES, FAMILY_OF
from . import autodiff
from .input_spec import as_shape, resolve_input_shape

# ------------------------------------------------------------------ registry
LAYER_CLASSES = {}


def register(cls=None, *, name=None, aliases=()):
    """Class decorator: make ``cls`` findable by its Keras class name (and aliases)."""
    def deco(c):
        LAYER_CLASSES[name or c.__name__] = c
        for a in aliases:
            LAYER_CLASSES[a] = c
        return c
    return deco(cls) if cls is not None else deco


def get_layer_class(class_name):
    """Look up a registered layer or model class by its Keras class name.

    A family registers its classes when it is imported: a name not registered yet imports its
    family (``families.py``), or, for a name no family exports (an alias, a model class),
    every family and pipeseq.models.
    """
    if class_name not in LAYER_CLASSES:
        family = FAMILY_OF.get(class_name)
        if family is not None:
            importlib.import_module(f"pipeseq.layers.{family}")
        if class_name not in LAYER_CLASSES:
            _import_all_layers()
    return LAYER_CLASSES.get(class_name)


def _import_all_layers():
    """Import every layer family, and pipeseq.models (Sequential and Functional register there:
    a config may nest a model, and the registry is asked before a model was ever built)."""
    for family in FAMILIES:
        importlib.import_module(f"pipeseq.layers.{family}")
    from .. import models  # noqa: F401


# ------------------------------------------------------------------- naming
_UIDS = defaultdict(int)


def to_snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def unique_name(prefix):
    """Keras 3 naming: ``dense``, ``dense_1``, ``dense_2``... per prefix, process-wide."""
    n = _UIDS[prefix]
    _UIDS[prefix] += 1
    return prefix if n == 0 else f"{prefix}_{n}"


def check_name(name):
    """Refuse a layer name Keras refuses (not a string, or containing ``/``); pipeseq also
    refuses an empty name, NUL characters and names longer than ``limits.MAX_NAME_LENGTH``
    (HDF5 cannot store them, so every later ``.h5`` save would fail)."""
    if not isinstance(name, str) or "/" in name or "\x00" in name or not name or \
            len(name) > limits.MAX_NAME_LENGTH:
        from ..errors import short_repr
        raise ValueError("Argument `name` must be a non-empty string of at most "
                         f"{limits.MAX_NAME_LENGTH} characters and cannot contain character `/` "
                         f"(nor NUL). Received: name={short_repr(name)} (of type "
                         f"{type(name).__name__})")


def reset_uids():
    """Restart automatic names (``clear_session`` in Keras)."""
    _UIDS.clear()


# -------------------------------------------------------------------- Layer
_NO_INPUT = type("_NoInput", (), {"__repr__": lambda self: "<no input>"})()

_BASE_KWARGS = ("name", "trainable", "dtype", "input_shape", "input_dim", "batch_input_shape",
                "batch_size", "weights", "input_length", "batch_shape")


class Layer:
    """Base class of every layer and model.

    Parameters
    ----------
    name : str, optional
        Defaults to the snake-case class name made unique (``dense``, ``dense_1``, ...).
    trainable : bool
        ``False`` freezes the weights (gradients still flow through the layer).
    input_shape, input_dim, batch_input_shape, batch_size :
        Legacy ways to declare the input of the first layer of a Sequential model.
    weights : list of arrays, optional
        Initial weights, set right after the layer is built.
    """

    __array_ufunc__ = None          # so that ``ndarray | layer`` reaches __ror__
    supports_masking = False        # passes an incoming mask through unchanged
    accepts_mask = False            # forward() takes a ``mask=`` keyword
    input_dtype_kind = "float"      # "int" for layers fed with indices (Embedding)

    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, input_dim=None,
                 batch_input_shape=None, batch_size=None, weights=None, input_length=None,
                 batch_shape=None, activity_regularizer=None, **kwargs):
        if kwargs:
            from ..utils import did_you_mean
            bad = next(iter(kwargs))
            raise TypeError(
                f"{type(self).__name__}: unrecognized keyword argument {bad!r}."
                f"{did_you_mean(bad, self._accepted_kwargs())} Received: {bad}={kwargs[bad]!r}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        check_name(self.name)
        self._trainable = bool(trainable)
        if isinstance(dtype, backend.DTypePolicy):
            dtype = dtype.name
        if isinstance(dtype, dict):
            dtype = dtype.get("config", {}).get("name")
        self.dtype = backend.floatx() if dtype is None else \
            "string" if dtype in ("string", "str", str) else str(np.dtype(dtype))
        self.built = False
        self._own_variables = []
        self._initial_weights = weights
        self._build_input_shape = None
        self.input_shape_ = None
        self._batch_input_shape = resolve_input_shape(
            type(self).__name__, input_shape, input_dim, input_length, batch_input_shape,
            batch_shape, batch_size)
        self._inbound = []   # symbolic-graph nodes (pipeseq.graph)
        self._call_losses = []   # add_loss / activity penalties of the last forward pass
        if activity_regularizer is not None:
            from .. import regularizers
            self.activity_regularizer = regularizers.get(activity_regularizer)

    def __setattr__(self, name, value):
        # Layers assigned as attributes (a subclassed model's ``self.dense = Dense(...)``) are
        # tracked, in assignment order, as Keras does.
        if isinstance(value, Layer) or (isinstance(value, (list, tuple)) and value and
                                        all(isinstance(v, Layer) for v in value)):
            tracked = self.__dict__.setdefault("_tracked_layers", [])
            for v in (value if isinstance(value, (list, tuple)) else [value]):
                if v is not self and all(v is not t for t in tracked):
                    tracked.append(v)
        object.__setattr__(self, name, value)

    @classmethod
    def _accepted_kwargs(cls):
        cached = cls.__dict__.get("_accepted_cache")
        if cached is None:
            import inspect
            names = set(_BASE_KWARGS)
            for klass in cls.__mro__:
                if "__init__" in klass.__dict__:
                    names |= {p for p in inspect.signature(klass.__init__).parameters
                              if p not in ("self", "kwargs", "args")}
            cached = sorted(names)
            cls._accepted_cache = cached      # per class (not inherited: checked in __dict__)
        return list(cached)

    # ------------------------------------------------------------ weights
    def add_weight(self, *args, **kwargs):
        """Create, register and return a :class:`Variable`.

        Keras 3: ``add_weight(shape=None, initializer=None, dtype=None, trainable=True,
        regularizer=None, constraint=None, name=None)`` (keywords, or ``shape`` first);
        Keras 2 / pipeseq: ``add_weight(name, shape, initializer, ...)``.
        """
        from .. import initializers
        name, shape, initializer, trainable, regularizer, constraint, dtype = \
            autodiff.add_weight_args(self, args, kwargs)
        name = name or unique_name("variable")
        init = initializers.get(initializer)
        shape = tuple(int(d) for d in shape)
        limits.charge(shape, dtype or self.dtype, f"{self.name}/{name}")   # before allocating
        value = np.asarray(init(shape, dtype=dtype or self.dtype), dtype=dtype or self.dtype)
        with backend.name_scope(self.name, caller=self):       # Keras 3's variable path
            path = backend.variable_path(name)
        var = Variable(value, name, trainable=trainable, regularizer=regularizer,
                       constraint=constraint, path=path)
        self._own_variables.append(var)
        return var

    add_variable = add_weight

    def add_loss(self, loss):
        """Add a loss (a scalar or array, summed) computed in ``call``; it trains and is reported."""
        autodiff.record_loss(self, loss)

    @property
    def losses(self):
        """The values ``add_loss`` and activity regularizers recorded in the last forward pass."""
        return list(self._call_losses)

    def _sublayers(self):
        """Layers this layer contains: tracked attributes of a ``call`` layer (models override)."""
        return list(self.__dict__.get("_tracked_layers", ())) if autodiff.defines_call(self) \
            else []

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        # As in Keras 3, setting ``trainable`` on a container sets it on every sublayer.
        self._trainable = bool(value)
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def weights(self):
        """All variables: own trainable, own non-trainable, then sublayers' (Keras's order)."""
        own = [v for v in self._own_variables if v.trainable] + \
              [v for v in self._own_variables if not v.trainable]
        for layer in self._sublayers():
            own.extend(layer.weights)
        return own

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        out = [v for v in self._own_variables if v.trainable]
        for layer in self._sublayers():
            out.extend(layer.trainable_weights)
        return out

    @property
    def non_trainable_weights(self):
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    @property
    def gradient_variables(self):
        """The variables ``backward`` returns gradients for, in order (frozen ones included)."""
        out = [v for v in self._own_variables if v.trainable]
        for layer in self._sublayers():
            out.extend(layer.gradient_variables)
        return out

    def get_weights(self):
        """Copies of the weight arrays, in ``weights`` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Assign all weights at once; nothing changes unless every shape matches."""
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(
                f"Layer '{self.name}' expects {len(params)} weight(s) "
                f"({', '.join(v.name for v in params) or 'none'}), but received {len(weights)}.")
        arrays = []
        for v, w in zip(params, weights):
            w = np.asarray(w)
            if w.shape != v.shape:
                raise ValueError(f"Layer '{self.name}' weight '{v.name}' has shape {v.shape}, "
                                 f"received an array of shape {w.shape}.")
            arrays.append(w)
        for v, w in zip(params, arrays):
            v.value = w.astype(v.dtype, copy=True)

    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but the "
                             "layer isn't built. Build it first by calling it on data or giving it "
                             "an input shape.")
        return int(sum(v.value.size for v in self.weights))

    # ------------------------------------------------------------ building
    def build(self, input_shape):
        """Create the weights for ``input_shape`` (batch axis included). Default: none."""

    def _maybe_build(self, input_shape):
        if not self.built:
            if getattr(self, "activity_regularizer", None) is not None and \
                    not autodiff.defines_call(self):
                self.forward = autodiff.regularized_forward(self, self.forward)
                self.backward = autodiff.regularized_backward(self, self.backward)
            shape = as_shape(input_shape)
            self._check_input_rank(shape)
            with backend.name_scope(self.name, caller=self):
                self.build(shape)
            self._build_input_shape = shape
            self.built = True
            if self._initial_weights is not None:
                self.set_weights(self._initial_weights)
                self._initial_weights = None

    min_ndim = None   # rank checks before build, subclasses set these
    ndim = None

    def _check_input_rank(self, shape):
        if isinstance(shape, list):
            return
        if self.ndim is not None and len(shape) != self.ndim:
            raise ValueError(
                f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with the "
                f"layer: expected ndim={self.ndim}, found ndim={len(shape)}. "
                f"Full shape received: {format_shape(shape)}")
        if self.min_ndim is not None and len(shape) < self.min_ndim:
            raise ValueError(
                f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with the "
                f"layer: expected min_ndim={self.min_ndim}, found ndim={len(shape)}. "
                f"Full shape received: {format_shape(shape)}")

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape`` without data (default: a trace of ``call``, or unchanged)."""
        if autodiff.defines_call(self):
            return autodiff.traced_output_shape(self, input_shape)
        return input_shape

    def compute_mask(self, inputs, mask=None):
        return mask if self.supports_masking else None

    # ----------------------------------------------------------- computing
    def forward(self, x, training=False, **kwargs):
        """Return ``(y, cache)``; ``cache`` holds what ``backward`` needs (``call``: automatic)."""
        if autodiff.defines_call(self):
            return autodiff.auto_forward(self, x, training=training, **kwargs)
        raise NotImplementedError(f"{type(self).__name__} defines neither call() nor forward(). "
                                  "Write call(self, inputs) with ops (keras.ops / K.*).")

    def backward(self, cache, dy):
        """Return ``(dx, grads)`` with ``grads`` aligned to ``gradient_variables``."""
        if autodiff.defines_call(self):
            return autodiff.auto_backward(self, cache, dy)
        raise NotImplementedError(f"{type(self).__name__}.backward is not implemented")

    def _convert_input(self, x):
        if isinstance(x, (list, tuple)):
            return [self._convert_input(a) for a in x]
        x = np.asarray(x)
        if self.input_dtype_kind == "float" and (x.dtype.kind != "f" or x.dtype != self.dtype):
            if x.dtype.kind not in "biuf":
                raise TypeError(f"Layer '{self.name}' expects numeric input. Received dtype {x.dtype}.")
            x = x.astype(self.dtype)
        return x

    def __call__(self, x=_NO_INPUT, training=False, mask=None, **kwargs):
        """Inference on arrays; on symbolic tensors, adds this layer to a graph.

        Called with no input, the layer returns itself: a pipe stage, so that R's
        ``x |> layer()`` translates to ``x | layer()`` (= ``layer(x)``), and
        ``model | layer()`` adds it, as R's ``compose_layer()`` does.
        """
        if x is _NO_INPUT:
            if kwargs or mask is not None:
                raise TypeError(f"Layer '{self.name}' was called with options but no input. "
                                f"Received: {sorted(kwargs) or ['mask']}")
            return self
        if is_symbolic(x):
            return call_symbolic(self, x, **kwargs)
        if is_traced(x) or (isinstance(x, (list, tuple)) and any(is_traced(a) for a in x)):
            return autodiff.traced_call(self, x, training=training, **kwargs)
        x = self._convert_input(x)
        self._maybe_build([a.shape for a in x] if isinstance(x, list) else x.shape)
        if self.accepts_mask and mask is not None:
            return self.forward(x, training=training, mask=mask, **kwargs)[0]
        return self.forward(x, training=training, **kwargs)[0]

    def __ror__(self, other):
        # ``x | layer``: call the layer on an array (the R pipe's ``x |> layer()``).
        return self(other)

    # -------------------------------------------------------------- config
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    # handy Keras attributes
    @property
    def input_shape(self):
        if self._build_input_shape is None:
            raise AttributeError(f"The layer '{self.name}' has never been called and thus has no "
                                 "defined input shape.")
        return self._build_input_shape

    @property
    def output_shape(self):
        return self.compute_output_shape(self.input_shape)

    @property
    def input(self):
        """The symbolic input tensor(s) of the layer's first call (functional API)."""
        return layer_node_tensors(self, "input")

    @property
    def output(self):
        """The symbolic output tensor(s) of the layer's first call (functional API)."""
        return layer_node_tensors(self, "output")


def standardize_tuple(value, n, name, allow_zero=False):
    """``3 -> (3, 3)``; validates length and positivity; error names the argument."""
    if isinstance(value, (int, np.integer)):
        value = (int(value),) * n
    value = tuple(value)
    if len(value) != n or not all(isinstance(v, (int, np.integer)) for v in value):
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {name}={value!r}")
    lo = 0 if allow_zero else 1
    if any(v < lo for v in value):
        raise ValueError(f"The `{name}` argument must be {'non-negative' if allow_zero else 'positive'}. "
                         f"Received: {name}={value!r}")
    return tuple(int(v) for v in value)
