"""NASNet-A Mobile and Large (Zoph et al., 2018), as ``keras.applications.nasnet`` builds
them, name scopes included: each cell's weights live under Keras's scope names
(``reduction_A_block_stem_1/block_1/separable_conv_block_.../kernel``), through
:class:`pipeseq.backend.name_scope`.
"""
from .. import backend
from ..backend import name_scope
from ..layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Cropping2D,
                      Dense, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D,
                      SeparableConv2D, ZeroPadding2D)
from ..layers.merge import Add, Concatenate
from . import _common, _weights, imagenet_utils

BASE_WEIGHTS_PATH = _weights.BASE_URL + "nasnet/"
NASNET_MOBILE_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}NASNet-mobile.h5"
NASNET_MOBILE_WEIGHT_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}NASNet-mobile-no-top.h5"
NASNET_LARGE_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}NASNet-large.h5"
NASNET_LARGE_WEIGHT_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}NASNet-large-no-top.h5"
# (include_top, default_size) -> (cached file name, origin, md5)
_FILES = {
    (True, 224): ("nasnet_mobile.h5", NASNET_MOBILE_WEIGHT_PATH,
                  "020fb642bf7360b370c678b08e0adf61"),
    (False, 224): ("nasnet_mobile_no_top.h5", NASNET_MOBILE_WEIGHT_PATH_NO_TOP,
                   "1ed92395b5b598bdda52abe5c0dbfd63"),
    (True, 331): ("nasnet_large.h5", NASNET_LARGE_WEIGHT_PATH,
                  "11577c9a518f0070763c2b964a382f17"),
    (False, 331): ("nasnet_large_no_top.h5", NASNET_LARGE_WEIGHT_PATH_NO_TOP,
                   "d81d89dc07e6e56530c4e77faddd61b5"),
}


def _bn(x, name):
    return BatchNormalization(axis=_common.channel_axis(), momentum=0.9997, epsilon=1e-3,
                              name=name)(x)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    with name_scope(f"separable_conv_block_{block_id}"):
        x = Activation("relu")(ip)
        if strides == (2, 2):
            x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                              name=f"separable_conv_1_pad_{block_id}")(x)
            conv_pad = "valid"
        else:
            conv_pad = "same"
        x = SeparableConv2D(filters, kernel_size, strides=strides,
                            name=f"separable_conv_1_{block_id}", padding=conv_pad,
                            use_bias=False)(x)
        x = _bn(x, f"separable_conv_1_bn_{block_id}")
        x = Activation("relu")(x)
        x = SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}",
                            padding="same", use_bias=False)(x)
        x = _bn(x, f"separable_conv_2_bn_{block_id}")
    return x


def _conv1x1(x, filters, name, strides=(1, 1)):
    return Conv2D(filters, (1, 1), strides=strides, padding="same", use_bias=False, name=name,
                  kernel_initializer="he_normal")(x)


def _adjust_block(p, ip, filters, block_id=None):
    """Match ``p`` to ``ip``'s spatial size (factorised reduction) or channel count."""
    ch = _common.channel_axis()
    img_dim = 2 if backend.image_data_format() == "channels_first" else -2
    with name_scope("adjust_block"):
        if p is None:
            p = ip
        elif p.shape[img_dim] != ip.shape[img_dim]:
            with name_scope(f"adjust_reduction_block_{block_id}"):
                p = Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
                p1 = AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                      name=f"adjust_avg_pool_1_{block_id}")(p)
                p1 = Conv2D(filters // 2, (1, 1), padding="same", use_bias=False,
                            name=f"adjust_conv_1_{block_id}",
                            kernel_initializer="he_normal")(p1)
                p2 = ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
                p2 = Cropping2D(cropping=((1, 0), (1, 0)))(p2)
                p2 = AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                      name=f"adjust_avg_pool_2_{block_id}")(p2)
                p2 = Conv2D(filters // 2, (1, 1), padding="same", use_bias=False,
                            name=f"adjust_conv_2_{block_id}",
                            kernel_initializer="he_normal")(p2)
                p = Concatenate(axis=ch)([p1, p2])
                p = _bn(p, f"adjust_bn_{block_id}")
        elif p.shape[ch] != filters:
            with name_scope(f"adjust_projection_block_{block_id}"):
                p = Activation("relu")(p)
                p = _conv1x1(p, filters, f"adjust_conv_projection_{block_id}")
                p = _bn(p, f"adjust_bn_{block_id}")
    return p


def _avg3(x, strides, padding, name):
    return AveragePooling2D((3, 3), strides=strides, padding=padding, name=name)(x)


