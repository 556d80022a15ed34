"""Keras 2's neural-network ``K.*`` for :mod:`compat.backend`: convolutions, pooling,
resizing, batch normalization, locally connected products and the ``K.rnn`` loop,
all written with :mod:`pipeseq.ops` (so they are differentiable inside a custom loss,
Lambda or layer) with tf_keras's argument conventions: ``data_format=None`` means
:func:`compat.backend.image_data_format`, padding is ``"valid"`` / ``"same"`` (and
``"causal"`` for ``conv1d``), kernels are laid out as tf_keras lays them out.

Example
-------
>>> import numpy as np
>>> from compat import backend as K
>>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
>>> K.pool2d(x, (2, 2), strides=(2, 2))[0, :, :, 0].tolist()
[[5.0, 7.0], [13.0, 15.0]]
>>> K.conv2d(x, np.ones((2, 2, 1, 1), "float32"))[0, 0, :, 0].tolist()
[10.0, 14.0, 18.0]
"""
import itertools

from pipeseq import ops as _ops
from pipeseq.backend import image_data_format as _image_data_format


def _format(data_format):
    data_format = data_format or _image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("data_format must be 'channels_first' or 'channels_last'. "
                         f"Received: data_format={data_format!r}")
    return data_format


def _padding(padding, allowed=("valid", "same")):
    if padding not in allowed:
        raise ValueError(f"padding must be one of {', '.join(map(repr, allowed))}. "
                         f"Received: padding={padding!r}")
    return padding


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1-D convolution; ``kernel`` is ``(width, in_channels, filters)``; ``"causal"`` pads left."""
    data_format = _format(data_format)
    if _padding(padding, ("valid", "same", "causal")) == "causal":
        left = (_ops.shape(kernel)[0] - 1) * int(dilation_rate)
        pads = [(0, 0), (left, 0), (0, 0)] if data_format == "channels_last" else \
            [(0, 0), (0, 0), (left, 0)]
        x, padding = _ops.pad(x, pads), "valid"
    return _ops.conv(x, kernel, strides, padding, data_format, dilation_rate)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    """2-D convolution; ``kernel`` is ``(rows, cols, in_channels, filters)``."""
    return _ops.conv(x, kernel, strides, _padding(padding), _format(data_format), dilation_rate)


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution; ``kernel`` is ``(d1, d2, d3, in_channels, filters)``."""
    return _ops.conv(x, kernel, strides, _padding(padding), _format(data_format), dilation_rate)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """Transposed 2-D convolution to ``output_shape`` (``(batch, rows, cols, filters)`` in
    ``data_format``'s order); ``kernel`` is ``(rows, cols, filters, in_channels)``."""
    data_format = _format(data_format)
    out = _ops.conv_transpose(x, kernel, strides, _padding(padding), None, data_format,
                              dilation_rate)
    spatial = slice(1, 3) if data_format == "channels_last" else slice(2, 4)
    got, want = tuple(_ops.shape(out)[spatial]), tuple(output_shape[spatial])
    if got == want:
        return out
    strides = (strides,) * 2 if isinstance(strides, int) else tuple(strides)
    dilation = (dilation_rate,) * 2 if isinstance(dilation_rate, int) else tuple(dilation_rate)
    output_padding = []
    for n, k, s, d, target in zip(_ops.shape(x)[spatial], _ops.shape(kernel)[:2], strides,
                                  dilation, want):
        k = (k - 1) * d + 1
        pad = k // 2 if padding == "same" else 0
        output_padding.append(target - ((n - 1) * s + k - 2 * pad))
    if any(not 0 <= p < s for p, s in zip(output_padding, strides)):
        raise ValueError(f"conv2d_transpose: output_shape {tuple(output_shape)} cannot come from "
                         f"input shape {tuple(_ops.shape(x))} with strides {strides} and "
                         f"padding={padding!r}. Received: output_shape={output_shape}")
    return _ops.conv_transpose(x, kernel, strides, padding, tuple(output_padding), data_format,
                               dilation_rate)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """Depthwise 2-D convolution; kernel ``(rows, cols, in_channels, multiplier)``."""
    return _ops.depthwise_conv(x, depthwise_kernel, strides, _padding(padding),
                               _format(data_format), dilation_rate)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    """Depthwise then pointwise (1x1) 2-D convolution."""
    return _ops.separable_conv(x, depthwise_kernel, pointwise_kernel, strides, _padding(padding),
                               _format(data_format), dilation_rate)


def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                     data_format=None, dilation_rate=1):
    """Depthwise then pointwise 1-D convolution."""
    return _ops.separable_conv(x, depthwise_kernel, pointwise_kernel, strides, _padding(padding),
                               _format(data_format), dilation_rate)


