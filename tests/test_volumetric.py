"""3-D layers, 1-D depthwise/separable convolutions, group/unit normalization, activity
regularization: the declarative checker per option set and checks against direct formulas.

Parity with Keras is in tests/test_layer_fixtures.py.
"""
import numpy as np
import pytest
import scipy.signal

from pipeseq.kernels import volumetric as vops
from pipeseq.layers import (ActivityRegularization, AveragePooling3D, Conv3D, Conv3DTranspose,
                            Cropping3D, Dense, DepthwiseConv1D, GlobalAveragePooling3D,
                            GlobalMaxPooling3D, GroupNormalization, MaxPooling3D,
                            SeparableConv1D, SpatialDropout3D, UnitNormalization, UpSampling3D,
                            ZeroPadding3D)
from pipeseq.models.sequential import Sequential
from tests.layer_check import check_layer, numeric_grad


@pytest.mark.parametrize("kwargs,shape", [
    ({"filters": 2, "kernel_size": 2}, (2, 3, 4, 3, 2)),
    ({"filters": 2, "kernel_size": (2, 3, 1), "strides": (2, 1, 1), "padding": "same"},
     (2, 4, 3, 2, 2)),
    ({"filters": 4, "kernel_size": 2, "groups": 2, "dilation_rate": (1, 2, 1),
      "activation": "tanh"}, (2, 3, 4, 3, 2)),
    ({"filters": 2, "kernel_size": 2, "data_format": "channels_first", "use_bias": False},
     (2, 2, 3, 3, 3)),
])
def test_conv3d(kwargs, shape):
    check_layer(Conv3D, kwargs, shape, expected_num_weights=1 + kwargs.get("use_bias", True))


@pytest.mark.parametrize("kwargs,shape", [
    ({"filters": 2, "kernel_size": 2, "strides": 2}, (2, 2, 2, 2, 2)),
    ({"filters": 2, "kernel_size": 3, "strides": (2, 1, 1), "padding": "same"}, (2, 2, 3, 2, 1)),
    ({"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1}, (1, 2, 2, 2, 2)),
])
def test_conv3d_transpose(kwargs, shape):
    check_layer(Conv3DTranspose, kwargs, shape, expected_num_weights=2)


def test_conv3d_matches_scipy():
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(1, 5, 4, 6, 1)), rng.normal(size=(3, 2, 3, 1, 1))
    y, _ = vops.conv_forward(x, k, (1, 1, 1), "valid", (1, 1, 1))
    ref = scipy.signal.correlate(x[0, ..., 0], k[..., 0, 0], mode="valid")
    np.testing.assert_allclose(y[0, ..., 0], ref, rtol=1e-10)


@pytest.mark.parametrize("cls,kwargs,shape", [
    (MaxPooling3D, {"pool_size": 2}, (2, 4, 4, 3, 2)),
    (MaxPooling3D, {"pool_size": (2, 3, 2), "strides": 1, "padding": "same"}, (2, 3, 4, 3, 1)),
    (AveragePooling3D, {"pool_size": 2, "padding": "same"}, (2, 3, 3, 3, 2)),
    (AveragePooling3D, {"pool_size": 2, "data_format": "channels_first"}, (2, 2, 4, 4, 4)),
    (GlobalMaxPooling3D, {}, (2, 2, 3, 2, 2)),
    (GlobalAveragePooling3D, {"keepdims": True}, (2, 2, 3, 2, 2)),
    (UpSampling3D, {"size": (2, 1, 3)}, (2, 2, 2, 2, 2)),
    (ZeroPadding3D, {"padding": ((1, 0), (0, 2), (1, 1))}, (2, 2, 2, 2, 1)),
    (Cropping3D, {"cropping": (1, 0, 1)}, (2, 3, 3, 4, 1)),
    (SpatialDropout3D, {"rate": 0.3}, (2, 2, 2, 2, 3)),
    (DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 3)),
    (DepthwiseConv1D, {"kernel_size": 2, "strides": 2, "padding": "same",
                       "data_format": "channels_first"}, (2, 3, 5)),
    (SeparableConv1D, {"filters": 3, "kernel_size": 3, "depth_multiplier": 2}, (2, 6, 2)),
    (GroupNormalization, {"groups": 2}, (2, 3, 4)),
    (GroupNormalization, {"groups": -1, "axis": 1, "center": False}, (2, 3, 2, 2)),
    (UnitNormalization, {}, (2, 3, 4)),
    (UnitNormalization, {"axis": [1, 2]}, (2, 3, 4)),
])
def test_layers(cls, kwargs, shape):
    check_layer(cls, kwargs, shape)


