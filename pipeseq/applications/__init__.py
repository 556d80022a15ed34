"""Keras Applications: ImageNet architectures built layer for layer as Keras builds them,
so that Keras's published weight files load unchanged.

Every function has Keras's signature (``include_top``, ``weights``, ``input_tensor``,
``input_shape``, ``pooling``, ``classes``, ``classifier_activation`` and the family's own
arguments such as ``alpha``). ``weights="imagenet"`` reads Keras's file from Keras's cache
(``~/.keras/models``, ``$KERAS_HOME/models``), downloading it when missing; ``weights=None``
initialises as Keras does; a path loads that file. Each family module also has
``preprocess_input`` and ``decode_predictions``.

Example
-------
>>> from pipeseq.applications import MobileNetV2
>>> base = MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.35)
>>> base.output_shape
(None, 1, 1, 1280)
"""
import importlib

#: function name -> module (as in ``keras.applications``)
FUNCTIONS = {
    "Xception": "xception", "VGG16": "vgg16", "VGG19": "vgg19",
    "ResNet50": "resnet", "ResNet101": "resnet", "ResNet152": "resnet",
    "ResNet50V2": "resnet_v2", "ResNet101V2": "resnet_v2", "ResNet152V2": "resnet_v2",
    "MobileNet": "mobilenet", "MobileNetV2": "mobilenet_v2",
    "MobileNetV3Small": "mobilenet_v3", "MobileNetV3Large": "mobilenet_v3",
    "InceptionV3": "inception_v3", "InceptionResNetV2": "inception_resnet_v2",
    "DenseNet121": "densenet", "DenseNet169": "densenet", "DenseNet201": "densenet",
    "NASNetMobile": "nasnet", "NASNetLarge": "nasnet",
    "ConvNeXtTiny": "convnext", "ConvNeXtSmall": "convnext", "ConvNeXtBase": "convnext",
    "ConvNeXtLarge": "convnext", "ConvNeXtXLarge": "convnext",
    **{f"EfficientNetB{i}": "efficientnet" for i in range(8)},
}
MODULES = sorted(set(FUNCTIONS.values()) | {"imagenet_utils"})


def available():
    """The application functions this version of pipeseq has, by Keras name."""
    out = []
    for name, module in FUNCTIONS.items():
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{module}":
                raise
            continue
        if hasattr(mod, name):
            out.append(name)
    return out


def __getattr__(name):
    if name in FUNCTIONS:
        mod = importlib.import_module(f"{__name__}.{FUNCTIONS[name]}")
        return getattr(mod, name)
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(FUNCTIONS) | set(MODULES))
