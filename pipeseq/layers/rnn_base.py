"""Shared machinery of the recurrent layers (``SimpleRNN``, ``LSTM``, ``GRU``).

``_RNN`` owns what the three have in common: arguments and their validation,
weights ``kernel`` / ``recurrent_kernel`` / ``bias``, stateful states and
``reset_states()``, per-sequence dropout masks, masks, ``go_backwards``,
``return_sequences`` / ``return_state``, shape inference and config. A subclass
sets ``_k`` (gate blocks) and ``_n_states`` and calls its cell's ops in
``_cell_forward`` / ``_cell_backward``. The math is in :mod:`pipeseq.kernels.recurrent`.

Example
-------
>>> import numpy as np
>>> from pipeseq.layers import LSTM
>>> layer = LSTM(2, stateful=True)
>>> _ = layer(np.ones((3, 4, 5), "float32"))     # batch size 3 fixed from now on
>>> [s.shape for s in layer.states]
[(3, 2), (3, 2)]
>>> layer.reset_states()
"""
import numpy as np

from .. import backend, initializers, regularizers
from ..kernels import activations as act_ops
from ..kernels import core as core_ops
from ..kernels import recurrent as R
from ..graph import call_symbolic, is_symbolic
from .base import Layer, format_shape
from .call_args import group_slots


