"""``RNN(cell)``: Keras's generic recurrent layer, for built-in and user-written cells.

* Built-in cells (``SimpleRNNCell``, ``LSTMCell``, ``GRUCell``, a list or ``StackedRNNCells``
  of them) run the hand-written kernels of ``SimpleRNN`` / ``LSTM`` / ``GRU``:
  ``RNN(LSTMCell(n))`` computes exactly what ``LSTM(n)`` does, with the same weights.
* Any other cell -- a ``Layer`` with ``state_size`` and ``call(inputs, states)`` written with
  ops -- runs step by step and is differentiated through time by autograd.

Keras's arguments: ``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``,
``unroll`` (accepted; the result is the same), ``zero_output_for_mask``; masks keep the
states of masked steps as Keras does. Weights are the cell's (``layers/rnn/cell/vars/...`` in
Keras 3 files). With ``return_state=True`` the states of a stack come flat:
``[output, h1, c1, h2]`` (Keras nests them per cell).

Example
-------
>>> import numpy as np
>>> from pipeseq.layers import LSTMCell, GRUCell
>>> x = np.ones((2, 5, 4), "float32")
>>> RNN(LSTMCell(3), return_sequences=True)(x).shape
(2, 5, 3)
>>> [a.shape for a in RNN([LSTMCell(3), GRUCell(2)], return_state=True)(x)]
[(2, 2), (2, 3), (2, 3), (2, 2)]
"""
import contextlib

import autograd.numpy as anp
import numpy as np

from ..ops.autodiff import vjp
from ..ops.dispatch import is_traced, value as unbox
from .autodiff import substituted
from .base import Layer, register
from .rnn_base import RecurrentBase, flat_states
from .rnn_cells import _Cell
from .rnn_stacked import StackedRNNCells, cell_output_size, check_cell, step
from .serialization import deserialize_layer, serialize_layer


def _is_fast(cell):
    """A built-in cell whose step is the class's own (not overridden by a subclass)."""
    if not isinstance(cell, _Cell):
        return False
    for base in type(cell).__mro__:
        if base.__module__ == _Cell.__module__ and "call" in base.__dict__:
            return base.__dict__["call"] is type(cell).call
    return False


def _sizes(size):
    out = []
    for s in size if isinstance(size, (list, tuple)) else [size]:
        out.extend(_sizes(s) if isinstance(s, (list, tuple)) else [int(s)])
    return out


def _pack(flat, size):
    """Flat states -> the structure ``state_size`` describes (``[h, c]``, ``[[h, c], h2]``)."""
    it = iter(flat)

    def build(s):
        if isinstance(s, (list, tuple)):
            return [build(t) for t in s]
        return next(it)
    return build(size if isinstance(size, (list, tuple)) else [size])


def _layers_of(layer):
    out = [layer]
    for sub in layer._sublayers():
        out.extend(_layers_of(sub))
    return out


class _Retrace:
    """The backward of an untraced pass: runs the traced pass when first asked."""

    def __init__(self, make):
        self.retrace = make


