"""MobileNetV3 Small and Large (Howard et al., 2019), as ``keras.applications`` builds them.

The preprocessing (``Rescaling(1/127.5, offset=-1)``) is part of the model, so
``preprocess_input`` returns its input unchanged, as in Keras. The hard sigmoid of the
squeeze-and-excite blocks is ``ReLU(6)(x + 3) * (1/6)``: two op nodes around a ReLU layer,
saved in the config as Keras 3 saves them.
"""
import warnings

from .. import backend
from ..layers import (Activation, BatchNormalization, Conv2D, DepthwiseConv2D, Dropout, Flatten,
                      GlobalAveragePooling2D, GlobalMaxPooling2D, ReLU, Rescaling, ZeroPadding2D)
from ..layers.merge import Add, Multiply
from . import _common, _weights, imagenet_utils

BASE_WEIGHT_PATH = _weights.BASE_URL + "mobilenet_v3/"
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb",
                             "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7",
                            "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7",
                             "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862",
                            "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}


def relu(x):
    return ReLU()(x)


def hard_sigmoid(x):
    return ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return Activation("hard_swish")(x)


def _depth(v, divisor=8, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _bn(x, name):
    return BatchNormalization(axis=_common.channel_axis(), epsilon=1e-3, momentum=0.999,
                              name=name)(x)


def _se_block(inputs, filters, se_ratio, prefix):
    x = GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = Conv2D(_depth(filters * se_ratio), kernel_size=1, padding="same",
               name=f"{prefix}squeeze_excite_conv")(x)
    x = ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = hard_sigmoid(x)
    return Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                        block_id):
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[_common.channel_axis()]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = Conv2D(_depth(infilters * expansion), kernel_size=1, padding="same", use_bias=False,
                   name=f"{prefix}expand")(x)
        x = _bn(x, f"{prefix}expand_bn")
        x = activation(x)
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                          name=f"{prefix}depthwise_pad")(x)
    x = DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                        use_bias=False, name=f"{prefix}depthwise")(x)
    x = _bn(x, f"{prefix}depthwise_bn")
    x = activation(x)
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(x, f"{prefix}project_bn")
    if stride == 1 and infilters == filters:
        x = Add(name=f"{prefix}add")([shortcut, x])
    return x


def _input_shape(input_shape, input_tensor):
    if input_shape is not None and input_tensor is not None:
        _common.image_input(input_tensor, input_shape)
        axis = 1 if backend.image_data_format() == "channels_first" else 2
        if input_tensor.shape[axis] != tuple(input_shape)[1]:
            raise ValueError(f"input_shape[1] must equal input_tensor.shape[{axis}].  Received "
                             f"input_shape={input_shape}, input_tensor.shape={input_tensor.shape}")
    if input_shape is None and input_tensor is not None:
        _common.image_input(input_tensor, None)
        if backend.image_data_format() == "channels_first":
            rows, cols = input_tensor.shape[2], input_tensor.shape[3]
            return (3, cols, rows)
        rows, cols = input_tensor.shape[1], input_tensor.shape[2]
        return (cols, rows, 3)
    if input_shape is None:
        return (None, None, 3) if backend.image_data_format() == "channels_last" \
            else (3, None, None)
    return tuple(input_shape)


