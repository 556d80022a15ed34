"""ConvNeXt Tiny, Small, Base, Large and XLarge (Liu et al., 2022), as
``keras.applications.convnext`` builds them: the stem and the three downsampling blocks are
nested ``Sequential`` models, each block's residual sum is an op node (``inputs + x``), and
the per-channel layer scale is :class:`~pipeseq.layers.LayerScale`.

The preprocessing (``Normalization`` with ImageNet's mean and variance) is part of the
model, so ``preprocess_input`` returns its input unchanged, as in Keras.
"""
import numpy as np

from .. import backend
from ..layers import (Activation, Conv2D, Dense, GlobalAveragePooling2D, GlobalMaxPooling2D,
                      LayerNormalization, LayerScale, Normalization, StochasticDepth)
from ..layers.base import unique_name
from ..models.sequential import Sequential
from . import _common, _weights, imagenet_utils

BASE_WEIGHTS_PATH = _weights.BASE_URL + "convnext/"
WEIGHTS_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768]},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768]},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024]},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536]},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048]},
}


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """One ConvNeXt block: depthwise 7x7 conv, LayerNorm, two pointwise Dense, scale, residual."""
    if name is None:
        name = unique_name("prestem")

    def apply(inputs):
        x = Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                   name=f"{name}_depthwise_conv")(inputs)
        x = LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = Activation("gelu", name=f"{name}_gelu")(x)
        x = Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim,
                           name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            layer = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            layer = Activation("linear", name=f"{name}_identity")
        return inputs + layer(x)
    return apply


def PreStem(name=None):
    """ImageNet normalisation of 0-255 pixels (``Normalization`` with fixed mean/variance)."""
    if name is None:
        name = unique_name("prestem")

    def apply(x):
        return Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                             variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2,
                                       (0.225 * 255) ** 2],
                             name=f"{name}_prestem_normalization")(x)
    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """Global average pooling, LayerNorm, Dense(classes)."""
    if name is None:
        name = unique_name("head")

    def apply(x):
        x = GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return Dense(num_classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    return apply


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6,
             default_size=224, name="convnext", include_preprocessing=True, include_top=True,
             weights=None, input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", weights_name=None):
    """The ConvNeXt family's builder (see the variants for the published configurations)."""
    if backend.image_data_format() == "channels_first":
        raise ValueError("ConvNeXt does not support the `channels_first` image data format. "
                         "Switch to `channels_last` (backend.set_image_data_format).")
    _weights.check_weights_arg(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = img_input
    if include_preprocessing and input_shape[2] == 3:
        x = PreStem(name=name)(x)
    stem = Sequential([Conv2D(projection_dims[0], kernel_size=4, strides=4,
                              name=f"{name}_stem_conv"),
                       LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")],
                      name=f"{name}_stem")
    downsample_layers = [stem]
    for i in range(3):
        downsample_layers.append(Sequential(
            [LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
             Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                    name=f"{name}_downsampling_conv_{i}")],
            name=f"{name}_downsampling_block_{i}"))
    depth_drop_rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    cur = 0
    for i in range(4):
        x = downsample_layers[i](x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(projection_dim=projection_dims[i],
                              drop_path_rate=depth_drop_rates[cur + j],
                              layer_scale_init_value=layer_scale_init_value,
                              name=name + f"_stage_{i}_block_{j}")(x)
        cur += depths[i]
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        if pooling == "avg":
            x = GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = GlobalMaxPooling2D()(x)
        x = LayerNormalization(epsilon=1e-6)(x)
    model = _common.model(input_tensor, img_input, x, name)
    if weights == "imagenet":
        expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
        if list(depths) != expected["depths"] or \
                list(projection_dims) != expected["projection_dims"]:
            raise ValueError(f"Architecture configuration does not match {weights_name} "
                             "variant. Expected depths: "
                             f"{expected['depths']}, got: {depths}. Expected projection_dims: "
                             f"{expected['projection_dims']}, got: {projection_dims}.")
        if weights_name not in name:
            raise ValueError(f'Model name "{name}" does not match weights variant '
                             f'"{weights_name}". When using imagenet weights, model name must '
                             "contain the weights variant (e.g., "
                             f'"convnext_{weights_name.split("convnext_")[-1]}").')
        suffix, fhash = (".h5", WEIGHTS_HASHES[weights_name][0]) if include_top else \
            ("_notop.h5", WEIGHTS_HASHES[weights_name][1])
        fname = name + suffix
        return _weights.load(model, weights, fname, BASE_WEIGHTS_PATH + fname, fhash)
    return _weights.load(model, weights)


def _variant(size):
    def fn(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
           input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
           name=f"convnext_{size}"):
        return ConvNeXt(weights_name=f"convnext_{size}", depths=MODEL_CONFIGS[size]["depths"],
                        projection_dims=MODEL_CONFIGS[size]["projection_dims"],
                        drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
                        name=name, include_top=include_top,
                        include_preprocessing=include_preprocessing, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                        classes=classes, classifier_activation=classifier_activation)
    fn.__name__ = fn.__qualname__ = "ConvNeXt" + {"xlarge": "XLarge"}.get(size, size.title())
    fn.__doc__ = (f"ConvNeXt{size.title()} (default input 224x224x3, at least 32x32; depths "
                  f"{MODEL_CONFIGS[size]['depths']}, widths "
                  f"{MODEL_CONFIGS[size]['projection_dims']}).")
    return fn


ConvNeXtTiny = _variant("tiny")
ConvNeXtSmall = _variant("small")
ConvNeXtBase = _variant("base")
ConvNeXtLarge = _variant("large")
ConvNeXtXLarge = _variant("xlarge")


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: the preprocessing is part of the model (as in Keras)."""
    return x


decode_predictions = imagenet_utils.decode_predictions
