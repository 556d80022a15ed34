"""The base of Keras 3's image augmentation layers (``BaseImagePreprocessingLayer``).

Every augmentation layer follows Keras's two steps: ``get_random_transformation(images)``
draws the per-image parameters (from the layer's ``seed``, else pipeseq's global generator
set by ``set_random_seed``), and ``transform_images(images, transformation)`` applies them
deterministically. Both are public, as in Keras, so a transformation can be replayed.

* Training only: with ``training=False`` (``predict``, ``evaluate``) the layers are the
  identity. Called directly on an array without ``training``, they augment, as Keras's
  layers do (their ``call`` defaults to ``training=True``).
* ``factor`` parsing (a number ``f`` means ``(-f, f)`` clipped to the layer's bounds, a pair
  is sorted), ``value_range`` conversion and ``data_format`` are here.
* Inputs: a batch ``(N, H, W, C)`` (or channels first) or one image ``(H, W, C)``; a dict
  ``{"images": ..., "labels": ..., "segmentation_masks": ...}`` (Keras's format) is transformed
  key by key when the layer is called on it. Bounding boxes are transformed by
  ``MaxNumBoundingBoxes`` only; the other layers refuse them (``NotImplementedError``).
* Gradients: ``transform_images`` is written with autograd-aware operations, so the layer's
  backward pass is the exact vector-Jacobian product of the transformation it applied (the
  geometric resampling has a hand-written one in :mod:`pipeseq.kernels.affine`).
"""
import numpy as np

from .. import random as prandom
from ..ops.autodiff import vjp
from ..ops.dispatch import is_traced
from .base import Layer
from .conv_base import standardize_data_format