def MobileNetV3(stack_fn, last_point_ch, input_shape=None, alpha=1.0, model_type="large",
                minimalistic=False, include_top=True, weights="imagenet", input_tensor=None,
                classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                include_preprocessing=True, name=None):
    """The shared body of :func:`MobileNetV3Small` and :func:`MobileNetV3Large`."""
    _weights.check_weights_arg(weights, include_top, classes)
    input_shape = _input_shape(input_shape, input_tensor)
    row_axis, col_axis = (0, 1) if backend.image_data_format() == "channels_last" else (1, 2)
    rows, cols = input_shape[row_axis], input_shape[col_axis]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in [0.75, 1.0]) or (minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, "
                             "`1.0` for non minimalistic or `1.0` for minimalistic only. "
                             f"Received: alpha={alpha}, minimalistic={minimalistic}")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224. "
                          "Weights for input shape (224, 224) will be loaded as the default.",
                          stacklevel=3)
    img_input = _common.image_input(input_tensor, input_shape)
    if minimalistic:
        kernel, activation, se_ratio = 3, relu, None
    else:
        kernel, activation, se_ratio = 5, hard_swish, 0.25
    x = img_input
    if include_preprocessing:
        x = Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
               name="conv")(x)
    x = _bn(x, "conv_bn")
    x = activation(x)
    x = stack_fn(x, kernel, activation, se_ratio)
    last_conv_ch = _depth(x.shape[_common.channel_axis()] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = _bn(x, "conv_1_bn")
    x = activation(x)
    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate)(x)
        x = Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = GlobalMaxPooling2D(name="max_pool")(x)
    model = _common.model(input_tensor, img_input, x, name)
    if weights == "imagenet":
        model_name = "{}{}_224_{}_float".format(
            model_type, "_minimalistic" if minimalistic else "", str(alpha))
        if include_top:
            fname, fhash = f"weights_mobilenet_v3_{model_name}.h5", WEIGHTS_HASHES[model_name][0]
        else:
            fname = f"weights_mobilenet_v3_{model_name}_no_top_v2.h5"
            fhash = WEIGHTS_HASHES[model_name][1]
        return _weights.load(model, weights, fname, BASE_WEIGHT_PATH + fname, fhash)
    return _weights.load(model, weights)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    """MobileNetV3Small (default input 224x224x3, at least 32x32; ``alpha`` 0.75 or 1.0 and
    ``minimalistic`` select the published weights)."""
    def stack_fn(x, kernel, activation, se_ratio):
        def depth(d):
            return _depth(d * alpha)
        plan = [(1, 16, 3, 2, se_ratio, relu), (72.0 / 16, 24, 3, 2, None, relu),
                (88.0 / 24, 24, 3, 1, None, relu), (4, 40, kernel, 2, se_ratio, activation),
                (6, 40, kernel, 1, se_ratio, activation), (6, 40, kernel, 1, se_ratio, activation),
                (3, 48, kernel, 1, se_ratio, activation), (3, 48, kernel, 1, se_ratio, activation),
                (6, 96, kernel, 2, se_ratio, activation), (6, 96, kernel, 1, se_ratio, activation),
                (6, 96, kernel, 1, se_ratio, activation)]
        for i, (e, f, k, s, se, act) in enumerate(plan):
            x = _inverted_res_block(x, e, depth(f), k, s, se, act, i)
        return x
    return MobileNetV3(stack_fn, 1024, input_shape, alpha, "small", minimalistic, include_top,
                       weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing, name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    """MobileNetV3Large (default input 224x224x3, at least 32x32; ``alpha`` 0.75 or 1.0 and
    ``minimalistic`` select the published weights)."""
    def stack_fn(x, kernel, activation, se_ratio):
        def depth(d):
            return _depth(d * alpha)
        plan = [(1, 16, 3, 1, None, relu), (4, 24, 3, 2, None, relu), (3, 24, 3, 1, None, relu),
                (3, 40, kernel, 2, se_ratio, relu), (3, 40, kernel, 1, se_ratio, relu),
                (3, 40, kernel, 1, se_ratio, relu), (6, 80, 3, 2, None, activation),
                (2.5, 80, 3, 1, None, activation), (2.3, 80, 3, 1, None, activation),
                (2.3, 80, 3, 1, None, activation), (6, 112, 3, 1, se_ratio, activation),
                (6, 112, 3, 1, se_ratio, activation), (6, 160, kernel, 2, se_ratio, activation),
                (6, 160, kernel, 1, se_ratio, activation),
                (6, 160, kernel, 1, se_ratio, activation)]
        for i, (e, f, k, s, se, act) in enumerate(plan):
            x = _inverted_res_block(x, e, depth(f), k, s, se, act, i)
        return x
    return MobileNetV3(stack_fn, 1280, input_shape, alpha, "large", minimalistic, include_top,
                       weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing, name=name)


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: the preprocessing is part of the model (as in Keras)."""
    return x


decode_predictions = imagenet_utils.decode_predictions
