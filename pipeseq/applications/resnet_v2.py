"""ResNet50V2/101V2/152V2 (He et al., 2016: pre-activation), as ``keras.applications.resnet_v2``."""
from . import imagenet_utils
from .resnet import _v1, stack_residual_blocks_v2


def _v2(blocks, name, weights_name, **kwargs):
    return _v1(blocks, name, weights_name, preact=True, stack=stack_residual_blocks_v2, **kwargs)


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2 (default input 224x224x3, at least 32x32)."""
    return _v2((3, 4, 6, 3), name, "resnet50v2", include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet101V2 (default input 224x224x3, at least 32x32)."""
    return _v2((3, 4, 23, 3), name, "resnet101v2", include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet152V2 (default input 224x224x3, at least 32x32)."""
    return _v2((3, 8, 36, 3), name, "resnet152v2", include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def preprocess_input(x, data_format=None):
    """Scale pixels to ``[-1, 1]`` (mode "tf")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
