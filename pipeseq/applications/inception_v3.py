"""Inception V3 (Szegedy et al., 2015), as ``keras.applications.inception_v3`` builds it."""
from .. import backend
from ..layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense,
                      GlobalAveragePooling2D, MaxPooling2D)
from ..layers.merge import concatenate
from . import _common, _weights, imagenet_utils

WEIGHTS_PATH = (_weights.BASE_URL +
                "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = (_weights.BASE_URL +
                       "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5")


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Conv2D (no bias) + BatchNormalization (no scale) + ReLU."""
    bn_name = f"{name}_bn" if name is not None else None
    conv_name = f"{name}_conv" if name is not None else None
    bn_axis = 1 if backend.image_data_format() == "channels_first" else 3
    x = Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
               name=conv_name)(x)
    x = BatchNormalization(axis=bn_axis, scale=False, name=bn_name)(x)
    return Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    b = AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(b, filters, 1, 1)


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax", name="inception_v3"):
    """Inception V3 (default input 299x299x3, at least 75x75)."""
    _weights.check_weights_arg(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    ax = 1 if backend.image_data_format() == "channels_first" else 3

    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)

    for i, pool_filters in enumerate((32, 64, 64)):          # mixed 0, 1, 2: 35 x 35 x 256
        b1 = conv2d_bn(x, 64, 1, 1)
        b5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
        b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
        bp = _avg_branch(x, pool_filters)
        x = concatenate([b1, b5, b3, bp], axis=ax, name=f"mixed{i}")

    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")     # mixed 3: 17 x 17 x 768
    bd = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides=(2, 2),
                   padding="valid")
    bp = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = concatenate([b3, bd, bp], axis=ax, name="mixed3")

    for i, f in ((4, 128), (5, 160), (6, 160), (7, 192)):    # mixed 4-7: 17 x 17 x 768
        b1 = conv2d_bn(x, 192, 1, 1)
        b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, f, 1, 1), f, 1, 7), 192, 7, 1)
        bd = conv2d_bn(x, f, 1, 1)
        bd = conv2d_bn(bd, f, 7, 1)
        bd = conv2d_bn(bd, f, 1, 7)
        bd = conv2d_bn(bd, f, 7, 1)
        bd = conv2d_bn(bd, 192, 1, 7)
        bp = _avg_branch(x, 192)
        x = concatenate([b1, b7, bd, bp], axis=ax, name=f"mixed{i}")

    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(x, 192, 1, 1)                               # mixed 8: 8 x 8 x 1280
    b7 = conv2d_bn(b7, 192, 1, 7)
    b7 = conv2d_bn(b7, 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    bp = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = concatenate([b3, b7, bp], axis=ax, name="mixed8")

    for i in range(2):                                         # mixed 9, 10: 8 x 8 x 2048
        b1 = conv2d_bn(x, 320, 1, 1)
        b3 = conv2d_bn(x, 384, 1, 1)
        b3 = concatenate([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)], axis=ax,
                         name=f"mixed9_{i}")
        bd = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
        bd = concatenate([conv2d_bn(bd, 384, 1, 3), conv2d_bn(bd, 384, 3, 1)], axis=ax)
        bp = _avg_branch(x, 192)
        x = concatenate([b1, b3, bd, bp], axis=ax, name=f"mixed{9 + i}")

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.model(input_tensor, img_input, x, name)
    if include_top:
        args = ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", WEIGHTS_PATH,
                "9a0d58056eeedaa3f26cb7ebd46da564")
    else:
        args = ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", WEIGHTS_PATH_NO_TOP,
                "bcbd6486424b2319ff4ef7d526e38f63")
    return _weights.load(model, weights, *args)


def preprocess_input(x, data_format=None):
    """Scale pixels to ``[-1, 1]`` (mode "tf")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
