"""Inception-ResNet V2 (Szegedy et al., 2016), as ``keras.applications.inception_resnet_v2``
builds it, with Keras's ``CustomScaleLayer`` (``inputs[0] + inputs[1] * scale``)."""
from .. import backend
from ..layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense,
                      GlobalAveragePooling2D, MaxPooling2D)
from ..layers.merge import Concatenate, CustomScaleLayer
from . import _common, _weights, imagenet_utils

BASE_WEIGHT_URL = _weights.BASE_URL + "inception_resnet_v2/"


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):
    """Conv2D, then (without bias) BatchNormalization without scale, then the activation."""
    x = Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias,
               name=name)(x)
    if not use_bias:
        bn_axis = 1 if backend.image_data_format() == "channels_first" else 3
        x = BatchNormalization(axis=bn_axis, scale=False,
                               name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """One residual Inception block (``block35``, ``block17`` or ``block8``)."""
    if block_type == "block35":
        branches = [conv2d_bn(x, 32, 1),
                    conv2d_bn(conv2d_bn(x, 32, 1), 32, 3),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3)]
    elif block_type == "block17":
        branches = [conv2d_bn(x, 192, 1),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7]), 192, [7, 1])]
    elif block_type == "block8":
        branches = [conv2d_bn(x, 192, 1),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3]), 256, [3, 1])]
    else:
        raise ValueError("Unknown Inception-ResNet block type. Expects 'block35', 'block17' or "
                         f"'block8', but got: block_type={block_type}")
    block_name = f"{block_type}_{block_idx}"
    ax = 1 if backend.image_data_format() == "channels_first" else 3
    mixed = Concatenate(axis=ax, name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(mixed, x.shape[ax], 1, activation=None, use_bias=True,
                   name=f"{block_name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = Activation(activation, name=f"{block_name}_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                      pooling=None, classes=1000, classifier_activation="softmax",
                      name="inception_resnet_v2"):
    """Inception-ResNet V2 (default input 299x299x3, at least 75x75)."""
    _weights.check_weights_arg(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    ax = 1 if backend.image_data_format() == "channels_first" else 3
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = MaxPooling2D(3, strides=2)(x)
    b0 = conv2d_bn(x, 96, 1)
    b1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    bp = conv2d_bn(AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    x = Concatenate(axis=ax, name="mixed_5b")([b0, b1, b2, bp])
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)
    b0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid")
    bp = MaxPooling2D(3, strides=2, padding="valid")(x)
    x = Concatenate(axis=ax, name="mixed_6a")([b0, b1, bp])
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)
    b0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid")
    bp = MaxPooling2D(3, strides=2, padding="valid")(x)
    x = Concatenate(axis=ax, name="mixed_7a")([b0, b1, b2, bp])
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.model(input_tensor, img_input, x, name)
    if include_top:
        fname, md5 = ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
                      "e693bd0210a403b3192acc6073ad2e96")
    else:
        fname, md5 = ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                      "d19885ff4a710c122648d3b5c3b684e4")
    return _weights.load(model, weights, fname, BASE_WEIGHT_URL + fname, md5)


def preprocess_input(x, data_format=None):
    """Scale pixels to ``[-1, 1]`` (mode "tf")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
