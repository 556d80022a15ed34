"""Keras 3's definitions, written with :mod:`pipeseq.ops`, of the recurrent layers
(``SimpleRNN``, ``LSTM``, ``GRU`` with ``reset_after`` both ways, ``RNN`` over their cells
(or a user-written cell, differentiated through its own ``call``) or a stack of them,
``ConvLSTM1D/2D/3D``, ``Bidirectional``):
one cell step at a time, as ``keras.layers.*Cell.call`` and ``keras.backend.rnn`` do it
(see tests/autograd_refs_core.py for the calling convention).

Masks as Keras's ``rnn``: a masked step keeps the previous states and repeats the
previous output (zeros with ``zero_output_for_mask``); ``go_backwards`` walks the
sequence from its end and returns the outputs in that order.
"""
from pipeseq import ops
from pipeseq.layers.autodiff import substituted


def _fn(activation):
    name = activation.name
    if name == "legacy_hard_sigmoid":          # Keras 1/2: clip(0.2 x + 0.5, 0, 1)
        return lambda v: ops.clip(0.2 * v + 0.5, 0.0, 1.0)
    if name in (None, "linear"):
        return lambda v: v
    return getattr(ops, {"swish": "silu"}.get(name, name))


def _split(m, k):
    n = m.shape[-1] // k
    return [m[..., i * n:(i + 1) * n] for i in range(k)]


def _simple_rnn_cell(layer, w):
    kernel, rec, bias = w[0], w[1], (w[2] if layer.use_bias else 0.0)
    act = _fn(layer.activation)

    def step(x, states):
        h = act(ops.matmul(x, kernel) + bias + ops.matmul(states[0], rec))
        return h, [h]
    return step


def _lstm_cell(layer, w):
    kernel, rec, bias = w[0], w[1], (w[2] if layer.use_bias else 0.0)
    act, ract = _fn(layer.activation), _fn(layer.recurrent_activation)

    def step(x, states):
        h_prev, c_prev = states
        z0, z1, z2, z3 = _split(ops.matmul(x, kernel) + ops.matmul(h_prev, rec) + bias, 4)
        i, f, o = ract(z0), ract(z1), ract(z3)
        c = f * c_prev + i * act(z2)
        h = o * act(c)
        return h, [h, c]
    return step


def _gru_cell(layer, w):
    kernel, rec = w[0], w[1]
    act, ract = _fn(layer.activation), _fn(layer.recurrent_activation)
    if layer.use_bias:
        in_bias, rec_bias = (w[2][0], w[2][1]) if layer.reset_after else (w[2], 0.0)
    else:
        in_bias = rec_bias = 0.0

    def step(x, states):
        h_prev = states[0]
        x_z, x_r, x_h = _split(ops.matmul(x, kernel) + in_bias, 3)
        if layer.reset_after:
            r_z, r_r, r_h = _split(ops.matmul(h_prev, rec) + rec_bias, 3)
            z, r = ract(x_z + r_z), ract(x_r + r_r)
            hh = act(x_h + r * r_h)
        else:
            u_z, u_r, u_h = _split(rec, 3)
            z = ract(x_z + ops.matmul(h_prev, u_z))
            r = ract(x_r + ops.matmul(h_prev, u_r))
            hh = act(x_h + ops.matmul(r * h_prev, u_h))
        h = z * h_prev + (1.0 - z) * hh
        return h, [h]
    return step


_CELLS = {"SimpleRNN": (_simple_rnn_cell, 1), "LSTM": (_lstm_cell, 2), "GRU": (_gru_cell, 1)}


def _cell_step(cell, w):
    """``(step, state_units)`` of a layer's or cell's math; a stack (Keras's
    ``StackedRNNCells``) feeds each cell's output to the next, its states flat."""
    name = type(cell).__name__
    if name == "StackedRNNCells":
        steps, sizes, i = [], [], 0
        for c in cell.cells:
            n = len(c.gradient_variables)
            step, units = _cell_step(c, w[i:i + n])
            steps.append((step, len(units)))
            sizes.extend(units)
            i += n

        def stacked(x, states):
            new, j = [], 0
            for step, k in steps:
                x, s = step(x, states[j:j + k])
                new.extend(s)
                j += k
            return x, new
        return stacked, sizes
    base = name[:-4] if name.endswith("Cell") else name
    if base not in _CELLS:                   # a user-written cell: its own call is its definition
        def user(x, states):
            with substituted(cell.gradient_variables, w, cell):
                out, new = cell.call(x, list(states))
            return out, list(new) if isinstance(new, (list, tuple)) else [new]
        size = cell.state_size
        return user, list(size) if isinstance(size, (list, tuple)) else [size]
    make, n_states = _CELLS[base]
    return make(cell, w), [cell.units] * n_states