class _RNN(Layer):
    """Shared machinery of SimpleRNN, LSTM and GRU (not a Keras class by itself)."""

    accepts_mask = True
    supports_masking = True
    ndim = 3
    _k = 1            # gate blocks
    _n_states = 1
    _has_recurrent_activation = True

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, zero_output_for_mask=False,
                 implementation=None, use_cudnn="auto", time_major=False, **kwargs):
        super().__init__(**kwargs)
        cls = type(self).__name__
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"{cls} '{self.name}': `units` must be a positive integer. "
                             f"Received: units={units!r}")
        for arg, val in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not isinstance(val, (int, float, np.floating)) or not 0.0 <= float(val) < 1.0:
                raise ValueError(f"{cls} '{self.name}': `{arg}` must be a float in [0, 1). "
                                 f"Received: {arg}={val!r}")
        if time_major:
            raise ValueError(f"{cls} '{self.name}': time_major=True is not supported; pass "
                             "inputs as (batch, timesteps, features).")
        self.units = int(units)
        self.activation = act_ops.get(activation)
        self.recurrent_activation = act_ops.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
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
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.states = None

    # ------------------------------------------------------------ building
    def _bias_shape(self):
        return (self._k * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        cls = type(self).__name__
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"{cls} '{self.name}': the last axis (features) of the input must be "
                             f"known. Received input shape {format_shape(input_shape)}")
        n = self._k * self.units
        self.kernel = self.add_weight("kernel", (features, n), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, n),
                                                self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight("bias", self._bias_shape(), self._bias_initializer(),
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        if self.stateful:
            if input_shape[0] is None:
                raise ValueError(
                    f"{cls} '{self.name}': stateful=True needs a fixed batch size, but the input "
                    f"shape is {format_shape(input_shape)}. Give the first layer of the model "
                    "batch_input_shape=(batch_size, timesteps, features) (R: batch_input_shape = "
                    "c(batch_size, timesteps, features)) or batch_size=.")
            self._stateful_batch = int(input_shape[0])
            self.reset_states()

    def reset_states(self, states=None):
        """Set the carried states of a stateful layer to zeros (or to ``states``)."""
        if not self.stateful:
            raise AttributeError(f"Layer '{self.name}' is not stateful; reset_states() applies to "
                                 "layers created with stateful=True.")
        B = getattr(self, "_stateful_batch", None)
        if B is None:        # not built yet: build() creates zero states
            return
        if states is None:
            self.states = [np.zeros((B, self.units), dtype=self.dtype) for _ in range(self._n_states)]
        else:
            states = states if isinstance(states, (list, tuple)) else [states]
            if len(states) != self._n_states:
                raise ValueError(f"Layer '{self.name}' has {self._n_states} state(s); received "
                                 f"{len(states)}.")
            new = []
            for s in states:
                s = np.asarray(s, dtype=self.dtype)
                if s.shape != (B, self.units):
                    raise ValueError(f"Layer '{self.name}': expected a state of shape "
                                     f"{(B, self.units)}, received {s.shape}.")
                new.append(s.copy())
            self.states = new

    def compute_output_shape(self, input_shape):
        b = input_shape[0]
        out = (b, input_shape[1], self.units) if self.return_sequences else (b, self.units)
        if self.return_state:
            return [out] + [(b, self.units)] * self._n_states
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * self._n_states
        return out

    # ----------------------------------------------------------- computing
    def _check_input_rank(self, shape):
        if not isinstance(shape, list) and len(shape) != 3:
            self._rank_error(shape)

    def _rank_error(self, shape):
        raise ValueError(
            f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with the "
            f"layer: expected ndim=3, i.e. input of shape (batch_size, timesteps, features), "
            f"found ndim={len(shape)}. Full shape received: {format_shape(tuple(shape))}")

    def _check(self, x):
        cls = type(self).__name__
        if x.ndim != 3:
            self._rank_error(x.shape)
        if x.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"Input 0 of layer '{self.name}' ({cls}) is incompatible with the layer: expected "
                f"axis -1 of input shape to have value {self.kernel.shape[0]}, but received input "
                f"with shape {tuple(x.shape)}")
        if self.stateful and x.shape[0] != self._stateful_batch:
            raise ValueError(
                f"{cls} '{self.name}' is stateful with a fixed batch size of "
                f"{self._stateful_batch}, but received a batch of {x.shape[0]} samples (input "
                f"shape {tuple(x.shape)}). Use batch_size={self._stateful_batch} and a number of "
                "samples that is a multiple of it.")

    def _dropout_masks(self, B, F, dtype, training):
        """Per-sequence dropout masks (Keras 3: one input mask; per-gate masks when
        recurrent_dropout > 0, i.e. ``implementation=1``)."""
        if not training or (self.dropout == 0 and self.recurrent_dropout == 0):
            return None, None
        rng = self._rng or backend.rng()
        per_gate = self.recurrent_dropout > 0 and self._k > 1
        k = self._k if per_gate else None
        in_m = rec_m = None
        if self.dropout > 0:
            shape = (k, B, F) if k else (B, F)
            in_m = core_ops.dropout_mask(rng, shape, self.dropout, dtype)
        if self.recurrent_dropout > 0:
            rec_m = core_ops.dropout_mask(rng, (self._k, B, self.units), self.recurrent_dropout,
                                          dtype)
            if self._k == 1:
                rec_m = rec_m      # SimpleRNN: a single block
        return in_m, rec_m

    can_skip_input_grad = True     # backward(..., need_dx=False) skips the input gradient

    # ``layer(x, initial_state=[h, c])`` with symbolic states: a graph node with several tensor
    # inputs (see pipeseq.layers.call_args); the states get gradients like any input.
    call_args = ("sequences", "initial_state")

    def __call__(self, x, training=False, mask=None, initial_state=None, **kwargs):
        if initial_state is not None and is_symbolic(initial_state):
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) \
                else [initial_state]
            if not is_symbolic(x):
                raise TypeError(f"Layer '{self.name}': a symbolic `initial_state` needs symbolic "
                                f"inputs too. Received inputs of type {type(x).__name__}")
            self._maybe_build(x.shape)
            slots = [["sequences", None]] + [["initial_state", i] for i in range(len(states))]
            return call_symbolic(self, [x] + states, call_slots=slots, call_npos=1, **kwargs)
        if "call_slots" in kwargs:                       # a rebuilt graph node
            flat, slots = list(x), kwargs.pop("call_slots")
            kwargs.pop("call_npos", None)
            named = group_slots(flat, slots)
            return self(named["sequences"], training=training, mask=mask,
                        initial_state=named.get("initial_state"), **kwargs)
        return super().__call__(x, training=training, mask=mask, initial_state=initial_state,
                                **kwargs)

    def output_shape_for_call(self, shapes, call_slots=None, **_):
        return self.compute_output_shape(shapes[0] if call_slots else shapes)

    def forward(self, x, training=False, mask=None, initial_state=None, call_slots=None,
                call_npos=None):
        # The time loops run with one BLAS thread (see kernels.rnn_fast); the big products
        # outside them (input projection, weight gradients) use all of BLAS's threads.
        if call_slots is None:
            return self._forward(x, training, mask, initial_state)
        named = group_slots(x, call_slots)                 # [sequences, *initial_state]
        if isinstance(mask, list):
            mask = mask[0]
        y, cache = self._forward(named["sequences"], training, mask, named.get("initial_state"))
        return y, ("with_states", cache)

    def backward(self, cache, dy, need_dx=True):
        if isinstance(cache, tuple) and len(cache) == 2 and cache[0] == "with_states":
            dx, grads, dstates = self._backward(cache[1], dy, True, want_state_grads=True)
            return [dx] + list(dstates), grads
        return self._backward(cache, dy, need_dx)

    def _forward(self, x, training, mask, initial_state):
        self._check(x)
        B, T, F = x.shape
        dtype = x.dtype
        W, U = self.kernel.value, self.recurrent_kernel.value
        if W.dtype != dtype:
            W, U = W.astype(dtype), U.astype(dtype)
        if initial_state is not None:
            h0 = [np.asarray(s, dtype=dtype) for s in
                  (initial_state if isinstance(initial_state, (list, tuple)) else [initial_state])]
        elif self.stateful:
            h0 = [s.astype(dtype, copy=False) for s in self.states]
        else:
            h0 = [np.zeros((B, self.units), dtype=dtype) for _ in range(self._n_states)]
        # time-major, processing order
        x_tm = x.transpose(1, 0, 2)
        if self.go_backwards:
            x_tm = x_tm[::-1]
        m_tm = out_ind = None
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (B, T):
                raise ValueError(f"Layer '{self.name}': mask of shape {mask.shape} does not match "
                                 f"the input's (batch, timesteps) = {(B, T)}.")
            if not mask.all():
                m_tm = mask.T[:, :, None]
                if self.go_backwards:
                    m_tm = m_tm[::-1]
                # masked steps output the previous output (zeros before the first
                # unmasked step), or zeros with zero_output_for_mask
                out_ind = (m_tm if self.zero_output_for_mask
                           else np.logical_or.accumulate(m_tm, axis=0)).astype(dtype)
        in_m, rec_m = self._dropout_masks(B, F, dtype, training)
        b_in, b_rec = self._split_bias(dtype)
        xp, pcache = R.input_projection(x_tm, W, b_in, in_m)
        H, finals, ccache = self._cell_forward(xp, h0, U, b_rec, m_tm, rec_m)
        if self.stateful:
            self.states = [s.astype(self.dtype, copy=True) for s in finals]
        Y = H if out_ind is None else H * out_ind
        out = np.ascontiguousarray(Y.transpose(1, 0, 2)) if self.return_sequences else Y[-1].copy()
        cache = (pcache, ccache, out_ind, x.shape, dtype)
        if self.return_state:
            return [out] + finals, cache
        return out, cache

    def _backward(self, cache, dy, need_dx=True, want_state_grads=False):
        pcache, ccache, out_ind, shape, dtype = cache
        B, T, F = shape
        if self.return_state:
            dout, dstates = dy[0], list(dy[1:])
        else:
            dout, dstates = dy, [None] * self._n_states
        if dout is None:
            dY = np.zeros((T, B, self.units), dtype=dtype)
        elif self.return_sequences:
            dY = dout.transpose(1, 0, 2)
        else:
            dY = np.zeros((T, B, self.units), dtype=dtype)
            dY[-1] = dout
        if out_ind is not None:
            dY = dY * out_ind
        dXP, dU, db_rec, dh0 = self._cell_backward(ccache, dY, dstates)
        dx_tm, dW, db_in = R.input_projection_backward(pcache, dXP, need_dx)
        dx = None
        if need_dx:
            if self.go_backwards:
                dx_tm = dx_tm[::-1]
            dx = np.ascontiguousarray(dx_tm.transpose(1, 0, 2))
        grads = [dW, dU]
        if self.use_bias:
            grads.append(self._join_bias_grad(db_in, db_rec))
        if want_state_grads:
            return dx, grads, dh0
        return dx, grads

    def _split_bias(self, dtype):
        if not self.use_bias:
            return None, None
        return self.bias.value.astype(dtype, copy=False), None

    def _join_bias_grad(self, db_in, db_rec):
        return db_in

    # -------------------------------------------------------------- config
    def get_config(self):
        cfg = {**super().get_config(), "return_sequences": self.return_sequences,
               "return_state": self.return_state, "go_backwards": self.go_backwards,
               "stateful": self.stateful, "unroll": self.unroll,
               "zero_output_for_mask": self.zero_output_for_mask, "units": self.units,
               "activation": self.activation.name}
        if self._has_recurrent_activation:
            cfg["recurrent_activation"] = self.recurrent_activation.name
        cfg.update({
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer)})
        cfg.update(self._extra_config_before_regularizers())
        cfg.update({
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": regularizers.serialize_constraint(self.kernel_constraint),
            "recurrent_constraint": regularizers.serialize_constraint(self.recurrent_constraint),
            "bias_constraint": regularizers.serialize_constraint(self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout})
        cfg.update(self._extra_config_after_dropout())
        cfg["seed"] = self.seed
        return cfg

    def _extra_config_before_regularizers(self):
        return {}

    def _extra_config_after_dropout(self):
        return {}

    def __repr__(self):
        return (f"<{type(self).__name__} name={self.name}, units={self.units}, "
                f"return_sequences={self.return_sequences}, built={self.built}>")
