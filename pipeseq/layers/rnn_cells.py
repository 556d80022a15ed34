"""Recurrent cells: ``SimpleRNNCell``, ``LSTMCell``, ``GRUCell`` (Keras 3 names, configs, weights).

A cell computes one time step: ``output, new_states = cell(inputs, states)``. Wrapped in
:class:`~pipeseq.layers.RNN` it runs over a sequence; ``RNN(LSTMCell(n))`` then takes the
hand-written path of ``LSTM(n)`` (same math, same weights). Inside a user-written cell or
a stack with one, a built-in cell runs its ``call`` (written with autograd.numpy, as Keras's
with ``keras.ops``) and the whole loop is differentiated automatically.

Dropout follows Keras 3's ``DropoutRNNCell``: one mask per sequence, made on the first step
(``get_dropout_mask``) and dropped by ``RNN`` after each call; ``LSTMCell``/``GRUCell`` use
one mask per gate when ``recurrent_dropout > 0`` (Keras's ``implementation=1``).

Example
-------
>>> import numpy as np
>>> cell = LSTMCell(3)
>>> h, (h2, c) = cell(np.ones((2, 4), "float32"), [np.zeros((2, 3), "float32")] * 2)
>>> h.shape, c.shape, cell.state_size
((2, 3), (2, 3), [3, 3])
"""
import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive

from .. import backend
from ..kernels import core as core_ops
from ..ops.dispatch import is_traced, value as unbox
from ..variables import Variable
from .autodiff import substituted
from .base import Layer, register
from .rnn_math import CellArgs, GRUMath, LSTMMath, SimpleRNNMath


@primitive
def activate(z, act):
    """``act(z)`` for a pipeseq activation, differentiable by autograd (its own backward)."""
    return act(z)


defvjp(activate, lambda y, z, act: lambda g: act.backward(z, y, g))


def is_nested(x):
    return isinstance(x, (list, tuple))


