"""Keras 3's augmentation policies built from the other augmentation layers:
``RandAugment`` (``num_ops`` operations picked at random per batch), ``AugMix`` (random
chains of operations mixed with Dirichlet weights, then with the original) and ``Pipeline``
(a plain layer applying a list of layers in turn).

Example
-------
>>> import numpy as np
>>> x = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
>>> RandAugment(num_ops=2, factor=0.3, seed=1)(x).shape
(2, 8, 8, 3)
>>> pipe = Pipeline([AutoContrast(), RandAugment(seed=2)])
>>> pipe(x, training=False).shape
(2, 8, 8, 3)
"""
import autograd.numpy as anp
import numpy as np

from .. import random as prandom
from ..ops.dispatch import is_traced
from .augment_base import BaseImagePreprocessingLayer
from .augment_color import (RandomBrightness, RandomColorDegeneration, RandomContrast,
                            RandomPosterization, RandomSharpness, Solarization)
from .augment_geometric import RandomRotation, RandomShear, RandomTranslation
from .augment_histogram import AutoContrast, Equalization
from .base import Layer, register

OPERATIONS = ("random_shear", "random_translation", "random_rotation",
              "random_posterization", "solarization", "auto_contrast", "equalization",
              "random_brightness", "random_color_degeneration", "random_contrast",
              "random_sharpness")
RAND_AUGMENT_OPERATIONS = ("random_shear", "random_translation", "random_rotation",
                           "random_brightness", "random_color_degeneration",
                           "random_contrast", "random_sharpness", "random_posterization",
                           "solarization", "auto_contrast", "equalization")


def _operations(names, factor, value_range, interpolation, seed, data_format):
    """The sub-layers Keras builds for these policies, all at strength ``factor``."""
    common = {"seed": seed, "data_format": data_format}
    colour = {"value_range": value_range, **common}
    make = {
        "random_shear": lambda: RandomShear(x_factor=factor, y_factor=factor,
                                            interpolation=interpolation, **common),
        "random_translation": lambda: RandomTranslation(factor, factor,
                                                        interpolation=interpolation, **common),
        "random_rotation": lambda: RandomRotation(factor, interpolation=interpolation,
                                                  **common),
        "random_posterization": lambda: RandomPosterization(max(1, int(8 * factor[1])),
                                                            **colour),
        "solarization": lambda: Solarization(factor, factor, value_range=value_range,
                                             seed=seed, data_format=data_format),
        "auto_contrast": lambda: AutoContrast(value_range=value_range, data_format=data_format),
        "equalization": lambda: Equalization(value_range=value_range, data_format=data_format),
        "random_brightness": lambda: RandomBrightness(factor, **colour),
        "random_color_degeneration": lambda: RandomColorDegeneration(factor, **colour),
        "random_contrast": lambda: RandomContrast(factor, **colour),
        "random_sharpness": lambda: RandomSharpness(factor, **colour),
    }
    return {name: make[name]() for name in names}


class _Policy(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def _init_policy(self, value_range, factor, interpolation, seed, names):
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        self._set_factor(factor)
        self.interpolation = interpolation
        self._set_seed(seed)
        self._ops = _operations(names, self.factor, self.value_range, interpolation, seed,
                                self.data_format)

    def _sub_transformation(self, name, data, seed):
        return self._ops[name].get_random_transformation(data, training=True,
                                                         seed=self._seed(seed))


@register
class RandAugment(_Policy):
    """Apply ``num_ops`` operations, each drawn from eleven (shear, translation, rotation,
    brightness, colour degeneration, contrast, sharpness, posterization, solarization,
    auto-contrast, equalization) at strength ``factor``; one draw per batch."""

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.num_ops = num_ops
        self._init_policy(value_range, factor, interpolation, seed, RAND_AUGMENT_OPERATIONS)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        idx = prandom.randint((self.num_ops,), 0, len(RAND_AUGMENT_OPERATIONS),
                              seed=self._seed(seed))
        return {"transforms": {n: self._sub_transformation(n, data, seed)
                               for n in RAND_AUGMENT_OPERATIONS},
                "layer_idxes": idx}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        for i in range(self.num_ops):
            name = RAND_AUGMENT_OPERATIONS[int(np.asarray(transformation["layer_idxes"])[i])]
            images = self._ops[name].transform_images(images,
                                                      transformation["transforms"][name])
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_ops": self.num_ops, "factor": self.factor,
                "interpolation": self.interpolation, "seed": self.seed}


