"""Keras's definitions, written with :mod:`pipeseq.ops`, of the convolution and pooling
layers (``REFERENCES``; see tests/autograd_refs_core.py for the calling convention)."""
from pipeseq import ops
from tests.autograd_refs_core import act, add_bias


def _finish(layer, y, w, bias_index):
    if layer.use_bias:
        y = add_bias(layer, y, w[bias_index])
    return act(layer, y)


def _conv(layer, x, w):
    padding = layer.padding
    if padding == "causal":          # Keras pads (kernel - 1) * dilation steps on the left
        left = (layer.kernel_size[0] - 1) * layer.dilation_rate[0]
        pads = [(0, 0), (left, 0), (0, 0)] if layer.data_format == "channels_last" else \
            [(0, 0), (0, 0), (left, 0)]
        x, padding = ops.pad(x, pads), "valid"
    y = ops.conv(x, w[0], strides=layer.strides, padding=padding,
                 data_format=layer.data_format, dilation_rate=layer.dilation_rate)
    return _finish(layer, y, w, 1)


def _conv_transpose(layer, x, w):
    y = ops.conv_transpose(x, w[0], strides=layer.strides, padding=layer.padding,
                           output_padding=layer.output_padding, data_format=layer.data_format,
                           dilation_rate=layer.dilation_rate)
    return _finish(layer, y, w, 1)


def _depthwise(layer, x, w):
    y = ops.depthwise_conv(x, w[0], strides=layer.strides, padding=layer.padding,
                           data_format=layer.data_format, dilation_rate=layer.dilation_rate)
    return _finish(layer, y, w, 1)


def _separable(layer, x, w):
    y = ops.separable_conv(x, w[0], w[1], strides=layer.strides, padding=layer.padding,
                           data_format=layer.data_format, dilation_rate=layer.dilation_rate)
    return _finish(layer, y, w, 2)


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


def _adaptive(kind):
    def f(layer, x, w):
        fn = ops.adaptive_max_pool if kind == "max" else ops.adaptive_average_pool
        return fn(x, layer.output_size, data_format=layer.data_format)
    return f


def _stft(layer, x, w):
    """Keras's STFTSpectrogram.call: a strided convolution per channel, then the mode."""
    kernels = dict(zip([v.name for v in layer.weights], w))
    last = layer.data_format == "channels_last"
    b = x.shape[0]
    if last:
        t, c = x.shape[1], x.shape[2]
        sig = ops.reshape(ops.transpose(x, (0, 2, 1)), (-1, t, 1))
    else:
        c, t = x.shape[1], x.shape[2]
        sig = ops.reshape(x, (-1, 1, t))

    def conv(kernel):
        y = ops.conv(sig, kernel, padding=layer.padding, strides=layer._frame_step,
                     data_format=layer.data_format)
        if last:
            y = ops.transpose(y, (0, 2, 1))
        return ops.reshape(y, (b, c, y.shape[1], y.shape[2]))      # (b, c, freq, time)

    real = conv(kernels["real_kernel"]) if layer.mode != "imag" else None
    imag = conv(kernels["imag_kernel"]) if layer.mode != "real" else None
    if layer.mode == "real":
        out = real
    elif layer.mode == "imag":
        out = imag
    elif layer.mode == "angle":
        out = ops.arctan2(imag, real)
    elif layer.mode == "stft":
        out = ops.concatenate([real, imag], axis=2)
    else:
        power = ops.square(real) + ops.square(imag)
        if layer.mode == "psd":
            out = power + ops.pad(power[:, :, 1:-1, :], [[0, 0], [0, 0], [1, 1], [0, 0]])
        else:
            out = ops.sqrt(ops.maximum(power, 1e-7))
            if layer.mode == "log":
                out = ops.log(ops.maximum(out, 1e-7))
    f, n = out.shape[2], out.shape[3]
    if last:
        return ops.transpose(out, (0, 3, 2, 1)) if layer.expand_dims else \
            ops.transpose(ops.reshape(out, (b, c * f, n)), (0, 2, 1))
    return ops.transpose(out, (0, 1, 3, 2)) if layer.expand_dims else \
        ops.reshape(out, (b, c * f, n))


REFERENCES = {
    "STFTSpectrogram": _stft,
    "AdaptiveAveragePooling1D": _adaptive("avg"), "AdaptiveAveragePooling2D": _adaptive("avg"),
    "AdaptiveAveragePooling3D": _adaptive("avg"),
    "AdaptiveMaxPooling1D": _adaptive("max"), "AdaptiveMaxPooling2D": _adaptive("max"),
    "AdaptiveMaxPooling3D": _adaptive("max"),
    "AveragePooling1D": _pool("avg"), "AveragePooling2D": _pool("avg"),
    "AveragePooling3D": _pool("avg"),
    "Conv1D": _conv, "Conv2D": _conv, "Conv3D": _conv,
    "Conv1DTranspose": _conv_transpose, "Conv2DTranspose": _conv_transpose,
    "Conv3DTranspose": _conv_transpose,
    "DepthwiseConv1D": _depthwise, "DepthwiseConv2D": _depthwise,
    "GlobalAveragePooling1D": _global("avg"), "GlobalAveragePooling2D": _global("avg"),
    "GlobalMaxPooling1D": _global("max"), "GlobalMaxPooling2D": _global("max"),
    "MaxPooling1D": _pool("max"), "MaxPooling2D": _pool("max"), "MaxPooling3D": _pool("max"),
    "SeparableConv1D": _separable, "SeparableConv2D": _separable,
}