def _rnn(layer, x, w, mask=None, initial_state=None, call_slots=None, call_npos=None):
    if call_slots is not None:               # [sequences, *initial_state], all differentiated
        x, initial_state = x[0], list(x[1:])
    step, sizes = _cell_step(layer.cell if type(layer).__name__ == "RNN" else layer, w)
    batch, steps = x.shape[0], x.shape[1]
    states = list(initial_state) if initial_state is not None else \
        [ops.zeros((batch, n), dtype=x.dtype) for n in sizes]
    order = range(steps - 1, -1, -1) if layer.go_backwards else range(steps)
    out_prev, outputs = None, []
    for t in order:
        out, new = step(x[:, t], states)
        if mask is not None:
            keep = ops.convert_to_tensor(mask[:, t:t + 1])
            new = [ops.where(keep, a, b) for a, b in zip(new, states)]
            zeros = ops.zeros_like(out)
            out = ops.where(keep, out, zeros if layer.zero_output_for_mask or out_prev is None
                            else out_prev)
        states, out_prev = new, out
        outputs.append(out)
    y = ops.stack(outputs, axis=1) if layer.return_sequences else outputs[-1]
    return [y] + states if layer.return_state else y


def _conv_lstm(layer, x, w):
    """Keras's ``ConvLSTMCell``: gates ``i, f, c, o`` from ``conv(x_t, kernel) + bias +
    conv(h, recurrent_kernel, padding="same")``, looped as ``keras.backend.rnn``."""
    fmt, channels = layer.data_format, (1 if layer.data_format == "channels_first" else -1)
    kernel, rec = w[0], w[1]
    act, ract = _fn(layer.activation), _fn(layer.recurrent_activation)
    steps = x.shape[1]
    h = c = None
    outputs = []
    for t in (range(steps - 1, -1, -1) if layer.go_backwards else range(steps)):
        z = ops.conv(x[:, t], kernel, strides=layer.strides, padding=layer.padding,
                     data_format=fmt, dilation_rate=layer.dilation_rate)
        if layer.use_bias:
            z = z + (ops.reshape(w[2], (1, -1) + (1,) * (z.ndim - 2)) if channels == 1 else w[2])
        if h is None:
            h = c = ops.zeros_like(ops.split(z, 4, axis=channels)[0])
        z = z + ops.conv(h, rec, padding="same", data_format=fmt)
        zi, zf, zc, zo = ops.split(z, 4, axis=channels)
        c = ract(zf) * c + ract(zi) * act(zc)
        h = ract(zo) * act(c)
        outputs.append(h)
    y = ops.stack(outputs, axis=1) if layer.return_sequences else outputs[-1]
    return [y, h, c] if layer.return_state else y


def _bidirectional(layer, x, w, mask=None):
    fwd, bwd = layer.forward_layer, layer.backward_layer
    n = len(fwd.gradient_variables)
    yf = _rnn(fwd, x, w[:n], mask=mask)
    yb = _rnn(bwd, x, w[n:], mask=mask)
    states = []
    if layer.return_state:
        states = yf[1:] + yb[1:]
        yf, yb = yf[0], yb[0]
    if layer.return_sequences:        # Keras flips the backward outputs to the input's order
        yb = ops.flip(yb, axis=1)
    mode = layer.merge_mode
    if mode == "concat":
        y = [ops.concatenate([yf, yb], axis=-1)]
    elif mode == "sum":
        y = [yf + yb]
    elif mode == "ave":
        y = [(yf + yb) / 2.0]
    elif mode == "mul":
        y = [yf * yb]
    else:
        y = [yf, yb]
    y = y + states
    return y if len(y) > 1 else y[0]


REFERENCES = {
    "Bidirectional": _bidirectional,
    "ConvLSTM1D": _conv_lstm, "ConvLSTM2D": _conv_lstm, "ConvLSTM3D": _conv_lstm,
    "GRU": _rnn,
    "LSTM": _rnn,
    "RNN": _rnn,
    "SimpleRNN": _rnn,
}