@register
class AugMix(_Policy):
    """Mix ``num_chains`` chains of up to ``chain_depth`` random operations with Dirichlet
    (``alpha``) weights, then blend with the input by a Beta(``alpha``, ``alpha``) weight."""

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.num_chains, self.chain_depth = num_chains, chain_depth
        self.alpha, self.all_ops = alpha, all_ops
        self._names = OPERATIONS if all_ops else OPERATIONS[:7]
        self._init_policy(value_range, factor, interpolation, seed, self._names)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        g = prandom.gamma((self.num_chains,), self.alpha, seed=self._seed(seed))
        weights = (g / g.sum()).astype(np.float32)
        weight_sample = prandom.beta((), self.alpha, self.alpha, seed=self._seed(seed))
        chains = []
        for _ in range(self.num_chains):
            picks = prandom.randint((self.chain_depth,), 0, len(self._names) + 1,
                                    seed=self._seed(seed))
            chains.append([{"layer_name": self._names[int(p)],
                            "transformation": self._sub_transformation(self._names[int(p)],
                                                                       data, seed)}
                           for p in picks if int(p) < len(self._names)])
        return {"chain_mixing_weights": weights, "weight_sample": weight_sample,
                "chain_transforms": chains}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        weights = np.asarray(transformation["chain_mixing_weights"], np.float32)
        mixed = 0.0
        for w, chain in zip(weights, transformation["chain_transforms"]):
            out = images
            for step in chain:
                out = self._ops[step["layer_name"]].transform_images(out,
                                                                    step["transformation"])
            mixed = mixed + out * w
        ws = np.float32(np.asarray(transformation["weight_sample"]))
        out = ws * images + (1 - ws) * mixed
        return anp.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_chains": self.num_chains, "chain_depth": self.chain_depth,
                "factor": self.factor, "alpha": self.alpha, "all_ops": self.all_ops,
                "interpolation": self.interpolation, "seed": self.seed}


@register
class Pipeline(Layer):
    """Apply ``layers`` in turn: a plain layer, not a model (Keras 3's
    ``keras.layers.Pipeline``). Like the augmentation layers, it augments when called
    directly without ``training``."""

    def __init__(self, layers, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer)
                                                            for x in layers):
            raise ValueError("`Pipeline` takes a list of layers. Received: "
                             f"layers={layers!r}")
        self._pipeline_layers = list(layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def _sublayers(self):
        return list(self._pipeline_layers)

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def forward(self, x, training=False):
        if is_traced(x):
            for layer in self._pipeline_layers:
                x = layer(x, training=training)
            return x, None
        caches = []
        for layer in self._pipeline_layers:
            layer._maybe_build(np.shape(x))
            x, cache = layer.forward(x, training=training)
            caches.append(cache)
        return x, caches

    def backward(self, cache, dy):
        grads = []
        for layer, c in zip(reversed(self._pipeline_layers), reversed(cache)):
            dy, g = layer.backward(c, dy)
            grads = list(g) + grads
        return dy, grads

    def __call__(self, *args, training=None, **kwargs):
        training = True if training is None else training
        return super().__call__(*args, training=training, **kwargs)

    def get_config(self):
        from .serialization import serialize_layer
        return {"layers": [serialize_layer(x) for x in self._pipeline_layers],
                "name": self.name}

    @classmethod
    def from_config(cls, config):
        from .serialization import deserialize_layer
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("`Pipeline` config must contain a `layers` key mapping to a list "
                             f"of serialized layers. Received config with layers={layers}.")
        return cls(**{**config, "layers": [deserialize_layer(x) for x in layers]})