class DropoutRNNCell:
    """Keras 3's dropout mixin: per-sequence masks cached on the cell, reset by ``RNN``."""

    def _create_dropout_mask(self, step_input, rate):
        shape = np.shape(unbox(step_input))
        dtype = np.asarray(unbox(step_input)).dtype
        rng = getattr(self, "_rng", None) or backend.rng()
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return core_ops.dropout_mask(rng, shape, rate, dtype)
        return [core_ops.dropout_mask(rng, shape, rate, dtype) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input,
                                                                     self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None


def call_cell(cell, inputs, states, training=False):
    """``cell(inputs, states)``: on arrays, with the cell's weights; traced, as part of a trace."""
    flat = list(states) if is_nested(states) else [states]
    inside_trace = is_traced(inputs) or any(is_traced(s) for s in flat)
    # inside RNN's loop the weights are already substituted (``_own_variables`` holds values)
    substituted_already = any(not isinstance(v, Variable) for v in cell._own_variables)
    if inside_trace or substituted_already:
        return cell.call(inputs, states, training=training)
    variables = [v for v in cell._own_variables if v.trainable]
    with substituted(variables, [v.value for v in variables], cell):
        out, new = cell.call(np.asarray(inputs), states, training=training)
    plain = [np.asarray(unbox(s)) for s in (new if is_nested(new) else [new])]
    return np.asarray(unbox(out)), (plain if is_nested(new) else plain[0])


class _Cell(DropoutRNNCell, Layer):
    """A built-in cell: arguments and weights of :class:`CellArgs`, one step in ``call``."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 implementation=None, **kwargs):
        super().__init__(**kwargs)
        CellArgs._set_cell_args(
            self, units, activation, recurrent_activation, use_bias, kernel_initializer,
            recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
            bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, seed)
        if self.recurrent_dropout > 0 and self._k > 1:
            self.dropout_mask_count = self._k

    @property
    def state_size(self):
        return [self.units] * self._n_states if self._n_states > 1 else self.units

    @property
    def output_size(self):
        return self.units

    def build(self, input_shape):
        self._build_cell_weights(input_shape)

    def get_initial_state(self, batch_size=None):
        zeros = [np.zeros((batch_size, self.units), dtype=self.dtype) for _ in range(self._n_states)]
        return zeros if self._n_states > 1 else zeros[0]

    def __call__(self, inputs, states=None, training=False, **kwargs):
        if states is None:
            raise TypeError(f"{type(self).__name__} '{self.name}' computes one step: call it as "
                            "cell(inputs, states) with states = "
                            f"{['(batch, %d)' % self.units] * self._n_states}.")
        self._maybe_build(tuple(np.shape(unbox(inputs))))
        return call_cell(self, inputs, states, training=training)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def _masked(self, x, mask, training, gate=None):
        if not training or mask is None:
            return x
        return x * (mask[gate] if isinstance(mask, list) else mask)

    def _gate_inputs(self, inputs, h, training, k):
        """Inputs and previous state as each of the ``k`` gate blocks sees them (dropout)."""
        dp = self.get_dropout_mask(inputs) if training and self.dropout > 0 else None
        rdp = self.get_recurrent_dropout_mask(h) if training and self.recurrent_dropout > 0 \
            else None
        xs = [self._masked(inputs, dp, training, g) for g in range(k)]
        hs = [self._masked(h, rdp, training, g) for g in range(k)]
        return xs, hs

    def _blocks(self, xs, hs, n=None):
        """``x_g @ W_g (+ b_g)`` and ``h_g @ U_g`` for the first ``n`` gate blocks."""
        u = self.units
        kx, kh = [], []
        for g in range(n or self._k):
            sl = slice(g * u, (g + 1) * u)
            kx.append(anp.dot(xs[g], self.kernel[:, sl]))
            kh.append(anp.dot(hs[g], self.recurrent_kernel[:, sl]))
        return kx, kh

    def get_config(self):
        return {**super().get_config(), **self._cell_config(), **self._cell_config_tail()}

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, units={self.units}>"


@register
class SimpleRNNCell(SimpleRNNMath, _Cell):
    """One step of ``SimpleRNN``: ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``.

    Example
    -------
    >>> import numpy as np
    >>> out, state = SimpleRNNCell(2)(np.ones((1, 3), "float32"), np.zeros((1, 2), "float32"))
    >>> out.shape, state.shape
    ((1, 2), (1, 2))
    """

    def __init__(self, units, activation="tanh", use_bias=True, **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)

    def call(self, inputs, states, training=False):
        prev = states[0] if is_nested(states) else states
        (x,), (h,) = self._gate_inputs(inputs, prev, training, 1)
        z = anp.dot(x, self.kernel)
        if self.use_bias:
            z = z + self.bias
        out = activate(z + anp.dot(h, self.recurrent_kernel), self.activation)
        return out, ([out] if is_nested(states) else out)


@register
class LSTMCell(LSTMMath, _Cell):
    """One step of ``LSTM`` (gates ``i, f, c, o``); states ``[h, c]``.

    Example
    -------
    >>> LSTMCell(4).state_size
    [4, 4]
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation,
                         **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        xs, hs = self._gate_inputs(inputs, h_prev, training, 4)
        kx, kh = self._blocks(xs, hs)
        u = self.units
        z = [kx[g] + kh[g] + (self.bias[g * u:(g + 1) * u] if self.use_bias else 0.0)
             for g in range(4)]
        i = activate(z[0], self.recurrent_activation)
        f = activate(z[1], self.recurrent_activation)
        c = f * c_prev + i * activate(z[2], self.activation)
        o = activate(z[3], self.recurrent_activation)
        h = o * activate(c, self.activation)
        return h, [h, c]


@register
class GRUCell(GRUMath, _Cell):
    """One step of ``GRU`` (gates ``z, r, h``); ``reset_after=True`` as Keras 3 and CuDNN.

    Example
    -------
    >>> import numpy as np
    >>> cell = GRUCell(2)
    >>> _ = cell(np.ones((1, 3), "float32"), np.zeros((1, 2), "float32"))
    >>> [w.shape for w in cell.weights]
    [(3, 6), (2, 6), (2, 6)]
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True,
                 **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation,
                         **kwargs)
        self.reset_after = bool(reset_after)

    def call(self, inputs, states, training=False):
        h_prev = states[0] if is_nested(states) else states
        xs, hs = self._gate_inputs(inputs, h_prev, training, 3)
        u = self.units
        if self.use_bias:
            b_in, b_rec = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
        kx, kh = self._blocks(xs, hs, 2)
        x_h = anp.dot(xs[2], self.kernel[:, 2 * u:])
        if self.use_bias:
            kx = [kx[0] + b_in[:u], kx[1] + b_in[u:2 * u]]
            x_h = x_h + b_in[2 * u:]
            if self.reset_after:
                kh = [kh[0] + b_rec[:u], kh[1] + b_rec[u:2 * u]]
        z = activate(kx[0] + kh[0], self.recurrent_activation)
        r = activate(kx[1] + kh[1], self.recurrent_activation)
        if self.reset_after:
            rec_h = anp.dot(hs[2], self.recurrent_kernel[:, 2 * u:])
            if self.use_bias:
                rec_h = rec_h + b_rec[2 * u:]
            rec_h = r * rec_h
        else:
            rec_h = anp.dot(r * hs[2], self.recurrent_kernel[:, 2 * u:])
        hh = activate(x_h + rec_h, self.activation)
        h = z * h_prev + (1 - z) * hh
        return h, ([h] if is_nested(states) else h)