def test_max_pooling3d_gradient_goes_to_the_maximum():
    x = np.zeros((1, 2, 2, 2, 1), "float32")
    x[0, 1, 0, 1, 0] = 5
    layer = MaxPooling3D(2)
    y, cache = layer.forward(x)
    dx, _ = layer.backward(cache, np.ones_like(y))
    assert float(y.ravel()[0]) == 5 and dx[0, 1, 0, 1, 0] == 1 and dx.sum() == 1


def test_group_normalization_formula():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 4))
    y = GroupNormalization(groups=2, epsilon=1e-3)(x.astype("float32"))
    g = x.reshape(2, 5, 2, 2)
    ref = (g - g.mean(axis=(1, 3), keepdims=True)) / np.sqrt(g.var(axis=(1, 3), keepdims=True)
                                                             + 1e-3)
    np.testing.assert_allclose(y, ref.reshape(x.shape), rtol=1e-4, atol=1e-5)


def test_activity_regularization_gradient_includes_the_penalty():
    rng = np.random.default_rng(2)
    layer = ActivityRegularization(l1=0.1, l2=0.2)
    x, r = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))

    def total():
        y, _ = layer.forward(x, training=True)
        return float((r * y).sum()) + layer.activity_loss
    _, cache = layer.forward(x, training=True)
    dx, grads = layer.backward(cache, r)
    np.testing.assert_allclose(dx, numeric_grad(total, x), rtol=1e-6, atol=1e-7)
    assert grads == [] and ActivityRegularization.from_config(layer.get_config()).l2 == 0.2


def test_activity_regularization_adds_to_the_loss():
    model = Sequential([Dense(2, input_shape=(3,), kernel_initializer="ones"),
                        ActivityRegularization(l2=0.5)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    plain = float(np.mean(model.predict(x, verbose=0) ** 2))
    loss = model.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(plain + 0.5 * 9 * 2, rel=1e-5)   # l2 * sum(y^2) / batch


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="groups"):
        GroupNormalization(groups=3)(np.ones((1, 2, 4), "float32"))
    with pytest.raises(ValueError, match="padding"):
        ZeroPadding3D(padding=(1, 2))
    with pytest.raises(ValueError, match="ndim=5"):
        MaxPooling3D(2)(np.ones((1, 4, 4, 1), "float32"))


# ------------------------------------------------ adaptive pooling, RMS norm, ThresholdedReLU
from pipeseq.layers import (AdaptiveAveragePooling1D, AdaptiveAveragePooling3D,  # noqa: E402
                            AdaptiveMaxPooling2D, InputSpec, RMSNormalization, ThresholdedReLU)


@pytest.mark.parametrize("cls,kwargs,shape", [
    (AdaptiveAveragePooling1D, {"output_size": 3}, (2, 7, 2)),
    (AdaptiveMaxPooling2D, {"output_size": (2, 3)}, (2, 5, 7, 2)),
    (AdaptiveMaxPooling2D, {"output_size": 2, "data_format": "channels_first"}, (2, 2, 5, 4)),
    (AdaptiveAveragePooling3D, {"output_size": (2, 1, 3)}, (2, 3, 4, 5, 1)),
    (RMSNormalization, {}, (2, 3, 4)),
    (RMSNormalization, {"axis": [1, 2], "epsilon": 0.1}, (2, 3, 4)),
    (ThresholdedReLU, {"theta": 0.3}, (2, 5)),
])
def test_more_layers(cls, kwargs, shape):
    check_layer(cls, kwargs, shape)


def test_input_spec_names_the_problem():
    spec = InputSpec(ndim=3, axes={-1: 4})
    spec.assert_compatible((None, 2, 4), "lstm")
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        spec.assert_compatible((None, 2, 5), "lstm")
    with pytest.raises(ValueError, match="expected ndim=3"):
        spec.assert_compatible((None, 4), "lstm")