@register
class RNN(RecurrentBase):
    """Run ``cell`` over the time axis of ``(batch, timesteps, features)`` inputs.

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq.layers import SimpleRNNCell
    >>> RNN(SimpleRNNCell(4), go_backwards=True)(np.ones((2, 3, 5), "float32")).shape
    (2, 4)
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, time_major=False,
                 **kwargs):
        if isinstance(cell, dict):
            cell = deserialize_layer(cell)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(list(cell))
        super().__init__(**kwargs)
        check_cell(cell, f"RNN '{self.name}'")
        self.cell = cell
        self._set_sequence_args(return_sequences, return_state, go_backwards, stateful, unroll,
                                zero_output_for_mask, time_major)

    def _sublayers(self):
        return [self.cell] if isinstance(self.cell, Layer) else []

    # ------------------------------------------------------------ what runs
    def _fast_cells(self):
        cells = self.cell.cells if type(self.cell) is StackedRNNCells else [self.cell]
        return cells if all(_is_fast(c) for c in cells) else None

    def _engines(self):
        return self._fast_cells()

    def _state_sizes(self):
        return _sizes(self.cell.state_size)

    def _output_units(self):
        return cell_output_size(self.cell)

    def _input_features(self):
        return self._build_input_shape[-1]

    def build(self, input_shape):
        step_shape = (input_shape[0],) + tuple(input_shape[2:])
        if isinstance(self.cell, Layer):
            self.cell._maybe_build(step_shape)
        self._build_states(input_shape)

    # ------------------------------------------------------------ computing
    def _forward(self, x, training, mask, initial_state):
        if self._fast_cells() is not None:
            return super()._forward(x, training, mask, initial_state)
        return self._traced_forward(x, training, mask, initial_state)

    def _backward(self, cache, dy, need_dx=True, want_state_grads=False):
        if not (isinstance(cache, tuple) and cache and cache[0] == "traced"):
            return super()._backward(cache, dy, need_dx, want_state_grads)
        _, back, n_states, shapes = cache
        if callable(getattr(back, "retrace", None)):   # an inference pass: trace it now
            back = back.retrace()
        dys = list(dy) if self.return_state else [dy] + [None] * n_states
        dys = [np.zeros(s, d) if g is None else g for g, (s, d) in zip(dys, shapes)]
        grads = back(dys)
        dx, dh0, gw = grads[0], list(grads[1:1 + n_states]), list(grads[1 + n_states:])
        if want_state_grads:
            return dx, gw, dh0
        return dx, gw

    def _traced_forward(self, x, training, mask, initial_state):
        """The loop over time with the cell's ``call``; traced by autograd when training."""
        self._check(x)
        B, T, _ = x.shape
        dtype = x.dtype
        h0 = self._initial_states(initial_state, B, dtype)
        layers = _layers_of(self.cell) if isinstance(self.cell, Layer) else []
        for layer in layers:
            for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
                if callable(getattr(layer, reset, None)):
                    getattr(layer, reset)()
        variables = self.gradient_variables
        n = len(h0)
        m = None if mask is None else np.asarray(mask, dtype=bool)
        if m is not None and m.shape != (B, T):
            raise ValueError(f"Layer '{self.name}': mask of shape {m.shape} does not match "
                             f"the input's (batch, timesteps) = {(B, T)}.")
        order = range(T - 1, -1, -1) if self.go_backwards else range(T)
        size, cell = self.cell.state_size, self.cell

        def run(xx, *args):
            states, vals = list(args[:n]), args[n:]
            by_id = {id(v): a for v, a in zip(variables, vals)}
            with contextlib.ExitStack() as stack:
                for layer in layers:
                    own = [v for v in layer._own_variables if id(v) in by_id]
                    stack.enter_context(substituted(own, [by_id[id(v)] for v in own], layer))
                outs, prev = [], None
                for t in order:
                    out, new = step(cell, xx[:, t], _pack(states, size), training)
                    new = flat_states(new)
                    if m is not None:
                        keep = m[:, t][:, None]
                        new = [anp.where(keep, a, b) for a, b in zip(new, states)]
                        base = anp.zeros_like(out) if prev is None or self.zero_output_for_mask \
                            else prev
                        out = anp.where(keep, out, base)
                    outs.append(out)
                    prev, states = out, new
            y = anp.stack(outs, axis=1) if self.return_sequences else outs[-1]
            return [y, *states]

        values = [v.value for v in variables]
        if is_traced(x) or any(is_traced(v) for v in values):   # inside an outer trace
            res = run(x, *h0, *values)
            return (res if self.return_state else res[0]), ("traced", None, n, None)
        if training:
            res, back = vjp(run, x, *h0, *values)
        else:                       # inference: no trace unless backward asks for one
            res = run(x, *h0, *values)
            back = _Retrace(lambda: vjp(run, x, *h0, *values)[1])
        res = [np.asarray(unbox(a), dtype=dtype) for a in res]
        cache = ("traced", back, n, [(a.shape, a.dtype) for a in res])
        if self.stateful:
            self.states = [s.astype(self.dtype, copy=True) for s in res[1:]]
        return (res if self.return_state else res[0]), cache

    # -------------------------------------------------------------- config
    def get_config(self):
        return {**super().get_config(), **self._sequence_config(),
                "cell": serialize_layer(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = config.pop("cell")
        if isinstance(cell, dict):
            cell = deserialize_layer(cell, custom_objects)
        elif isinstance(cell, list):
            cell = [deserialize_layer(c, custom_objects) for c in cell]
        return cls(cell, **config)

    def __repr__(self):
        return (f"<RNN name={self.name}, cell={type(self.cell).__name__}, "
                f"return_sequences={self.return_sequences}, built={self.built}>")
