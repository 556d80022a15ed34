"""Shared machinery of the recurrent layers (``SimpleRNN``, ``LSTM``, ``GRU``, ``RNN``).

``RecurrentBase`` runs one or several built-in cells through time: stateful states and
``reset_states()``, masks, ``go_backwards``, ``return_sequences`` / ``return_state``,
symbolic ``initial_state``, shape inference and the sequence config keys. The cells it runs
(``_engines()``: the layer itself for ``LSTM``, the cells of ``RNN(LSTMCell(..))`` or of a
``StackedRNNCells``) bring their weights and math (:mod:`pipeseq.layers.rnn_math`); a stack
runs cell after cell over the whole sequence, which equals Keras's step-by-step stack.
``_RNN`` adds the cell arguments for ``SimpleRNN``, ``LSTM`` and ``GRU``.

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

from .. import regularizers
from ..kernels.rnn_common import input_projection, input_projection_backward
from ..graph import call_symbolic, is_symbolic
from .base import Layer, format_shape
from .call_args import group_slots
from .rnn_math import CellArgs


def flat_states(states):
    """``[h, [h2, c2]]`` -> ``[h, h2, c2]`` (Keras nests the states of stacked cells)."""
    out = []
    for s in states if isinstance(states, (list, tuple)) else [states]:
        if isinstance(s, (list, tuple)):
            out.extend(flat_states(s))
        else:
            out.append(s)
    return out


class RecurrentBase(Layer):
    """Runs built-in cells through time (not a Keras class by itself)."""

    accepts_mask = True
    supports_masking = True
    ndim = 3
    can_skip_input_grad = True     # backward(..., need_dx=False) skips the input gradient
    # ``layer(x, initial_state=[h, c])`` with symbolic states: a graph node with several tensor
    # inputs (see pipeseq.layers.call_args); the states get gradients like any input.
    call_args = ("sequences", "initial_state")

    def _set_sequence_args(self, return_sequences=False, return_state=False, go_backwards=False,
                           stateful=False, unroll=False, zero_output_for_mask=False,
                           time_major=False):
        if time_major:
            raise ValueError(f"{type(self).__name__} '{self.name}': time_major=True is not "
                             "supported; pass inputs as (batch, timesteps, features).")
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.states = None

    def _sequence_config(self):
        return {"return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful,
                "unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask}

    # ------------------------------------------------------ what runs
    def _engines(self):
        """The built-in cells run one after the other (the layer itself for LSTM & co.)."""
        return [self]

    def _state_sizes(self):
        return [u for e in self._engines() for u in e._state_units]

    def _output_units(self):
        return self._engines()[-1].units

    # ------------------------------------------------------ states
    def _build_states(self, input_shape):
        if not self.stateful:
            return
        if input_shape[0] is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': stateful=True needs a fixed batch size, "
                f"but the input shape is {format_shape(input_shape)}. Give the first layer of the "
                "model batch_input_shape=(batch_size, timesteps, features) (R: batch_input_shape "
                "= c(batch_size, timesteps, features)) or batch_size=.")
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
        sizes = self._state_sizes()
        if states is None:
            self.states = [np.zeros((B, u), dtype=self.dtype) for u in sizes]
            return
        states = flat_states(states)
        if len(states) != len(sizes):
            raise ValueError(f"Layer '{self.name}' has {len(sizes)} state(s); received "
                             f"{len(states)}.")
        new = []
        for s, u in zip(states, sizes):
            s = np.asarray(s, dtype=self.dtype)
            if s.shape != (B, u):
                raise ValueError(f"Layer '{self.name}': expected a state of shape "
                                 f"{(B, u)}, received {s.shape}.")
            new.append(s.copy())
        self.states = new

    reset_state = reset_states

    # ------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape):
        b = input_shape[0]
        u = self._output_units()
        out = (b, input_shape[1], u) if self.return_sequences else (b, u)
        if self.return_state:
            return [out] + [(b, s) for s in self._state_sizes()]
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self._state_sizes())
        return out

    def _check_input_rank(self, shape):
        if not isinstance(shape, list) and len(shape) != 3:
            self._rank_error(shape)

    def _rank_error(self, shape):
        raise ValueError(
            f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with the "
            f"layer: expected ndim=3, i.e. input of shape (batch_size, timesteps, features), "
            f"found ndim={len(shape)}. Full shape received: {format_shape(tuple(shape))}")

    def _input_features(self):
        return self._engines()[0].kernel.shape[0]

    def _check(self, x):
        cls = type(self).__name__
        if x.ndim != 3:
            self._rank_error(x.shape)
        if x.shape[-1] != self._input_features():
            raise ValueError(
                f"Input 0 of layer '{self.name}' ({cls}) is incompatible with the layer: expected "
                f"axis -1 of input shape to have value {self._input_features()}, but received "
                f"input with shape {tuple(x.shape)}")
        if self.stateful and x.shape[0] != self._stateful_batch:
            raise ValueError(
                f"{cls} '{self.name}' is stateful with a fixed batch size of "
                f"{self._stateful_batch}, but received a batch of {x.shape[0]} samples (input "
                f"shape {tuple(x.shape)}). Use batch_size={self._stateful_batch} and a number of "
                "samples that is a multiple of it.")

    # ------------------------------------------------------ calling
    def __call__(self, x, training=False, mask=None, initial_state=None, **kwargs):
        if initial_state is not None and is_symbolic(initial_state):
            states = flat_states(initial_state)
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

    def _initial_states(self, initial_state, B, dtype):
        sizes = self._state_sizes()
        if initial_state is not None:
            h0 = [np.asarray(s, dtype=dtype) for s in flat_states(initial_state)]
            if len(h0) != len(sizes) or any(s.shape != (B, u) for s, u in zip(h0, sizes)):
                raise ValueError(
                    f"Layer '{self.name}' expects {len(sizes)} initial state(s) of shapes "
                    f"{[(B, u) for u in sizes]}. Received: initial_state shapes "
                    f"{[s.shape for s in h0]}")
            return h0
        if self.stateful:
            return [s.astype(dtype, copy=False) for s in self.states]
        return [np.zeros((B, u), dtype=dtype) for u in sizes]

    def _time_major(self, x, mask, dtype):
        """Inputs in processing order, the (T, B, 1) mask and the output indicator."""
        B, T, _ = x.shape
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
        return x_tm, m_tm, out_ind

    def _forward(self, x, training, mask, initial_state):
        self._check(x)
        B = x.shape[0]
        dtype = x.dtype
        h0 = self._initial_states(initial_state, B, dtype)
        seq, m_tm, out_ind = self._time_major(x, mask, dtype)
        caches, finals, i = [], [], 0
        for e in self._engines():
            n = e._n_states
            W, U = e.kernel.value, e.recurrent_kernel.value
            if W.dtype != dtype:
                W, U = W.astype(dtype), U.astype(dtype)
            in_m, rec_m = e._sequence_dropout_masks(B, seq.shape[-1], dtype, training)
            b_in, b_rec = e._split_bias(dtype)
            xp, pcache = input_projection(seq, W, b_in, in_m)
            seq, fin, ccache = e._cell_forward(xp, h0[i:i + n], U, b_rec, m_tm, rec_m)
            caches.append((pcache, ccache))
            finals.extend(fin)
            i += n
        if self.stateful:
            self.states = [s.astype(self.dtype, copy=True) for s in finals]
        Y = seq if out_ind is None else seq * out_ind
        out = np.ascontiguousarray(Y.transpose(1, 0, 2)) if self.return_sequences else Y[-1].copy()
        cache = (caches, out_ind, x.shape, dtype)
        if self.return_state:
            return [out] + finals, cache
        return out, cache

    def _backward(self, cache, dy, need_dx=True, want_state_grads=False):
        caches, out_ind, shape, dtype = cache
        B, T, F = shape
        engines = self._engines()
        n_states = len(self._state_sizes())
        if self.return_state:
            dout, dstates = dy[0], list(dy[1:])
        else:
            dout, dstates = dy, [None] * n_states
        u = self._output_units()
        if dout is None:
            dY = np.zeros((T, B, u), dtype=dtype)
        elif self.return_sequences:
            dY = dout.transpose(1, 0, 2)
        else:
            dY = np.zeros((T, B, u), dtype=dtype)
            dY[-1] = dout
        if out_ind is not None:
            dY = dY * out_ind
        grads, dh0, end = [], [], n_states
        for k in range(len(engines) - 1, -1, -1):
            e, (pcache, ccache) = engines[k], caches[k]
            n = e._n_states
            dXP, dU, db_rec, dh = e._cell_backward(ccache, dY, dstates[end - n:end])
            end -= n
            dh0[:0] = dh
            dY, dW, db_in = input_projection_backward(pcache, dXP, need_dx or k > 0)
            g = [dW, dU]
            if e.use_bias:
                g.append(e._join_bias_grad(db_in, db_rec))
            grads[:0] = g
        dx = None
        if need_dx:
            if self.go_backwards:
                dY = dY[::-1]
            dx = np.ascontiguousarray(dY.transpose(1, 0, 2))
        if want_state_grads:
            return dx, grads, dh0
        return dx, grads


class _RNN(RecurrentBase):
    """Shared machinery of SimpleRNN, LSTM and GRU (not a Keras class by itself)."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, zero_output_for_mask=False,
                 implementation=None, use_cudnn="auto", time_major=False, **kwargs):
        super().__init__(**kwargs)
        CellArgs._set_cell_args(
            self, units, activation, recurrent_activation, use_bias, kernel_initializer,
            recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
            bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, seed)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._set_sequence_args(return_sequences, return_state, go_backwards, stateful, unroll,
                                zero_output_for_mask, time_major)

    def build(self, input_shape):
        self._build_cell_weights(input_shape)
        self._build_states(input_shape)

    def get_config(self):
        cfg = {**super().get_config(), **self._sequence_config(), **self._cell_config(),
               "activity_regularizer": regularizers.serialize(self.activity_regularizer)}
        tail = self._cell_config_tail()
        seed = tail.pop("seed")
        return {**cfg, **tail, "seed": seed}

    def __repr__(self):
        return (f"<{type(self).__name__} name={self.name}, units={self.units}, "
                f"return_sequences={self.return_sequences}, built={self.built}>")
