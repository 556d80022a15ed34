"""Keras's definitions, written with :mod:`pipeseq.ops`, of the core, merging, reshaping,
normalisation, embedding, regularisation and resizing layers (``REFERENCES``).

Each reference is ``f(layer, x, weights, **call_kwargs)`` with ``weights`` in the order
of ``layer.gradient_variables``; tests/autograd_check.py differentiates it when the
layer's own forward cannot be traced. A layer that adds a loss returns
``WithLoss(output, loss)``.
"""
from collections import namedtuple

from pipeseq import ops

WithLoss = namedtuple("WithLoss", "output loss")


def act(layer, y):
    """The layer's ``activation`` (by its Keras name) applied with ops."""
    name = layer.get_config().get("activation")
    if name in (None, "linear"):
        return y
    return getattr(ops, {"swish": "silu"}.get(name, name))(y)


def add_bias(layer, y, b):
    """``y + b`` along the channels axis of a convolution's output."""
    if getattr(layer, "data_format", "channels_last") == "channels_first":
        return y + ops.reshape(b, (1, -1) + (1,) * (y.ndim - 2))
    return y + b


def _dense(layer, x, w):
    y = ops.matmul(x, w[0]) + (w[1] if layer.use_bias else 0.0)
    return act(layer, y)


def _einsum_dense(layer, x, w):
    y = ops.einsum(layer.equation, x, w[0])
    if layer.bias is not None:        # Keras shapes the bias to broadcast over the output's tail
        y = y + w[1]
    return act(layer, y)


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


def _batch_norm(layer, x, w, training=False):
    """Keras's ``BatchNormalization``: the batch's statistics when training (and trainable),
    else the moving ones."""
    axes = tuple(i for i in range(x.ndim) if i != layer.axis % x.ndim)
    shape = [1] * x.ndim
    shape[layer.axis % x.ndim] = -1
    if training and layer.trainable:
        mean = ops.mean(x, axis=axes, keepdims=True)
        var = ops.mean(ops.square(x - mean), axis=axes, keepdims=True)
    else:
        mean = ops.reshape(layer.moving_mean.value, shape)
        var = ops.reshape(layer.moving_variance.value, shape)
    y = (x - mean) / ops.sqrt(var + layer.epsilon)
    i = 0
    if layer.scale:
        y, i = y * ops.reshape(w[0], shape), 1
    if layer.center:
        y = y + ops.reshape(w[i], shape)
    return y


def _relu(layer, x, w):
    y = ops.where(x >= layer.threshold, x, layer.negative_slope * (x - layer.threshold))
    return y if layer.max_value is None else ops.minimum(y, layer.max_value)


def _zero_pad(layer, x, w):
    pad = layer.padding
    pads = [tuple(p) for p in pad] if isinstance(pad[0], (tuple, list)) else [tuple(pad)]
    return ops.pad(x, [(0, 0)] + pads + [(0, 0)])


def _dot(layer, xs, w):
    """Keras's ``Dot``: optional L2 normalisation along the dot axes, then ``batch_dot``."""
    a, b = xs
    axes = layer.axes if isinstance(layer.axes, (tuple, list)) else (layer.axes, layer.axes)
    axes = [ax % t.ndim for ax, t in zip(axes, (a, b))]
    if layer.normalize:
        a, b = ops.normalize(a, axis=axes[0]), ops.normalize(b, axis=axes[1])
    sa = ["z"] + list("abcdefg"[:a.ndim - 1])
    sb = ["z"] + list("hijklmn"[:b.ndim - 1])
    sa[axes[0]] = sb[axes[1]] = "y"                  # the contracted axis
    out = "z" + "".join(sa[1:] + sb[1:]).replace("y", "")
    y = ops.einsum(f"{''.join(sa)},{''.join(sb)}->{out}", a, b)
    return ops.expand_dims(y, -1) if y.ndim == 1 else y


def _activity_regularization(layer, x, w):
    """Identity; ``add_loss((l1 * sum|x| + l2 * sum x^2) / batch_size)`` (Keras 3.15)."""
    loss = (layer.l1 * ops.sum(ops.abs(x)) + layer.l2 * ops.sum(ops.square(x))) / x.shape[0]
    return WithLoss(x, loss)


def _add_loss(layer, x, w):
    """Identity; ``add_loss(sum(x))`` (what ``model.add_loss(tensor)`` inserts)."""
    return WithLoss(x, ops.sum(x))


def _reversible_embedding(layer, x, w, reverse=False):
    """Keras's ReversibleEmbedding.call: a lookup, or (``reverse=True``) logits over the
    vocabulary from the tied embeddings or the separate reverse weight, soft-capped."""
    if not reverse:
        return ops.take(w[0], x, axis=0)
    kernel = ops.transpose(w[0]) if layer.tie_weights else w[1]
    logits = ops.matmul(x, kernel)
    if layer.logit_soft_cap is not None:
        logits = ops.tanh(logits / layer.logit_soft_cap) * layer.logit_soft_cap
    return logits


def _resizing(layer, x, w):
    return ops.image.resize(x, (layer.height, layer.width), interpolation=layer.interpolation,
                            crop_to_aspect_ratio=layer.crop_to_aspect_ratio,
                            data_format=layer.data_format)


REFERENCES = {
    "Activation": lambda layer, x, w: act(layer, x),
    "ActivityRegularization": _activity_regularization,
    "AddLoss": _add_loss,
    "Add": lambda layer, xs, w: xs[0] + xs[1],
    "Average": lambda layer, xs, w: (xs[0] + xs[1]) / 2.0,
    "BatchNormalization": _batch_norm,
    "Concatenate": lambda layer, xs, w: ops.concatenate(list(xs), axis=layer.axis),
    "Dense": _dense,
    "Dot": _dot,
    "ELU": lambda layer, x, w: ops.elu(x, layer.alpha),
    "EinsumDense": _einsum_dense,
    "Embedding": lambda layer, ids, w: ops.take(w[0], ids, axis=0),
    "ReversibleEmbedding": _reversible_embedding,
    "Flatten": lambda layer, x, w: ops.reshape(x, (x.shape[0], -1)),
    "LayerNormalization": _layer_norm,
    "LeakyReLU": lambda layer, x, w: ops.leaky_relu(x, layer.negative_slope),
    "Maximum": lambda layer, xs, w: ops.maximum(xs[0], xs[1]),
    "Minimum": lambda layer, xs, w: ops.minimum(xs[0], xs[1]),
    "Multiply": lambda layer, xs, w: xs[0] * xs[1],
    "Permute": lambda layer, x, w: ops.transpose(x, (0,) + tuple(layer.dims)),
    "ReLU": _relu,
    "RepeatVector": lambda layer, x, w: ops.repeat(ops.expand_dims(x, 1), layer.n, axis=1),
    "Reshape": lambda layer, x, w: ops.reshape(x, (x.shape[0],) + tuple(layer.target_shape)),
    "Resizing": _resizing,
    "Subtract": lambda layer, xs, w: xs[0] - xs[1],
    "ZeroPadding1D": _zero_pad, "ZeroPadding2D": _zero_pad, "ZeroPadding3D": _zero_pad,
}
