"""VGG19, as ``keras.applications.vgg19`` builds it (VGG16 with 4 convolutions in blocks 3-5)."""
from . import _weights, imagenet_utils
from .vgg16 import build_vgg

WEIGHTS_PATH = _weights.BASE_URL + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = _weights.BASE_URL + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
HASHES = ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    """VGG19 (default input 224x224x3, at least 32x32)."""
    return build_vgg((2, 2, 4, 4, 4), "vgg19", (WEIGHTS_PATH, WEIGHTS_PATH_NO_TOP), HASHES,
                     include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name)


def preprocess_input(x, data_format=None):
    """RGB -> BGR and minus the ImageNet channel means (mode "caffe")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
