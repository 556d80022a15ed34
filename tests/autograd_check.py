"""One helper: a built-in layer's hand-written ``backward`` equals autograd's gradient of its forward.

``check_backward_against_autograd(layer, x)`` (float64) takes the automatic gradient
of ``sum(r * forward(x))`` with respect to the input(s) and every gradient variable
and compares it with ``layer.backward(cache, r)``. The forward it differentiates is

* the layer's own ``forward`` when autograd can trace it (NumPy code that avoids
  in-place writes, ``np.asarray`` and the like), else
* the layer's math re-expressed with :mod:`pipeseq.ops` in ``OPS_FORWARD`` (Keras's
  definition of the layer, independent of the hand-written kernels); the reference's
  output must equal the layer's output first.
"""
import numpy as np

from pipeseq import ops
from pipeseq.layers.autodiff import substituted
from pipeseq.ops.autodiff import vjp


def _act(layer, y):
    name = layer.get_config().get("activation")
    if name in (None, "linear"):
        return y
    return getattr(ops, {"swish": "silu"}.get(name, name))(y)


def _dense(layer, x, w):
    y = ops.matmul(x, w[0]) + (w[1] if layer.use_bias else 0.0)
    return _act(layer, y)


def _conv(layer, x, w):
    padding = layer.padding
    if padding == "causal":          # Keras pads (kernel - 1) * dilation steps on the left
        left = (layer.kernel_size[0] - 1) * layer.dilation_rate[0]
        x, padding = ops.pad(x, [(0, 0), (left, 0), (0, 0)]), "valid"
    y = ops.conv(x, w[0], strides=layer.strides, padding=padding,
                 data_format=layer.data_format, dilation_rate=layer.dilation_rate)
    if layer.use_bias:
        y = y + (ops.reshape(w[1], (1, -1) + (1,) * (len(layer.kernel_size)))
                 if layer.data_format == "channels_first" else w[1])
    return _act(layer, y)


def _pool(kind):
    def f(layer, x, w):
        fn = ops.max_pool if kind == "max" else ops.average_pool
        return fn(x, layer.pool_size, layer.strides, layer.padding, layer.data_format)
    return f


def _global(kind):
    def f(layer, x, w):
        axes = tuple(range(1, x.ndim - 1)) if layer.data_format == "channels_last" else \
            tuple(range(2, x.ndim))
        fn = ops.max if kind == "max" else ops.mean
        return fn(x, axis=axes, keepdims=layer.keepdims)
    return f


def _layer_norm(layer, x, w):
    axis = layer.axis
    m = ops.mean(x, axis=axis, keepdims=True)
    v = ops.var(x, axis=axis, keepdims=True)
    y = (x - m) / ops.sqrt(v + layer.epsilon)
    i = 0
    if layer.scale:
        y, i = y * w[0], 1
    if layer.center:
        y = y + w[i]
    return y


def _batch_norm_inference(layer, x, w):
    gamma, beta = (w[0], w[1]) if layer.scale and layer.center else (None, None)
    mm = layer.moving_mean.value
    mv = layer.moving_variance.value
    return ops.batch_normalization(x, mm, mv, layer.axis, offset=beta, scale=gamma,
                                   epsilon=layer.epsilon)


def _relu(layer, x):
    y = ops.where(x >= layer.threshold, x, layer.negative_slope * (x - layer.threshold))
    return y if layer.max_value is None else ops.minimum(y, layer.max_value)


def _zero_pad(layer, x, w):
    pad = layer.padding
    pads = [tuple(p) for p in pad] if isinstance(pad[0], (tuple, list)) else [tuple(pad)]
    return ops.pad(x, [(0, 0)] + pads + [(0, 0)])


def _rnn(layer, x, w):
    """RNN: the cells' own ``call`` (written with autograd.numpy, as Keras's with ops) looped
    over time -- independent of the hand-written kernels of the built-in cells."""
    from contextlib import ExitStack

    from pipeseq.layers.rnn_base import flat_states
    from pipeseq.layers.rnn_layer import _layers_of, _pack
    from pipeseq.layers.rnn_stacked import step
    by_id = {id(v): a for v, a in zip(layer.gradient_variables, w)}
    with ExitStack() as stack:
        for sub in _layers_of(layer.cell):
            own = [v for v in sub._own_variables if id(v) in by_id]
            stack.enter_context(substituted(own, [by_id[id(v)] for v in own], sub))
        T = x.shape[1]
        states = [np.zeros((x.shape[0], s)) for s in layer._state_sizes()]
        outs = []
        for t in (range(T - 1, -1, -1) if layer.go_backwards else range(T)):
            out, new = step(layer.cell, x[:, t], _pack(states, layer.cell.state_size), False)
            states = flat_states(new)
            outs.append(out)
    return ops.stack(outs, axis=1) if layer.return_sequences else outs[-1]


