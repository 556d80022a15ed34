"""VGG16 (Simonyan & Zisserman, 2014), as ``keras.applications.vgg16`` builds it.

VGG19 (:mod:`.vgg19`) is the same network with four convolutions in blocks 3-5.
"""
from .. import backend
from ..layers import Conv2D, Dense, Flatten, MaxPooling2D
from . import _common, _weights, imagenet_utils

WEIGHTS_PATH = _weights.BASE_URL + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = _weights.BASE_URL + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
HASHES = ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc")


def build_vgg(convs_per_block, family, urls, hashes, include_top, weights, input_tensor,
              input_shape, pooling, classes, classifier_activation, name):
    """The VGG body with ``convs_per_block`` 3x3 convolutions per block (5 blocks)."""
    _weights.check_weights_arg(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = img_input
    for block, (n, filters) in enumerate(zip(convs_per_block, (64, 128, 256, 512, 512)), 1):
        for i in range(1, n + 1):
            x = Conv2D(filters, (3, 3), activation="relu", padding="same",
                       name=f"block{block}_conv{i}")(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.model(input_tensor, img_input, x, name)
    suffix = "" if include_top else "_notop"
    return _weights.load(model, weights, f"{family}_weights_tf_dim_ordering_tf_kernels{suffix}.h5",
                         urls[0] if include_top else urls[1], hashes[0] if include_top else hashes[1])


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """VGG16 (default input 224x224x3, at least 32x32)."""
    return build_vgg((2, 2, 3, 3, 3), "vgg16", (WEIGHTS_PATH, WEIGHTS_PATH_NO_TOP), HASHES,
                     include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name)


def preprocess_input(x, data_format=None):
    """RGB -> BGR and minus the ImageNet channel means (mode "caffe")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