def _pool(x, pool_size, strides, padding, data_format, pool_mode):
    fns = {"max": _ops.max_pool, "avg": _ops.average_pool}
    if pool_mode not in fns:
        raise ValueError(f"pool_mode must be 'max' or 'avg'. Received: pool_mode={pool_mode!r}")
    return fns[pool_mode](x, pool_size, strides, _padding(padding), _format(data_format))


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """2-D max or average pooling (``pool_mode="max"|"avg"``)."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None, pool_mode="max"):
    """3-D max or average pooling (``pool_mode="max"|"avg"``)."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode)


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    """Scale rows and columns by integer factors (``"nearest"`` or ``"bilinear"``, TF's
    half-pixel sampling, as ``tf.image.resize``)."""
    data_format = _format(data_format)
    if interpolation not in ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"):
        raise ValueError("interpolation must be one of 'nearest', 'bilinear', 'bicubic', "
                         f"'lanczos3', 'lanczos5', 'area'. Received: interpolation={interpolation!r}")
    rows = 1 if data_format == "channels_last" else 2
    h, w = _ops.shape(x)[rows:rows + 2]
    return _ops.image.resize(x, (h * int(height_factor), w * int(width_factor)),
                             interpolation=interpolation, data_format=data_format)


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Repeat the three spatial axes of a 5-D tensor by integer factors."""
    first = 1 if _format(data_format) == "channels_last" else 2
    for axis, factor in zip(range(first, first + 3), (depth_factor, height_factor, width_factor)):
        x = _ops.repeat(x, int(factor), axis=axis)
    return x


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` (``beta``/``gamma`` may be None)."""
    y = (x - mean) / _ops.sqrt(var + epsilon)
    if gamma is not None:
        y = y * gamma
    return y if beta is None else y + beta


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """``(normalized x, batch mean, batch variance)`` over ``reduction_axes``."""
    axes = tuple(reduction_axes)
    mean, var = _ops.moments(x, axes, keepdims=True)
    shape = [1 if i in [a % len(_ops.shape(x)) for a in axes] else n
             for i, n in enumerate(_ops.shape(x))]
    g = None if gamma is None else _ops.reshape(gamma, shape)
    b = None if beta is None else _ops.reshape(beta, shape)
    normed = batch_normalization(x, mean, var, b, g, epsilon=epsilon)
    var = _ops.squeeze(var, axis=axes)
    if len(shape) == 4 and list(axes) == [0, 1, 2]:
        # tf_keras takes TF's fused kernel here, which returns the unbiased (n - 1) variance
        n = 1
        for a in axes:
            n *= _ops.shape(x)[a]
        var = var * (n / max(n - 1, 1))
    return normed, _ops.squeeze(mean, axis=axes), var


def local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """Locally connected product (unshared weights): ``kernel`` is
    ``(prod(output_shape), prod(kernel_size) * channels, filters)``."""
    data_format = _format(data_format)
    ndims = len(output_shape)
    feature_dim, channels_out = _ops.shape(kernel)[1], _ops.shape(kernel)[-1]
    patches = []
    for pos in itertools.product(*(range(n) for n in output_shape)):
        idx = [slice(None)] + ([slice(None)] if data_format == "channels_first" else [])
        idx += [slice(p * s, p * s + k) for p, s, k in zip(pos, strides, kernel_size)]
        idx += [slice(None)] if data_format == "channels_last" else []
        patches.append(_ops.reshape(inputs[tuple(idx)], (1, -1, feature_dim)))
    out = _ops.matmul(_ops.concatenate(patches, axis=0), kernel)       # (positions, batch, out)
    out = _ops.reshape(out, tuple(output_shape) + (-1, channels_out))
    spatial = list(range(ndims))
    perm = [ndims, ndims + 1] + spatial if data_format == "channels_first" else \
        [ndims] + spatial + [ndims + 1]
    return _ops.transpose(out, perm)


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """Locally connected 1-D product; ``kernel`` ``(output_length, kernel_size * channels, filters)``."""
    return local_conv(inputs, kernel, kernel_size, strides, (_ops.shape(kernel)[0],), data_format)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """Locally connected 2-D product over ``output_shape`` = ``(rows, cols)``."""
    return local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None, time_major=False, zero_output_for_mask=False,
        return_all_outputs=True):
    """Run ``step_function(input_t, states + constants) -> (output_t, new_states)`` over time.

    Returns ``(last_output, outputs, new_states)``; ``outputs`` is ``(batch, time, ...)``
    (``(batch, 1, ...)`` when ``return_all_outputs=False``). Where ``mask`` (``(batch,
    time)``) is 0 the states are carried over and the output repeats the previous one
    (zeros with ``zero_output_for_mask=True``). ``unroll`` and ``input_length`` are
    accepted for compatibility: the loop is the same either way.
    """
    if not time_major:
        inputs = _ops.swapaxes(inputs, 0, 1)
        if mask is not None:
            mask = _ops.swapaxes(mask, 0, 1)
    steps = _ops.shape(inputs)[0]
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    states, constants = list(initial_states), list(constants or [])
    outputs, prev = [], None
    for t in order:
        out, new_states = step_function(inputs[t], states + constants)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if mask is not None:
            keep = mask[t]
            def carry(new, old, keep=keep):
                k = _ops.reshape(_ops.cast(keep, "bool"),
                                 (-1,) + (1,) * (len(_ops.shape(new)) - 1))
                return _ops.where(k, new, old)
            old_out = _ops.zeros_like(out) if zero_output_for_mask or prev is None else prev
            out = carry(out, old_out)
            new_states = [carry(n, o) for n, o in zip(new_states, states)]
        states, prev = new_states, out
        outputs.append(out)
    if not return_all_outputs:
        outputs = outputs[-1:]
    stacked = _ops.stack(outputs, axis=0 if time_major else 1)
    return prev, stacked, states


def reset_uids():
    """Restart ``K.get_uid`` counters and automatic layer names (tf_keras's ``reset_uids``)."""
    from pipeseq.layers.base import reset_uids as reset_layer_names
    from . import backend_keras2
    backend_keras2._UIDS.clear()
    reset_layer_names()


__all__ = ["conv1d", "conv2d", "conv3d", "conv2d_transpose", "depthwise_conv2d",
           "separable_conv2d", "separable_conv1d", "pool2d", "pool3d", "resize_images",
           "resize_volumes", "batch_normalization", "normalize_batch_in_training", "local_conv1d",
           "local_conv2d", "rnn", "reset_uids"]
