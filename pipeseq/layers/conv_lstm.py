"""``ConvLSTM1D``, ``ConvLSTM2D``, ``ConvLSTM3D``: LSTMs whose input and recurrent
transformations are convolutions (Keras 3 and tf_keras names, configs and weights).

Input ``(batch, time, *spatial, channels)`` (``channels_first``: ``(batch, time, channels,
*spatial)``); output ``(batch, *out_spatial, filters)`` or, with ``return_sequences=True``,
``(batch, time, *out_spatial, filters)``; ``return_state=True`` adds ``[h, c]``.
Weights: ``kernel (*kernel_size, channels, 4*filters)``, ``recurrent_kernel (*kernel_size,
filters, 4*filters)``, ``bias (4*filters,)``, gates ``i, f, c, o``; the input convolution
uses ``strides``, ``padding`` and ``dilation_rate``, the recurrent one stride 1 and "same"
padding, as Keras. The math (hand-written forward and backward over the project's
convolution kernels) is in :mod:`pipeseq.kernels.conv_lstm`.

Example
-------
>>> import numpy as np
>>> ConvLSTM2D(4, 3, padding="same")(np.zeros((2, 5, 8, 8, 1), "float32")).shape
(2, 8, 8, 4)
>>> ConvLSTM1D(2, 3, return_sequences=True)(np.zeros((2, 5, 7, 3), "float32")).shape
(2, 5, 5, 2)
"""
import numpy as np

from .. import backend, initializers, regularizers
from ..kernels import activations as act_ops
from ..kernels import conv as conv_2d
from ..kernels import conv_lstm as K
from ..kernels import core as core_ops
from ..kernels import volumetric
from .base import format_shape, register
from .conv_base import standardize_data_format, standardize_padding, tuple_arg
from .rnn_base import RecurrentBase, flat_states
from .rnn_math import check_units


