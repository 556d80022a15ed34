"""Transposed convolution (Conv1DTranspose / Conv2DTranspose math), channels_last.

The forward pass is the input gradient of a convolution (the im2col scatter or the FFT
gradient of :mod:`pipeseq.kernels.conv`); its gradients are a convolution and a kernel gradient.

Example
-------
>>> import numpy as np
>>> y, cache = conv_transpose_forward(np.ones((1, 2, 2, 1), "float32"),
...                                   np.ones((3, 3, 4, 1), "float32"), (5, 5), (2, 2),
...                                   "valid", (1, 1))
>>> y.shape
(1, 5, 5, 4)
"""
import numpy as np

from .conv import (METHODS, _as_2d, _chunks, _crop, _im2col_conv, _im2col_conv_grads,
                   _scatter_input_grad, choose_method, compute_pads, pad_spatial)
from .conv_fft import fft_forward, fft_grads


def conv_transpose_forward(x, kernel, output_spatial, strides, padding, dilation, method="auto"):
    """Transposed convolution (the input gradient of a convolution), channels_last.

    Parameters
    ----------
    x : ndarray ``(N, H, W, in)`` (or ``(N, L, in)``)
    kernel : ndarray ``(kh, kw, filters, in)`` -- Keras's Conv2DTranspose layout
    output_spatial : tuple, the output's spatial size (from :func:`deconv_output_length`)
    padding : "valid" or "same" (TensorFlow's rule for the forward convolution on the output)

    Returns ``(y (N, *output_spatial, filters), cache)``.
    """
    pads = compute_pads(output_spatial, kernel.shape[:-2], strides, dilation, padding)
    shape_out = (x.shape[0],) + tuple(output_spatial) + (kernel.shape[-2],)
    y2, k2, s2, d2, pads2, one_d = _as_2d(x, kernel, strides, dilation, pads)
    out2 = (1,) + tuple(output_spatial) if one_d else tuple(output_spatial)
    padded = (x.shape[0],) + tuple(n + a + b for n, (a, b) in zip(out2, pads2)) + (kernel.shape[-2],)
    kh, kw = k2.shape[:2]
    need_hw = tuple((p - ((k - 1) * d + 1)) // s + 1 for p, k, s, d in zip(padded[1:3], (kh, kw), s2, d2))
    if need_hw != y2.shape[1:3]:
        raise ValueError(f"Transposed convolution: output size {tuple(output_spatial)} is not "
                         f"consistent with input {tuple(x.shape[1:-1])} (kernel {tuple(kernel.shape[:-2])}, "
                         f"strides {tuple(strides)}, padding {padding!r}).")
    if method == "auto":
        method = choose_method(padded, k2.shape, s2, d2)
    if method == "im2col":
        dxp = np.zeros(padded, dtype=np.result_type(y2.dtype, k2.dtype))
        y2 = np.ascontiguousarray(y2)
        for s, e in _chunks(y2.shape[0], need_hw[0] * need_hw[1] * kh * kw * padded[-1] * y2.itemsize):
            _scatter_input_grad(y2[s:e].reshape(-1, k2.shape[-1]), k2, dxp[s:e], s2, d2, need_hw)
    elif method == "fft":
        dxp, _ = fft_grads(None, y2, k2, padded, s2, d2, 1, True)
    else:
        raise ValueError(f"Unknown convolution method {method!r}; expected one of {METHODS}")
    y = _crop(dxp, pads2, out2)
    y = np.ascontiguousarray(y[:, 0] if one_d else y)
    assert y.shape == shape_out
    return y, (method, x, k2, s2, d2, pads2, need_hw, one_d)


def conv_transpose_backward(cache, dy):
    """Gradients of :func:`conv_transpose_forward`: ``(dx, dkernel)``."""
    method, x, k2, s2, d2, pads2, need_hw, one_d = cache
    dyp = pad_spatial(dy[:, None] if one_d else dy, pads2)
    x2 = x[:, None] if one_d else x
    if method == "im2col":
        dx, kept = _im2col_conv(dyp, k2, s2, d2, need_hw)
        dk = _im2col_conv_grads(dyp, x2, k2, s2, d2, need_hw, need_input=False, kept=kept)[0]
    else:
        dx, spectra = fft_forward(dyp, k2, s2, d2, need_hw, 1)
        _, dk = fft_grads(spectra, x2, k2, dyp.shape, s2, d2, 1, need_input=False)
    return (dx[:, 0] if one_d else dx), (dk[0] if one_d else dk)
