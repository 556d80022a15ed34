"""The direct depthwise kernel (pipeseq/kernels/conv_depthwise.py) against the grouped im2col
path, and the layers on both paths."""
import numpy as np
import pytest

from pipeseq.kernels import conv, conv_depthwise
from pipeseq.layers import DepthwiseConv2D, SeparableConv2D


@pytest.mark.parametrize("strides,padding,dilation,mult", [
    ((1, 1), "same", (1, 1), 1), ((2, 2), "valid", (1, 1), 2), ((2, 2), "same", (1, 1), 3),
    ((1, 1), "same", (2, 2), 1), ((1, 2), [(1, 0), (2, 1)], (1, 1), 1)])
def test_direct_equals_grouped(strides, padding, dilation, mult):
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(2, 9, 8, 3)), rng.normal(size=(3, 3, 3, mult))
    y, cache = conv_depthwise.depthwise_forward(x, k, strides, padding, dilation)
    y2, cache2 = conv.conv_forward(x, conv.depthwise_kernel_to_grouped(k), strides, padding,
                                   dilation, groups=3, method="im2col")
    np.testing.assert_allclose(y, y2, atol=1e-12)
    dy = rng.normal(size=y.shape)
    dx, dk = conv_depthwise.depthwise_backward(cache, dy)
    dx2, dk2 = conv.conv_backward(cache2, dy)
    np.testing.assert_allclose(dx, dx2, atol=1e-12)
    np.testing.assert_allclose(dk, dk2.reshape(k.shape), atol=1e-12)


@pytest.mark.parametrize("cls,kwargs", [
    (DepthwiseConv2D, dict(kernel_size=3, strides=2, depth_multiplier=2)),
    (SeparableConv2D, dict(filters=4, kernel_size=3, padding="same"))])
def test_layers_agree_on_both_paths(cls, kwargs):
    x = np.random.default_rng(1).normal(size=(2, 7, 7, 3)).astype("float32")
    layer = cls(**kwargs)
    direct = layer(x)
    layer.method = "im2col"
    np.testing.assert_allclose(layer(x), direct, rtol=1e-5, atol=1e-5)