class ConvLSTM(RecurrentBase):
    """Shared machinery of ConvLSTM1D/2D/3D (Keras's ``ConvLSTM`` base)."""

    rank = 2
    ndim = None
    _n_states = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, zero_output_for_mask=False,
                 time_major=False, **kwargs):
        super().__init__(**kwargs)
        name = f"{type(self).__name__} '{self.name}'"
        check_units(self, filters, dropout, recurrent_dropout)
        n = self.rank
        self.filters = int(filters)
        self.kernel_size = tuple_arg(name, kernel_size, n, "kernel_size")
        self.strides = tuple_arg(name, strides, n, "strides")
        self.padding = standardize_padding(name, padding)
        self.data_format = standardize_data_format(name, data_format)
        self.dilation_rate = tuple_arg(name, dilation_rate, n, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{name}: `strides > 1` is not compatible with `dilation_rate > 1`. "
                             f"Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.activation = act_ops.get(activation)
        self.recurrent_activation = act_ops.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)
        self.recurrent_constraint = regularizers.get_constraint(recurrent_constraint)
        self.bias_constraint = regularizers.get_constraint(bias_constraint)
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self._set_sequence_args(return_sequences, return_state, go_backwards, stateful, unroll,
                                zero_output_for_mask, time_major)
        self._conv = volumetric if n == 3 else conv_2d

    # ------------------------------------------------------------ shapes
    def _split(self, step_shape):
        """``(spatial, channels)`` of one step's shape ``(batch, ...)``."""
        if self.data_format == "channels_first":
            return tuple(step_shape[2:]), step_shape[1]
        return tuple(step_shape[1:-1]), step_shape[-1]

    def _out_spatial(self, spatial):
        return tuple(None if s is None else conv_2d.conv_output_length(
            s, k, self.padding, st, d) for s, k, st, d in
            zip(spatial, self.kernel_size, self.strides, self.dilation_rate))

    def _state_shape(self, batch, spatial):
        out = self._out_spatial(spatial)
        if self.data_format == "channels_first":
            return (batch, self.filters) + out
        return (batch,) + out + (self.filters,)

    def _state_sizes(self):
        return [self.filters, self.filters]

    def _output_units(self):
        return self.filters

    def _check_input_rank(self, shape):
        if not isinstance(shape, list) and len(shape) != self.rank + 3:
            self._rank_error(shape)

    def _rank_error(self, shape):
        raise ValueError(
            f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with the "
            f"layer: expected ndim={self.rank + 3}, i.e. (batch, time, *spatial, channels), "
            f"found ndim={len(shape)}. Full shape received: {format_shape(tuple(shape))}")

    def compute_output_shape(self, input_shape):
        b, t = input_shape[0], input_shape[1]
        spatial, _ = self._split((b,) + tuple(input_shape[2:]))
        state = self._state_shape(b, spatial)
        out = (b, t) + state[1:] if self.return_sequences else state
        return [out, state, state] if self.return_state else out

    # ------------------------------------------------------------ weights
    def build(self, input_shape):
        spatial, channels = self._split((input_shape[0],) + tuple(input_shape[2:]))
        if channels is None or None in spatial:
            raise ValueError(f"{type(self).__name__} '{self.name}': the spatial and channel axes "
                             f"of the input must be known. Received input shape "
                             f"{format_shape(input_shape)}")
        self._in_spatial, self._channels = spatial, channels
        n = 4 * self.filters
        self.kernel = self.add_weight("kernel", self.kernel_size + (channels, n),
                                      self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel",
                                                self.kernel_size + (self.filters, n),
                                                self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight("bias", (n,), self._bias_init(),
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self._build_states(input_shape)

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        init, f = self.bias_initializer, self.filters

        def bias_init(shape, dtype=None):
            ones = np.ones((f,), dtype=backend.standardize_dtype(dtype))
            return np.concatenate([np.asarray(init((f,), dtype=dtype)), ones,
                                   np.asarray(init((2 * f,), dtype=dtype))]).astype(ones.dtype)
        return bias_init

    # ------------------------------------------------------------ states
    def reset_states(self, states=None):
        if not self.stateful:
            raise AttributeError(f"Layer '{self.name}' is not stateful; reset_states() applies to "
                                 "layers created with stateful=True.")
        B = getattr(self, "_stateful_batch", None)
        if B is None:
            return
        shape = self._state_shape(B, self._in_spatial)
        if states is None:
            self.states = [np.zeros(shape, dtype=self.dtype) for _ in range(2)]
            return
        states = [np.asarray(s, dtype=self.dtype) for s in flat_states(states)]
        if len(states) != 2 or any(s.shape != shape for s in states):
            raise ValueError(f"Layer '{self.name}': expected 2 states of shape {shape}. "
                             f"Received: {[s.shape for s in states]}")
        self.states = [s.copy() for s in states]

    reset_state = reset_states

    def _to_last(self, a, axis):
        return np.moveaxis(a, axis, -1) if self.data_format == "channels_first" else a

    def _from_last(self, a, axis):
        return np.moveaxis(a, -1, axis) if self.data_format == "channels_first" else a

    def _initial_states(self, initial_state, B, dtype):
        shape = self._state_shape(B, self._in_spatial)
        if initial_state is not None:
            h0 = [np.asarray(s, dtype=dtype) for s in flat_states(initial_state)]
            if len(h0) != 2 or any(s.shape != shape for s in h0):
                raise ValueError(f"Layer '{self.name}' expects 2 initial states of shape {shape}. "
                                 f"Received: initial_state shapes {[s.shape for s in h0]}")
        elif self.stateful:
            h0 = [s.astype(dtype, copy=False) for s in self.states]
        else:
            h0 = [np.zeros(shape, dtype=dtype) for _ in range(2)]
        return [np.ascontiguousarray(self._to_last(s, 1)) for s in h0]

    # ------------------------------------------------------------ computing
    def _check(self, x):
        if x.ndim != self.rank + 3:
            self._rank_error(x.shape)
        spatial, channels = self._split((x.shape[0],) + tuple(x.shape[2:]))
        if (spatial, channels) != (self._in_spatial, self._channels):
            raise ValueError(
                f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with "
                f"the layer: expected steps of spatial shape {self._in_spatial} with "
                f"{self._channels} channels, but received input with shape {tuple(x.shape)}")
        if self.stateful and x.shape[0] != self._stateful_batch:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' is stateful with a fixed batch size of "
                f"{self._stateful_batch}, but received a batch of {x.shape[0]} samples.")

    def _masks(self, x_shape, h_shape, dtype, training):
        if not training or (self.dropout == 0 and self.recurrent_dropout == 0):
            return None, None
        rng = self._rng or backend.rng()
        in_m = core_ops.dropout_mask(rng, (4,) + x_shape, self.dropout, dtype) \
            if self.dropout > 0 else None
        rec_m = core_ops.dropout_mask(rng, (4,) + h_shape, self.recurrent_dropout, dtype) \
            if self.recurrent_dropout > 0 else None
        return in_m, rec_m

    def _forward(self, x, training, mask, initial_state):
        self._check(x)
        if mask is not None and not np.asarray(mask).all():
            raise ValueError(f"{type(self).__name__} '{self.name}': masked time steps are not "
                             "supported by pipeseq's ConvLSTM layers. Received a mask with "
                             f"{int((~np.asarray(mask, bool)).sum())} masked step(s).")
        dtype = x.dtype
        B = x.shape[0]
        h0 = self._initial_states(initial_state, B, dtype)
        x_tm = np.swapaxes(self._to_last(x, 2), 0, 1)
        if self.go_backwards:
            x_tm = x_tm[::-1]
        in_m, rec_m = self._masks(x_tm.shape[1:], h0[0].shape, dtype, training)
        W = self.kernel.value.astype(dtype, copy=False)
        U = self.recurrent_kernel.value.astype(dtype, copy=False)
        b = self.bias.value.astype(dtype, copy=False) if self.use_bias else None
        xp, pcache = K.input_conv(self._conv, x_tm, W, b, self.strides, self.padding,
                                  self.dilation_rate, in_m)
        H, finals, ccache = K.forward(self._conv, xp, h0[0], h0[1], U, rec_m, self.activation,
                                      self.recurrent_activation)
        finals = [np.ascontiguousarray(self._from_last(s, 1)) for s in finals]
        if self.stateful:
            self.states = [s.astype(self.dtype, copy=True) for s in finals]
        out = np.swapaxes(H, 0, 1) if self.return_sequences else H[-1]
        out = np.ascontiguousarray(self._from_last(out, 2 if self.return_sequences else 1))
        cache = (pcache, ccache, x.shape)
        return ([out] + finals if self.return_state else out), cache

    def _backward(self, cache, dy, need_dx=True, want_state_grads=False):
        pcache, ccache, shape = cache
        H = ccache[2]
        dout, dstates = (dy[0], list(dy[1:])) if self.return_state else (dy, [None, None])
        dstates = [None if d is None else np.ascontiguousarray(self._to_last(d, 1))
                   for d in dstates]
        dY = np.zeros(H.shape[:1] + H.shape[1:-1] + (self.filters,), dtype=H.dtype)
        if dout is not None:
            if self.return_sequences:
                dY[...] = np.swapaxes(self._to_last(dout, 2), 0, 1)
            else:
                dY[-1] = self._to_last(dout, 1)
        dXP, dU, dh0 = K.backward(self._conv, ccache, dY, dstates)
        dx_tm, dW, db = K.input_conv_backward(self._conv, pcache, dXP, need_dx)
        dx = None
        if need_dx:
            if self.go_backwards:
                dx_tm = dx_tm[::-1]
            dx = np.ascontiguousarray(self._from_last(np.swapaxes(dx_tm, 0, 1), 2))
        grads = [dW, dU] + ([db] if self.use_bias else [])
        if want_state_grads:
            return dx, grads, [np.ascontiguousarray(self._from_last(d, 1)) for d in dh0]
        return dx, grads

    # -------------------------------------------------------------- config
    def get_config(self):
        ser, con = regularizers.serialize, regularizers.serialize_constraint
        return {**super().get_config(), **self._sequence_config(),
                "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": self.activation.name,
                "recurrent_activation": self.recurrent_activation.name,
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "unit_forget_bias": self.unit_forget_bias,
                "kernel_regularizer": ser(self.kernel_regularizer),
                "recurrent_regularizer": ser(self.recurrent_regularizer),
                "bias_regularizer": ser(self.bias_regularizer),
                "activity_regularizer": ser(self.activity_regularizer),
                "kernel_constraint": con(self.kernel_constraint),
                "recurrent_constraint": con(self.recurrent_constraint),
                "bias_constraint": con(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed}

    def __repr__(self):
        return (f"<{type(self).__name__} name={self.name}, filters={self.filters}, "
                f"return_sequences={self.return_sequences}, built={self.built}>")


@register
class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM: input ``(batch, time, length, channels)``.

    >>> import numpy as np
    >>> ConvLSTM1D(2, 3, padding="same")(np.zeros((1, 4, 6, 2), "float32")).shape
    (1, 6, 2)
    """

    rank = 1


@register
class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM: input ``(batch, time, rows, cols, channels)``.

    >>> import numpy as np
    >>> ConvLSTM2D(2, (3, 3))(np.zeros((1, 4, 6, 6, 1), "float32")).shape
    (1, 4, 4, 2)
    """

    rank = 2


@register
class ConvLSTM3D(ConvLSTM):
    """3-D convolutional LSTM: input ``(batch, time, dim1, dim2, dim3, channels)``.

    >>> import numpy as np
    >>> ConvLSTM3D(2, 2, padding="same")(np.zeros((1, 3, 4, 4, 4, 1), "float32")).shape
    (1, 4, 4, 4, 2)
    """

    rank = 3