def _conv_lstm(layer, x, w):
    """ConvLSTM as Keras's ConvLSTMCell: z = conv(x_t, W) + b + conv(h, U, "same")."""
    df = layer.data_format
    kernel, rec = w[0], w[1]
    cax = 1 if df == "channels_first" else -1
    h = c = None
    T = x.shape[1]
    outs = []
    for t in (range(T - 1, -1, -1) if layer.go_backwards else range(T)):
        z = ops.conv(x[:, t], kernel, strides=layer.strides, padding=layer.padding,
                     data_format=df, dilation_rate=layer.dilation_rate)
        if layer.use_bias:
            z = z + (ops.reshape(w[2], (1, -1) + (1,) * layer.rank) if cax == 1 else w[2])
        if h is None:
            h = c = ops.zeros_like(ops.split(z, 4, axis=cax)[0])
        z = z + ops.conv(h, rec, padding="same", data_format=df)
        i, f, g, o = ops.split(z, 4, axis=cax)
        c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
        h = ops.sigmoid(o) * ops.tanh(c)
        outs.append(h)
    return ops.stack(outs, axis=1) if layer.return_sequences else outs[-1]


OPS_FORWARD = {
    "RNN": _rnn,
    "ConvLSTM1D": _conv_lstm, "ConvLSTM2D": _conv_lstm, "ConvLSTM3D": _conv_lstm,
    "ReLU": lambda layer, x, w: _relu(layer, x),
    "LeakyReLU": lambda layer, x, w: ops.leaky_relu(x, layer.negative_slope),
    "ELU": lambda layer, x, w: ops.elu(x, layer.alpha),
    "ZeroPadding1D": _zero_pad, "ZeroPadding2D": _zero_pad, "ZeroPadding3D": _zero_pad,
    "Dense": _dense,
    "Conv1D": _conv, "Conv2D": _conv,
    "MaxPooling1D": _pool("max"), "MaxPooling2D": _pool("max"),
    "AveragePooling1D": _pool("avg"), "AveragePooling2D": _pool("avg"),
    "GlobalMaxPooling1D": _global("max"), "GlobalMaxPooling2D": _global("max"),
    "GlobalAveragePooling1D": _global("avg"), "GlobalAveragePooling2D": _global("avg"),
    "LayerNormalization": _layer_norm,
    "Flatten": lambda layer, x, w: ops.reshape(x, (x.shape[0], -1)),
    "Activation": lambda layer, x, w: _act(layer, x),
    "Add": lambda layer, xs, w: xs[0] + xs[1],
    "Subtract": lambda layer, xs, w: xs[0] - xs[1],
    "Multiply": lambda layer, xs, w: xs[0] * xs[1],
    "Average": lambda layer, xs, w: (xs[0] + xs[1]) / 2.0,
    "Maximum": lambda layer, xs, w: ops.maximum(xs[0], xs[1]),
    "Minimum": lambda layer, xs, w: ops.minimum(xs[0], xs[1]),
    "Concatenate": lambda layer, xs, w: ops.concatenate(list(xs), axis=layer.axis),
    "RepeatVector": lambda layer, x, w: ops.repeat(ops.expand_dims(x, 1), layer.n, axis=1),
    "Permute": lambda layer, x, w: ops.transpose(x, (0,) + tuple(layer.dims)),
    "Reshape": lambda layer, x, w: ops.reshape(x, (x.shape[0],) + tuple(layer.target_shape)),
}


def _sum_r(out, rs):
    outs = out if isinstance(out, (list, tuple)) else [out]
    return sum(ops.sum(o * r) for o, r in zip(outs, rs))


def check_backward_against_autograd(layer, x, rtol=1e-6, atol=1e-8, seed=0):
    """Return ``"own forward"`` or ``"ops reference"`` after checking; raise on a mismatch."""
    rng = np.random.default_rng(seed)
    multi = isinstance(x, list)
    xs = list(x) if multi else [x]
    variables = layer.gradient_variables
    values = [v.value for v in variables]
    y, cache = layer.forward(x, training=False)
    ys = y if isinstance(y, list) else [y]
    rs = [rng.normal(size=np.shape(a)) for a in ys]
    dx, grads = layer.backward(cache, rs if isinstance(y, list) else rs[0])
    manual = (list(dx) if multi else [dx]) + list(grads)

    def own(*args):
        with substituted(variables, args[len(xs):]):
            out, _ = layer.forward(args[:len(xs)] if multi else args[0], training=False)
        return _sum_r(out, rs)

    def reference(*args):
        ins = list(args[:len(xs)])
        return _sum_r(OPS_FORWARD[type(layer).__name__](layer, ins if multi else ins[0],
                                                          list(args[len(xs):])), rs)
    how = "own forward"
    try:
        _, back = vjp(own, *xs, *values)
        auto = back(1.0)
    except Exception:
        if type(layer).__name__ not in OPS_FORWARD:
            raise
        how = "ops reference"
        ref_out = OPS_FORWARD[type(layer).__name__](layer, xs if multi else xs[0], values)
        np.testing.assert_allclose(np.asarray(ref_out), ys[0], rtol=1e-6, atol=1e-8,
                                   err_msg=f"{layer.name}: the ops reference's output differs")
        _, back = vjp(reference, *xs, *values)
        auto = back(1.0)
    for i, (m, a) in enumerate(zip(manual, auto)):
        if m is None:
            continue
        what = f"input {i}" if i < len(xs) else variables[i - len(xs)].name
        np.testing.assert_allclose(m, a, rtol=rtol, atol=atol,
                                   err_msg=f"{type(layer).__name__}: d/d {what} ({how})")
    return how