def _normal_a_cell(ip, p, filters, block_id=None):
    with name_scope(f"normal_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = Activation("relu")(ip)
        h = _conv1x1(h, filters, f"normal_conv_1_{block_id}")
        h = _bn(h, f"normal_bn_1_{block_id}")
        with name_scope("block_1"):
            x1_1 = _separable_conv_block(h, filters, kernel_size=(5, 5),
                                         block_id=f"normal_left1_{block_id}")
            x1_2 = _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")
            x1 = Add(name=f"normal_add_1_{block_id}")([x1_1, x1_2])
        with name_scope("block_2"):
            x2_1 = _separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
            x2_2 = _separable_conv_block(p, filters, (3, 3),
                                         block_id=f"normal_right2_{block_id}")
            x2 = Add(name=f"normal_add_2_{block_id}")([x2_1, x2_2])
        with name_scope("block_3"):
            x3 = _avg3(h, (1, 1), "same", f"normal_left3_{block_id}")
            x3 = Add(name=f"normal_add_3_{block_id}")([x3, p])
        with name_scope("block_4"):
            x4_1 = _avg3(p, (1, 1), "same", f"normal_left4_{block_id}")
            x4_2 = _avg3(p, (1, 1), "same", f"normal_right4_{block_id}")
            x4 = Add(name=f"normal_add_4_{block_id}")([x4_1, x4_2])
        with name_scope("block_5"):
            x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
            x5 = Add(name=f"normal_add_5_{block_id}")([x5, h])
        x = Concatenate(axis=_common.channel_axis(), name=f"normal_concat_{block_id}")(
            [p, x1, x2, x3, x4, x5])
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    with name_scope(f"reduction_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = Activation("relu")(ip)
        h = _conv1x1(h, filters, f"reduction_conv_1_{block_id}")
        h = _bn(h, f"reduction_bn_1_{block_id}")
        h3 = ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3),
                           name=f"reduction_pad_1_{block_id}")(h)
        with name_scope("block_1"):
            x1_1 = _separable_conv_block(h, filters, (5, 5), strides=(2, 2),
                                         block_id=f"reduction_left1_{block_id}")
            x1_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                         block_id=f"reduction_right1_{block_id}")
            x1 = Add(name=f"reduction_add_1_{block_id}")([x1_1, x1_2])
        with name_scope("block_2"):
            x2_1 = MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                name=f"reduction_left2_{block_id}")(h3)
            x2_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                         block_id=f"reduction_right2_{block_id}")
            x2 = Add(name=f"reduction_add_2_{block_id}")([x2_1, x2_2])
        with name_scope("block_3"):
            x3_1 = _avg3(h3, (2, 2), "valid", f"reduction_left3_{block_id}")
            x3_2 = _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                         block_id=f"reduction_right3_{block_id}")
            x3 = Add(name=f"reduction_add3_{block_id}")([x3_1, x3_2])
        with name_scope("block_4"):
            x4 = _avg3(x1, (1, 1), "same", f"reduction_left4_{block_id}")
            x4 = Add()([x2, x4])
        with name_scope("block_5"):
            x5_1 = _separable_conv_block(x1, filters, (3, 3),
                                         block_id=f"reduction_left4_{block_id}")
            x5_2 = MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                name=f"reduction_right5_{block_id}")(h3)
            x5 = Add(name=f"reduction_add4_{block_id}")([x5_1, x5_2])
        x = Concatenate(axis=_common.channel_axis(), name=f"reduction_concat_{block_id}")(
            [x2, x3, x4, x5])
        return x, ip


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
           skip_reduction=True, filter_multiplier=2, include_top=True, weights="imagenet",
           input_tensor=None, pooling=None, classes=1000, default_size=None,
           classifier_activation="softmax", name="NASNet"):
    """The NASNet-A builder (see :func:`NASNetMobile` and :func:`NASNetLarge`)."""
    if backend.image_data_format() == "channels_first":
        raise ValueError("NASNet does not support the `channels_first` image data format. "
                         "Switch to `channels_last` (backend.set_image_data_format).")
    _weights.check_weights_arg(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading `ImageNet` "
                         "weights, the input_shape argument must be static (no None entries). "
                         f"Got: `input_shape={input_shape}`.")
    if default_size is None:
        default_size = 331
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    if penultimate_filters % (24 * (filter_multiplier ** 2)) != 0:
        raise ValueError("For NASNet-A models, the `penultimate_filters` must be a multiple of "
                         "24 * (`filter_multiplier` ** 2). Current value: "
                         f"{penultimate_filters}")
    filters = penultimate_filters // 24
    x = Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False,
               name="stem_conv1", kernel_initializer="he_normal")(img_input)
    x = _bn(x, "stem_bn1")
    p = None
    x, p = _reduction_a_cell(x, p, filters // (filter_multiplier ** 2), block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters, block_id=f"{i}")
    x, p0 = _reduction_a_cell(x, p, filters * filter_multiplier,
                              block_id=f"reduce_{num_blocks}")
    p = p0 if not skip_reduction else p
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters * filter_multiplier,
                              block_id=f"{num_blocks + i + 1}")
    x, p0 = _reduction_a_cell(x, p, filters * filter_multiplier ** 2,
                              block_id=f"reduce_{2 * num_blocks}")
    p = p0 if not skip_reduction else p
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters * filter_multiplier ** 2,
                              block_id=f"{2 * num_blocks + i + 1}")
    x = Activation("relu")(x)
    if include_top:
        x = GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = GlobalMaxPooling2D()(x)
    model = _common.model(input_tensor, img_input, x, name)
    if weights == "imagenet":
        if (include_top, default_size) not in _FILES:
            raise ValueError("ImageNet weights can only be loaded with NASNetLarge or "
                             "NASNetMobile")
        fname, origin, fhash = _FILES[(include_top, default_size)]
        return _weights.load(model, weights, fname, origin, fhash)
    return _weights.load(model, weights)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax",
                 name="nasnet_mobile"):
    """NASNet-A Mobile (4 @ 1056; input 224x224x3 with ``include_top``, at least 32x32)."""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=224, classifier_activation=classifier_activation, name=name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="nasnet_large"):
    """NASNet-A Large (6 @ 4032; input 331x331x3 with ``include_top``, at least 32x32)."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=331, classifier_activation=classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """Scale pixels to ``[-1, 1]`` (mode "tf")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
