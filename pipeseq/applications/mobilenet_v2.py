"""MobileNetV2 (Sandler et al., 2018), as ``keras.applications.mobilenet_v2`` builds it."""
import warnings

from .. import backend
from ..layers.merge import Add
from ..layers import (BatchNormalization, Conv2D, Dense, DepthwiseConv2D,
                      GlobalAveragePooling2D, ReLU, ZeroPadding2D)
from . import _common, _weights, imagenet_utils

BASE_WEIGHT_PATH = _weights.BASE_URL + "mobilenet_v2/"
SIZES = (96, 128, 160, 192, 224)


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _default_size(input_shape, input_tensor):
    """Keras's rule: a square input of a published size selects those weights, else 224."""
    if input_shape is None and input_tensor is not None:
        shape = input_tensor.shape[1:]
    elif input_shape is None:
        return 224
    else:
        shape = tuple(input_shape)
    if backend.image_data_format() == "channels_first":
        rows, cols = shape[1], shape[2]
    else:
        rows, cols = shape[0], shape[1]
    return rows if rows == cols and rows in SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax",
                name=None):
    """MobileNetV2 with width multiplier ``alpha`` (default input 224x224x3, at least 32x32)."""
    _weights.check_weights_arg(weights, include_top, classes)
    if input_shape is not None and input_tensor is not None:
        _common.image_input(input_tensor, input_shape)
        axis = 1 if backend.image_data_format() == "channels_first" else 2
        if input_tensor.shape[axis] != tuple(input_shape)[1]:
            raise ValueError(f"input_tensor.shape[{axis}] must equal input_shape[1]; Received "
                             f"`input_tensor.shape={input_tensor.shape}`, "
                             f"`input_shape={input_shape}`")
    default_size = _default_size(input_shape, input_tensor)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    row_axis, col_axis = (0, 1) if backend.image_data_format() == "channels_last" else (1, 2)
    rows, cols = input_shape[row_axis], input_shape[col_axis]
    if weights == "imagenet":
        if alpha not in [0.35, 0.5, 0.75, 1.0, 1.3, 1.4]:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, "
                             f"`0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`")
        if rows != cols or rows not in SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                          "loaded as the default.", stacklevel=2)
    img_input = _common.image_input(input_tensor, input_shape)
    ax = _common.channel_axis()

    def bn(x, lname):
        return BatchNormalization(axis=ax, epsilon=0.001, momentum=0.999, name=lname)(x)

    def block(inputs, expansion, stride, filters, block_id):
        in_channels = inputs.shape[ax]
        pointwise_filters = _make_divisible(int(filters * alpha), 8)
        x = inputs
        prefix = f"block_{block_id}_"
        if block_id:
            x = Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                       activation=None, name=f"{prefix}expand")(x)
            x = bn(x, f"{prefix}expand_BN")
            x = ReLU(6.0, name=f"{prefix}expand_relu")(x)
        else:
            prefix = "expanded_conv_"
        if stride == 2:
            x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
        x = DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                            padding="same" if stride == 1 else "valid",
                            name=f"{prefix}depthwise")(x)
        x = bn(x, f"{prefix}depthwise_BN")
        x = ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
        x = Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                   activation=None, name=f"{prefix}project")(x)
        x = bn(x, f"{prefix}project_BN")
        if in_channels == pointwise_filters and stride == 1:
            return Add(name=f"{prefix}add")([inputs, x])
        return x

    x = Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
               use_bias=False, name="Conv1")(img_input)
    x = bn(x, "bn_Conv1")
    x = ReLU(6.0, name="Conv1_relu")(x)
    plan = [(16, 1, 1)] + [(24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
                           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
                           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]
    for block_id, (filters, stride, expansion) in enumerate(plan):
        x = block(x, expansion, stride, filters, block_id)
    last_block_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = bn(x, "Conv_1_bn")
    x = ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = _common.model(input_tensor, img_input, x, name)
    suffix = "" if include_top else "_no_top"
    fname = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}.h5"
    return _weights.load(model, weights, fname, BASE_WEIGHT_PATH + fname)


def preprocess_input(x, data_format=None):
    """Scale pixels to ``[-1, 1]`` (mode "tf")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
