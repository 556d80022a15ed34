"""Xception (Chollet, 2017), as ``keras.applications.xception`` builds it."""
from .. import backend
from ..layers import (Activation, BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D,
                      MaxPooling2D, SeparableConv2D)
from ..layers.merge import add
from . import _common, _weights, imagenet_utils

WEIGHTS_PATH = _weights.BASE_URL + "xception/xception_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = (_weights.BASE_URL +
                       "xception/xception_weights_tf_dim_ordering_tf_kernels_notop.h5")


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """The Xception architecture (default input 299x299x3, at least 71x71)."""
    _weights.check_weights_arg(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    ax = _common.channel_axis()

    def sep(x, filters, lname):
        x = SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=lname)(x)
        return BatchNormalization(axis=ax, name=lname + "_bn")(x)

    def shortcut(x, filters):
        r = Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
        return BatchNormalization(axis=ax)(r)

    x = Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = BatchNormalization(axis=ax, name="block1_conv1_bn")(x)
    x = Activation("relu", name="block1_conv1_act")(x)
    x = Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = BatchNormalization(axis=ax, name="block1_conv2_bn")(x)
    x = Activation("relu", name="block1_conv2_act")(x)

    residual = shortcut(x, 128)
    x = sep(x, 128, "block2_sepconv1")
    x = Activation("relu", name="block2_sepconv2_act")(x)
    x = sep(x, 128, "block2_sepconv2")
    x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block2_pool")(x)
    x = add([x, residual])

    for block, filters in ((3, 256), (4, 728)):
        residual = shortcut(x, filters)
        x = Activation("relu", name=f"block{block}_sepconv1_act")(x)
        x = sep(x, filters, f"block{block}_sepconv1")
        x = Activation("relu", name=f"block{block}_sepconv2_act")(x)
        x = sep(x, filters, f"block{block}_sepconv2")
        x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
        x = add([x, residual])

    for i in range(8):
        residual = x
        prefix = f"block{i + 5}"
        for j in (1, 2, 3):
            x = Activation("relu", name=f"{prefix}_sepconv{j}_act")(x)
            x = sep(x, 728, f"{prefix}_sepconv{j}")
        x = add([x, residual])

    residual = shortcut(x, 1024)
    x = Activation("relu", name="block13_sepconv1_act")(x)
    x = sep(x, 728, "block13_sepconv1")
    x = Activation("relu", name="block13_sepconv2_act")(x)
    x = sep(x, 1024, "block13_sepconv2")
    x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block13_pool")(x)
    x = add([x, residual])

    x = sep(x, 1536, "block14_sepconv1")
    x = Activation("relu", name="block14_sepconv1_act")(x)
    x = sep(x, 2048, "block14_sepconv2")
    x = Activation("relu", name="block14_sepconv2_act")(x)

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.model(input_tensor, img_input, x, name)
    if include_top:
        fname, url, md5 = ("xception_weights_tf_dim_ordering_tf_kernels.h5", WEIGHTS_PATH,
                           "0a58e3b7378bc2990ea3b43d5981f1f6")
    else:
        fname, url, md5 = ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
                           WEIGHTS_PATH_NO_TOP, "b0042744bf5b25fce3cb969f33bebb97")
    return _weights.load(model, weights, fname, url, md5)


def preprocess_input(x, data_format=None):
    """Scale pixels to ``[-1, 1]`` (mode "tf")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
