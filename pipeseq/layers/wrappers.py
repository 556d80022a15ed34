"""Wrappers: the ``Wrapper`` base, ``TimeDistributed(layer)`` and ``Bidirectional(rnn)``.

As in Keras 3, ``TimeDistributed`` (and ``SpectralNormalization``) subclass ``Wrapper``;
``Bidirectional`` is a plain ``Layer`` holding two recurrent layers.

Example
-------
>>> import numpy as np
>>> from pipeseq.layers import Dense, LSTM
>>> TimeDistributed(Dense(2))(np.zeros((3, 5, 4), "float32")).shape
(3, 5, 2)
>>> Bidirectional(LSTM(3, return_sequences=True))(np.zeros((2, 5, 4), "float32")).shape
(2, 5, 6)
"""
import numpy as np

from .base import Layer, register
from .serialization import deserialize_layer, serialize_layer

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _serialize(layer):
    entry = serialize_layer(layer)
    entry.pop("build_config", None)
    return entry


def _deserialize(entry):
    return deserialize_layer(entry)


class Wrapper(Layer):
    """Abstract base of layers that wrap another layer (``self.layer``), as Keras's.

    A subclass defines ``call`` (or ``forward``/``backward``); the base builds the wrapped
    layer for the wrapper's input shape and writes/reads it in the config under ``"layer"``.
    Not a layer by itself (not in the layer registry), as in Keras.

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq import ops
    >>> from pipeseq.layers import Dense
    >>> class Doubled(Wrapper):
    ...     def call(self, inputs):
    ...         return ops.multiply(self.layer(inputs), 2.0)
    >>> Doubled(Dense(3))(np.ones((2, 4), "float32")).shape
    (2, 3)
    """

    def __init__(self, layer, **kwargs):
        if isinstance(layer, dict):
            layer = _deserialize(layer)
        if not isinstance(layer, Layer):
            raise ValueError(f"Layer {layer!r} supplied to {type(self).__name__} isn't a "
                             "supported layer type. Please ensure the wrapped layer is a valid "
                             f"Keras layer. Received: layer={layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def _sublayers(self):
        return [self.layer]

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._maybe_build(input_shape)

    def get_config(self):
        return {**super().get_config(), "layer": _serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects=custom_objects)
        return cls(**config)


@register
class TimeDistributed(Wrapper):
    """Apply ``layer`` to every time step: input ``(batch, time, ...)``.

    The inner layer sees ``(batch*time, ...)``; its weights are shared across steps.

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq.layers import Dense
    >>> td = TimeDistributed(Dense(8))
    >>> td(np.zeros((2, 10, 16), "float32")).shape
    (2, 10, 8)
    """

    supports_masking = True
    min_ndim = 3

    def _inner_shape(self, input_shape):
        b, t = input_shape[0], input_shape[1]
        bt = None if b is None or t is None else b * t
        return (bt,) + tuple(input_shape[2:])

    def build(self, input_shape):
        self.layer._maybe_build(self._inner_shape(input_shape))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((None,) + tuple(input_shape[2:]))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def forward(self, x, training=False):
        if x.ndim < 3:
            raise ValueError(f"TimeDistributed '{self.name}' expects input of rank >= 3, "
                             f"(batch, time, ...); received shape {tuple(x.shape)}")
        B, T = x.shape[:2]
        y, cache = self.layer.forward(x.reshape((B * T,) + x.shape[2:]), training=training)
        return y.reshape((B, T) + y.shape[1:]), (cache, x.shape)

    def backward(self, cache, dy):
        inner, shape = cache
        B, T = shape[:2]
        dx, grads = self.layer.backward(inner, dy.reshape((B * T,) + dy.shape[2:]))
        return (None if dx is None else dx.reshape(shape)), grads


@register
class Bidirectional(Layer):
    """Run a recurrent layer forwards and backwards and merge the two outputs.

    ``merge_mode``: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"`` or ``None``
    (a list ``[forward, backward]``). Weights: the forward layer's, then the backward
    layer's (``forward_<name>``, ``backward_<name>``). With ``return_sequences`` the
    backward output is flipped back to the input's time order, as Keras does.

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq.layers import GRU
    >>> Bidirectional(GRU(4), merge_mode="sum")(np.zeros((2, 6, 3), "float32")).shape
    (2, 4)
    """

    accepts_mask = True
    supports_masking = True
    ndim = 3

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if isinstance(layer, dict):
            layer = _deserialize(layer)
        if isinstance(backward_layer, dict):
            backward_layer = _deserialize(backward_layer)
        if not isinstance(layer, Layer) or not hasattr(layer, "go_backwards"):
            raise ValueError("Bidirectional needs a recurrent layer instance (SimpleRNN, LSTM, "
                             f"GRU). Received: layer={layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: merge_mode={merge_mode!r}. Merge "
                             "mode should be one of {'sum', 'mul', 'ave', 'concat', None}")
        super().__init__(**kwargs)
        cfg = layer.get_config()
        name = layer.name[len("forward_"):] if layer.name.startswith("forward_") else layer.name
        cfg["name"] = "forward_" + name
        self.forward_layer = type(layer).from_config(cfg)
        if backward_layer is None:
            cfg = layer.get_config()
            bname = layer.name[len("backward_"):] if layer.name.startswith("backward_") else layer.name
            cfg["name"] = "backward_" + bname
            cfg["go_backwards"] = True
            backward_layer = type(layer).from_config(cfg)
        self.backward_layer = backward_layer
        if self.forward_layer.return_sequences != self.backward_layer.return_sequences:
            raise ValueError("Forward layer and backward layer should have the same "
                             "return_sequences.")
        for l in (self.forward_layer, self.backward_layer):
            l.zero_output_for_mask = l.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = self.forward_layer.return_sequences
        # return_state: outputs are [merged] (or [forward, backward]) + forward's states +
        # backward's states, as Keras.
        self.return_state = bool(getattr(self.forward_layer, "return_state", False))
        self.stateful = self.forward_layer.stateful
        self._bidi_weights = weights

    def _sublayers(self):
        return [self.forward_layer, self.backward_layer]

    def build(self, input_shape):
        self.forward_layer._maybe_build(input_shape)
        self.backward_layer._maybe_build(input_shape)
        if self._bidi_weights:
            n = len(self._bidi_weights) // 2
            self.forward_layer.set_weights(self._bidi_weights[:n])
            self.backward_layer.set_weights(self._bidi_weights[n:])
            self._bidi_weights = None

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def compute_output_shape(self, input_shape):
        f = self.forward_layer.compute_output_shape(input_shape)
        b = self.backward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            f, states_f = f[0], list(f[1:])
            b, states_b = b[0], list(b[1:])
            states = states_f + states_b
        if self.merge_mode is None:
            return [f, b] + states
        if self.merge_mode == "concat":
            last = None if f[-1] is None or b[-1] is None else f[-1] + b[-1]
            f = tuple(f[:-1]) + (last,)
        return [f] + states if states else f

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        out = mask if self.return_sequences else None
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            outs += [None] * (2 * self.forward_layer._n_states)
        return outs if len(outs) > 1 else outs[0]

    def forward(self, x, training=False, mask=None):
        yf, cf = self.forward_layer.forward(x, training=training, mask=mask)
        yb, cb = self.backward_layer.forward(x, training=training, mask=mask)
        states = []
        if self.return_state:
            states = list(yf[1:]) + list(yb[1:])
            yf, yb = yf[0], yb[0]
        y, cache = self._merge(yf, yb)
        if self.return_state:
            y = (y if isinstance(y, list) else [y]) + states
        return y, (cf, cb) + cache

    def _merge(self, yf, yb):
        if self.return_sequences:
            yb = yb[:, ::-1]
        mode = self.merge_mode
        if mode == "concat":
            y = np.concatenate([yf, yb], axis=-1)
        elif mode == "sum":
            y = yf + yb
        elif mode == "ave":
            y = (yf + yb) * np.asarray(0.5, dtype=yf.dtype)
        elif mode == "mul":
            y = yf * yb
        else:
            y = [yf, np.ascontiguousarray(yb)]
        return y, (yf, yb)

    def backward(self, cache, dy):
        cf, cb, yf, yb = cache
        dsf = dsb = []
        if self.return_state:
            n = self.forward_layer._n_states
            head = 2 if self.merge_mode is None else 1
            dstates = list(dy[head:])
            dsf, dsb = dstates[:n], dstates[n:]
            dy = list(dy[:head]) if head == 2 else dy[0]
        mode = self.merge_mode
        if mode == "concat":
            n = yf.shape[-1]
            dyf, dyb = dy[..., :n], dy[..., n:]
        elif mode == "sum":
            dyf = dyb = dy
        elif mode == "ave":
            dyf = dyb = dy * np.asarray(0.5, dtype=dy.dtype)
        elif mode == "mul":
            dyf, dyb = dy * yb, dy * yf
        else:
            dyf = dy[0] if dy[0] is not None else np.zeros_like(yf)
            dyb = dy[1] if dy[1] is not None else np.zeros_like(yb)
        if self.return_sequences:
            dyb = dyb[:, ::-1]
        dyf, dyb = np.ascontiguousarray(dyf), np.ascontiguousarray(dyb)
        if self.return_state:
            dyf, dyb = [dyf] + list(dsf), [dyb] + list(dsb)
        dxf, gf = self.forward_layer.backward(cf, dyf)
        dxb, gb = self.backward_layer.backward(cb, dyb)
        return dxf + dxb, list(gf) + list(gb)

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": _serialize(self.forward_layer),
                "backward_layer": _serialize(self.backward_layer)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layer"] = _deserialize(config["layer"])
        if config.get("backward_layer") is not None:
            config["backward_layer"] = _deserialize(config["backward_layer"])
        return cls(**config)

    def __repr__(self):
        return (f"<Bidirectional name={self.name}, layer={type(self.forward_layer).__name__}, "
                f"merge_mode={self.merge_mode!r}, built={self.built}>")