class BaseImagePreprocessingLayer(Layer):
    """Shared machinery of the image augmentation layers (see the module docstring)."""

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)
    input_dtype_kind = "float"
    handles_bounding_boxes = False      # only MaxNumBoundingBoxes transforms boxes

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bounding_box_format = bounding_box_format
        self.data_format = standardize_data_format(f"{type(self).__name__} '{self.name}'",
                                                   data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(f"Layer {type(self).__name__} does not take a `factor` argument. "
                             f"Received: factor={factor}")

    # ------------------------------------------------------------ arguments
    def _set_factor(self, factor):
        lo_b, hi_b = self._FACTOR_BOUNDS
        msg = ("The `factor` argument should be a number (or a list of two numbers) in the "
               f"range [{lo_b}, {hi_b}]. Received: factor={factor}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > hi_b or factor[1] < lo_b:
                raise ValueError(msg)
            lower, upper = sorted(factor)
        elif isinstance(factor, (int, float, np.integer, np.floating)) \
                and not isinstance(factor, bool):
            if factor < lo_b or factor > hi_b:
                raise ValueError(msg)
            factor = abs(factor)
            lower, upper = [max(-factor, lo_b), factor]
        else:
            raise ValueError(msg)
        self.factor = lower, upper

    def _set_value_range(self, value_range):
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError("The `value_range` argument should be a list of two numbers. "
                             f"Received: value_range={value_range}")
        self.value_range = sorted(value_range)

    def _set_seed(self, seed):
        self.seed = seed
        self.generator = prandom.SeedGenerator(seed) if seed is not None else None

    def _seed(self, seed=None):
        """The seed for one draw: the caller's, the layer's generator, else the global RNG."""
        return seed if seed is not None else getattr(self, "generator", None)

    def _uniform(self, shape, minval=0.0, maxval=1.0, seed=None):
        return prandom.uniform(shape, minval, maxval, seed=self._seed(seed))

    # ----------------------------------------------------------- geometry
    def _hw(self, images):
        shape = np.shape(images)
        if self.data_format == "channels_first":
            return shape[-2], shape[-1]
        return shape[-3], shape[-2]

    @staticmethod
    def _batch_size(images):
        shape = np.shape(images)
        return shape[0] if len(shape) == 4 else 1

    def _transform_value_range(self, images, original_range, target_range):
        if original_range[0] == target_range[0] and original_range[1] == target_range[1]:
            return images
        lo, hi = np.float32(original_range[0]), np.float32(original_range[1])
        tlo, thi = np.float32(target_range[0]), np.float32(target_range[1])
        return (images - lo) / (hi - lo) * (thi - tlo) + tlo

    # ------------------------------------------------------------ Keras API
    def get_random_transformation(self, data, training=True, seed=None):
        return None

    def _transform_images(self, images, transformation):
        raise NotImplementedError(f"{type(self).__name__} does not define _transform_images")

    def transform_images(self, images, transformation, training=True):
        """Apply ``transformation`` (from :meth:`get_random_transformation`) to a batch."""
        if training:
            images = self._transform_images(images, transformation)
        return images

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    # ---------------------------------------------------------- computing
    def _check_rank(self, x):
        if np.ndim(x) not in (3, 4):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects images of "
                             f"rank 3 (one image) or 4 (a batch). Received: shape "
                             f"{np.shape(x)}")

    def _inference(self, images):
        """The output with ``training=False`` (the identity, as in Keras)."""
        return images

    def forward(self, x, training=False):
        self._check_rank(x)
        single = x.ndim == 3
        xb = x[None] if single else x
        if not training:
            if type(self)._inference is BaseImagePreprocessingLayer._inference:
                return x, None
            fn = self._inference
        else:
            t = self.get_random_transformation(xb, training=True)

            def fn(im):
                return self.transform_images(im, t, training=True)
        if is_traced(x):        # inside an autograd trace: differentiated from outside
            y = fn(xb)
            return (y[0] if single else y), None
        y, back = vjp(fn, xb)
        y = np.asarray(y).astype(x.dtype, copy=False)
        return (y[0] if single else y), (back, single)

    def backward(self, cache, dy):
        if cache is None:
            return dy, []
        back, single = cache
        (dx,) = back(dy[None] if single else dy)
        return (dx[0] if single else dx), []

    def __call__(self, *args, training=None, **kwargs):
        # Keras's augmentation layers default to training=True when called directly.
        training = True if training is None else training
        if args and isinstance(args[0], dict):
            return self._call_dict(dict(args[0]), training)
        return super().__call__(*args, training=training, **kwargs)

    def _call_dict(self, data, training):
        if "bounding_boxes" in data and not self.handles_bounding_boxes:
            raise NotImplementedError(
                f"{type(self).__name__} '{self.name}': pipeseq does not transform bounding "
                "boxes. Received a dict with keys " + str(sorted(data)))
        if "bounding_boxes" in data and not self.bounding_box_format:
            raise ValueError("You passed an input with a 'bounding_boxes' key, but you didn't "
                             "specify a bounding box format. Pass a `bounding_box_format` "
                             f"argument to your {type(self).__name__} layer, e.g. "
                             "`bounding_box_format='xyxy'`.")
        if "images" not in data:
            raise ValueError(f"{type(self).__name__} '{self.name}': a dict input needs an "
                             f"'images' key. Received keys: {sorted(data)}")
        images = self._convert_input(data["images"])
        self._check_rank(images)
        single = images.ndim == 3
        xb = images[None] if single else images
        def unbatch(v):
            return np.asarray(v)[0] if single else np.asarray(v)
        out = dict(data)
        t = self.get_random_transformation(xb, training=True) if training else None
        out["images"] = unbatch(self.transform_images(xb, t, training=True) if training
                                else self._inference(xb))
        if "bounding_boxes" in data:       # a box-only layer: in training and inference
            boxes = {k: np.asarray(v) for k, v in data["bounding_boxes"].items()}
            if single:
                boxes = {k: v[None] for k, v in boxes.items()}
            boxes = self.transform_bounding_boxes(boxes, t, training=training)
            out["bounding_boxes"] = {k: (v[0] if single else v) for k, v in boxes.items()}
        if not training:
            return out
        if "labels" in data:
            labels = np.asarray(data["labels"])
            out["labels"] = unbatch(self.transform_labels(labels[None] if single else labels,
                                                          t, training=True))
        if "segmentation_masks" in data:
            masks = np.asarray(data["segmentation_masks"], self.dtype)
            out["segmentation_masks"] = unbatch(self.transform_segmentation_masks(
                masks[None] if single else masks, t, training=True))
        return out

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config

