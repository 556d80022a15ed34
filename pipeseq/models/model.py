"""``Model``: what every model shares (training API, summary, files, layer lookup)."""
import numpy as np

from ..layers.base import Layer, get_layer_class
from ..training import losses
from ..training.trainer import Trainer
from ..utils import did_you_mean
from .summary import format_summary


class Model(Trainer, Layer):
    """Base class of :class:`Sequential` and functional models. A model is a layer."""

    def __new__(cls, *args, **kwargs):
        # ``Model(inputs, outputs)`` builds a functional model (as keras.Model does).
        # Functional subclasses Model; it is found through the layer registry, where it is
        # registered when pipeseq.models is imported.
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            return super().__new__(get_layer_class("Functional"))
        return super().__new__(cls)

    def __init__(self, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)

    # ------------------------------------------------------------- lookup
    def get_layer(self, name=None, index=None):
        """Layer by ``name`` or 0-based ``index`` (Python Keras semantics)."""
        layers = self.layers
        if name is not None and index is not None:
            raise ValueError("Provide only a layer name or a layer index, not both. "
                             f"Received: name={name!r}, index={index!r}")
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(layers)} layers.")
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name!r}.{did_you_mean(name, [l.name for l in layers])} "
                             f"Existing layers are: {[l.name for l in layers]}.")
        raise ValueError("Provide either a layer name or a layer index.")

    def _sublayers(self):
        return list(self.layers)

    # --------------------------------------------------------------- pipe
    def __or__(self, other):
        """``model | layer`` adds ``layer`` in place; ``model | verb(...)`` applies an R verb."""
        if getattr(other, "_pipeseq_verb", False):
            return other(self)
        if isinstance(other, Layer):
            if not hasattr(self, "add"):
                raise TypeError(f"Cannot pipe layer '{other.name}' into model '{self.name}': only "
                                "Sequential models grow in place. Call the layer on the model's "
                                "outputs instead (functional API).")
            return self.add(other)
        raise TypeError(f"Cannot pipe {type(other).__name__} {other!r:.60} into model "
                        f"'{self.name}': expected a layer (e.g. layer_dense(units=32)), a model, "
                        "or a verb such as compile(...), fit(...), summary().")

    # ------------------------------------------------------------ summary
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=None, layer_range=None):
        """Print the layer table: name (type), output shape, params, totals."""
        text = format_summary(self, line_length=line_length, show_trainable=show_trainable,
                              expand_nested=expand_nested)
        if print_fn is None:
            print(text)
        else:
            for line in text.split("\n"):
                print_fn(line)

    def __str__(self):
        return format_summary(self)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))

    def _repr_html_(self):
        import html
        return "<pre>" + html.escape(str(self)) + "</pre>"

    # -------------------------------------------------------------- files
    def save(self, filepath, overwrite=True, include_optimizer=True, **kwargs):
        """Save architecture + weights (+ optimizer): ``.keras`` zip or legacy ``.h5``."""
        from ..saving import api
        return api.save_model(self, filepath, overwrite=overwrite,
                              include_optimizer=include_optimizer, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """``*.weights.h5`` -> Keras 3 layout; ``*.h5``/``*.hdf5`` -> legacy Keras 2 layout."""
        from ..saving import api
        return api.save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, **kwargs):
        """Load weights saved by pipeseq or Keras; the layout is detected from the file."""
        from ..saving import api
        return api.load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        from ..saving import api
        return api.model_to_json(self, **kwargs)

    def get_compile_config(self):
        """Keras 3 ``compile_config`` (``{}`` for an uncompiled model), as saved in files."""
        if not getattr(self, "compiled", False) or getattr(self, "_compile_config", None) is None:
            return {}
        from ..training import optimizers
        cc = self._compile_config
        return {"optimizer": optimizers.serialize(self.optimizer),
                "loss": _plain(cc.get("loss")), "loss_weights": _plain(cc.get("loss_weights")),
                "metrics": _plain(cc.get("metrics")), "weighted_metrics": None,
                "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}

    # -------------------------------------------------------- misc Keras
    @property
    def metrics(self):
        return [] if not self.compiled or self._metrics is None else \
            [self._loss_tracker] + [m for ms in self._metrics for m in ms]

    def reset_states(self):
        for layer in self.layers:
            if hasattr(layer, "reset_states"):
                layer.reset_states()

    def _input_kinds(self):
        return ["float"] * self.n_inputs

    # ------------------------------------------- subclassed models: __init__ + call
    # Sequential and Functional override all of these; a Model subclass that assigns layers
    # in __init__ and defines call() uses them (its forward/backward come from autograd).
    @property
    def layers(self):
        return list(self.__dict__.get("_tracked_layers", ()))

    @property
    def n_inputs(self):
        shape = self._build_input_shape
        return len(shape) if isinstance(shape, list) else 1

    @property
    def input_names(self):
        return [f"input_{i}" for i in range(self.n_inputs)] if self.n_inputs > 1 else ["input"]

    @property
    def output_names(self):
        n = len(self._output_shapes()) if self.built else 1
        return [f"output_{i}" for i in range(n)]

    def _input_shapes(self):
        shape = self._build_input_shape
        return list(shape) if isinstance(shape, list) else [shape]

    def _output_shapes(self):
        out = self.compute_output_shape(self._build_input_shape)
        return [tuple(s) for s in out] if isinstance(out, list) else [tuple(out)]

    def build(self, input_shape=None):
        """Build a subclassed model: run ``call`` once on zeros of ``input_shape``."""
        if not callable(getattr(type(self), "call", None)):
            raise NotImplementedError(f"{type(self).__name__} defines no call(); build it as a "
                                      "Sequential or functional Model(inputs, outputs).")
        if input_shape is None:
            raise ValueError(f"Model '{self.name}': build() needs input_shape, e.g. "
                             "model.build((None, 784)).")
        self._maybe_build(input_shape)

    def _maybe_build(self, input_shape):
        if self.built:
            return
        from ..layers.input_spec import as_shape
        shape = as_shape(input_shape)
        self._build_input_shape = shape
        shapes = shape if isinstance(shape, list) else [shape]
        zeros = [np.zeros([1 if d is None else d for d in s], self.dtype) for s in shapes]
        self.call(zeros if isinstance(shape, list) else zeros[0])   # builds the sublayers
        self._call_losses.clear()
        self.built = True

    def __bool__(self):
        return True

    def __len__(self):
        return len(self.layers)


def _plain(obj):
    """Losses/metrics as JSON: strings stay; objects become their Keras name."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, losses.Loss) and obj.fn_name not in (None, "custom"):
        return losses.serialize(obj)      # keeps options such as from_logits=True
    for attr in ("fn_name", "name", "__name__"):
        v = getattr(obj, attr, None)
        if isinstance(v, str) and v != "custom":
            return v
    return str(obj)
