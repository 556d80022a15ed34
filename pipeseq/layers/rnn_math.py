"""What a recurrent layer and its cell share: the cell's arguments, weights, config and math.

``SimpleRNN`` / ``SimpleRNNCell``, ``LSTM`` / ``LSTMCell`` and ``GRU`` / ``GRUCell`` hold the
same arguments and weights (``kernel``, ``recurrent_kernel``, ``bias`` in Keras's layouts) and
run the same hand-written math of :mod:`pipeseq.kernels.recurrent`. :class:`CellArgs` keeps the
arguments, builds the weights and writes the config keys; the ``*Math`` mixins say how many
gate blocks and states a cell has and call its kernel through time.

Example
-------
>>> from pipeseq.layers import LSTMCell
>>> cell = LSTMCell(3)
>>> cell._k, cell._n_states, cell.state_size
(4, 2, [3, 3])
"""
import numpy as np

from .. import backend, initializers, regularizers
from ..kernels import activations as act_ops
from ..kernels import core as core_ops
from ..kernels import recurrent as R
from .base import format_shape


def check_units(owner, units, dropout, recurrent_dropout):
    """Validate ``units`` and the dropout rates the way every recurrent layer and cell does."""
    cls = type(owner).__name__
    if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
        raise ValueError(f"{cls} '{owner.name}': `units` must be a positive integer. "
                         f"Received: units={units!r}")
    for arg, val in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
        if not isinstance(val, (int, float, np.floating)) or not 0.0 <= float(val) < 1.0:
            raise ValueError(f"{cls} '{owner.name}': `{arg}` must be a float in [0, 1). "
                             f"Received: {arg}={val!r}")


class CellArgs:
    """Arguments, weights and config keys of a SimpleRNN / LSTM / GRU cell."""

    _k = 1            # gate blocks
    _n_states = 1
    _has_recurrent_activation = True

    def _set_cell_args(self, units, activation="tanh", recurrent_activation="sigmoid",
                       use_bias=True, kernel_initializer="glorot_uniform",
                       recurrent_initializer="orthogonal", bias_initializer="zeros",
                       kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                       kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                       dropout=0.0, recurrent_dropout=0.0, seed=None):
        check_units(self, units, dropout, recurrent_dropout)
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
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)
        self.recurrent_constraint = regularizers.get_constraint(recurrent_constraint)
        self.bias_constraint = regularizers.get_constraint(bias_constraint)
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    # ------------------------------------------------------------ weights
    def _bias_shape(self):
        return (self._k * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def _build_cell_weights(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': the last axis (features) of "
                             f"the input must be known. Received input shape "
                             f"{format_shape(input_shape)}")
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

    def _split_bias(self, dtype):
        if not self.use_bias:
            return None, None
        return self.bias.value.astype(dtype, copy=False), None

    def _join_bias_grad(self, db_in, db_rec):
        return db_in

    @property
    def _state_units(self):
        return [self.units] * self._n_states

    # ------------------------------------------------------------ dropout
    def _sequence_dropout_masks(self, B, F, dtype, training):
        """Per-sequence dropout masks (Keras 3: one input mask; per-gate masks when
        recurrent_dropout > 0, i.e. ``implementation=1``)."""
        if not training or (self.dropout == 0 and self.recurrent_dropout == 0):
            return None, None
        rng = self._rng or backend.rng()
        k = self._k if self.recurrent_dropout > 0 and self._k > 1 else None
        in_m = rec_m = None
        if self.dropout > 0:
            in_m = core_ops.dropout_mask(rng, (k, B, F) if k else (B, F), self.dropout, dtype)
        if self.recurrent_dropout > 0:
            rec_m = core_ops.dropout_mask(rng, (self._k, B, self.units), self.recurrent_dropout, dtype)
        return in_m, rec_m

    # ------------------------------------------------------------- config
    def _cell_config(self):
        """Keras's cell keys from ``units`` to ``recurrent_dropout`` (no ``activity_regularizer``)."""
        cfg = {"units": self.units, "activation": self.activation.name}
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
            "bias_regularizer": regularizers.serialize(self.bias_regularizer)})
        return cfg

    def _cell_config_tail(self):
        return {"kernel_constraint": regularizers.serialize_constraint(self.kernel_constraint),
                "recurrent_constraint": regularizers.serialize_constraint(
                    self.recurrent_constraint),
                "bias_constraint": regularizers.serialize_constraint(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                **self._extra_config_after_dropout(), "seed": self.seed}

    def _extra_config_before_regularizers(self):
        return {}

    def _extra_config_after_dropout(self):
        return {}


class SimpleRNNMath(CellArgs):
    """One state, one block: ``h_t = activation(x_t W + h_{t-1} U + b)``."""

    _has_recurrent_activation = False

    def _cell_forward(self, xp, h0, U, b_rec, mask, rmasks):
        return R.simple_rnn_forward(xp, h0[0], U, mask, rmasks, self.activation)

    def _cell_backward(self, cache, dY, dstates):
        return R.simple_rnn_backward(cache, dY, dstates)


class LSTMMath(CellArgs):
    """Gates ``i, f, c, o``; states ``[h, c]``; ``unit_forget_bias`` starts the f-bias at 1."""

    _k = 4
    _n_states = 2

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        init, u = self.bias_initializer, self.units

        def bias_init(shape, dtype=None):
            ones = np.ones((u,), dtype=backend.standardize_dtype(dtype))
            return np.concatenate([np.asarray(init((u,), dtype=dtype)), ones,
                                   np.asarray(init((2 * u,), dtype=dtype))]).astype(ones.dtype)
        return bias_init

    def _cell_forward(self, xp, h0, U, b_rec, mask, rmasks):
        return R.lstm_forward(xp, h0[0], h0[1], U, mask, rmasks, self.activation,
                              self.recurrent_activation)

    def _cell_backward(self, cache, dY, dstates):
        return R.lstm_backward(cache, dY, dstates)

    def _extra_config_before_regularizers(self):
        return {"unit_forget_bias": self.unit_forget_bias}


class GRUMath(CellArgs):
    """Gates ``z, r, h``; ``reset_after=True`` has ``bias (2, 3*units)`` (input, recurrent)."""

    _k = 3

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _split_bias(self, dtype):
        if not self.use_bias:
            return None, None
        b = self.bias.value.astype(dtype, copy=False)
        return (b[0], b[1]) if self.reset_after else (b, None)

    def _join_bias_grad(self, db_in, db_rec):
        return np.stack([db_in, db_rec]) if self.reset_after else db_in

    def _cell_forward(self, xp, h0, U, b_rec, mask, rmasks):
        return R.gru_forward(xp, h0[0], U, b_rec, mask, rmasks, self.activation,
                             self.recurrent_activation, reset_after=self.reset_after)

    def _cell_backward(self, cache, dY, dstates):
        return R.gru_backward(cache, dY, dstates)

    def _extra_config_after_dropout(self):
        return {"reset_after": self.reset_after}
