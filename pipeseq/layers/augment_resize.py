"""tf.keras's ``RandomHeight`` and ``RandomWidth``: in training, resize the batch's height
(width) by a factor ``1 + u``, ``u`` drawn once per batch from ``factor``; the identity at
inference. Bilinear or nearest resizing (TensorFlow's half-pixel rules,
:mod:`pipeseq.kernels.image`).

Example
-------
>>> import numpy as np
>>> x = np.ones((2, 10, 6, 3), "float32")
>>> RandomHeight(factor=(0.5, 0.5))(x).shape, RandomWidth(0.3)(x, training=False).shape
((2, 15, 6, 3), (2, 10, 6, 3))
"""
import autograd.numpy as anp
import numpy as np

from ..kernels.image import interpolation_matrix
from .augment_base import BaseImagePreprocessingLayer
from .base import register


class _RandomSize(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False
    _AXIS = None            # 1: height, 2: width (channels_last, as tf.keras)

    def __init__(self, factor, interpolation="bilinear", seed=None, rng_type="stateful",
                 **kwargs):
        super().__init__(data_format="channels_last", **kwargs)
        self.rng_type = rng_type          # tf.keras's config key; one NumPy stream here
        lower, upper = (factor[0], factor[1]) if isinstance(factor, (tuple, list)) \
            else (-factor, factor)
        if upper < lower:
            raise ValueError("`factor` argument cannot have an upper bound lesser than the "
                             f"lower bound. Received: factor={factor}")
        if lower < -1.0 or upper < -1.0:
            raise ValueError("`factor` argument must have values larger than -1. "
                             f"Received: factor={factor}")
        if interpolation not in ("bilinear", "nearest"):
            raise NotImplementedError(f"{type(self).__name__}: pipeseq resizes with "
                                      "interpolation 'bilinear' or 'nearest'. Received: "
                                      f"interpolation={interpolation!r}")
        self.factor = tuple(factor) if isinstance(factor, list) else factor
        self._lower, self._upper = lower, upper
        self.interpolation = interpolation
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        size = np.shape(data)[self._AXIS]
        f = float(self._uniform((), 1.0 + self._lower, 1.0 + self._upper, seed))
        return {"size": int(np.float32(f) * np.float32(size))}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        n_in = images.shape[self._AXIS]
        m = interpolation_matrix(n_in, transformation["size"], self.interpolation,
                                 np.result_type(images.dtype, np.float32))
        eq = "ih,nhwc->niwc" if self._AXIS == 1 else "jw,nhwc->nhjc"
        return anp.einsum(eq, m, images)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[len(shape) - 4 + self._AXIS] = None
        return tuple(shape)

    def get_config(self):
        config = {**super().get_config(), "factor": self.factor,
                  "interpolation": self.interpolation, "seed": self.seed,
                  "rng_type": self.rng_type}
        config.pop("data_format")
        return config


@register
class RandomHeight(_RandomSize):
    """Resize the height of the batch by ``1 + u``, ``u`` drawn from ``factor``."""

    _AXIS = 1


@register
class RandomWidth(_RandomSize):
    """Resize the width of the batch by ``1 + u``, ``u`` drawn from ``factor``."""

    _AXIS = 2
