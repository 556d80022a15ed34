"""Keras's ``imagenet_utils``: ``preprocess_input`` (caffe / tf / torch modes),
``decode_predictions`` (Keras's cached ``imagenet_class_index.json``) and
``obtain_input_shape`` (the input-shape rules every application applies).

``preprocess_input`` behaves as Keras's NumPy path: a float array is scaled **in
place** and returned (Keras does the same), an integer array (e.g. uint8 pixels) is
first converted to ``floatx`` so the caller's array is left untouched; anything else
(lists, nested sequences) is copied first.

Example
-------
>>> import numpy as np
>>> preprocess_input(np.array([[[0, 127, 255]]], "uint8"), mode="tf").round(3)
array([[[-1.   , -0.004,  1.   ]]], dtype=float32)
>>> preprocess_input(np.array([[[255.0, 255.0, 255.0]]]), mode="caffe")[0, 0].round(3)
array([151.061, 138.221, 131.32 ])
"""
import json
import warnings

import numpy as np

from .. import backend

CLASS_INDEX = None
CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/data/"
                    "imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN = [103.939, 116.779, 123.68]
_TORCH_MEAN = [0.485, 0.456, 0.406]
_TORCH_STD = [0.229, 0.224, 0.225]


def _check_data_format(data_format):
    if data_format is None:
        return backend.image_data_format()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError("Expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    return data_format


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scale a batch of images as the ImageNet weights expect.

    ``mode="caffe"``: RGB -> BGR, minus the ImageNet channel means, no scaling (VGG, ResNet);
    ``"tf"``: to ``[-1, 1]`` (Xception, Inception, MobileNet, ResNetV2, NASNet);
    ``"torch"``: to ``[0, 1]``, then minus mean over std per channel (DenseNet).
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError("Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    data_format = _check_data_format(data_format)
    if not isinstance(x, np.ndarray):
        x = np.array(x, dtype=backend.floatx())
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        if data_format == "channels_first":
            x = x[::-1, ...] if x.ndim == 3 else x[:, ::-1, ...]
        else:
            x = x[..., ::-1]
        mean, std = _CAFFE_MEAN, None
    for c in range(3):
        if data_format == "channels_first":
            idx = (c,) if x.ndim == 3 else (slice(None), c)
        else:
            idx = (Ellipsis, c)
        x[idx] -= mean[c]
        if std is not None:
            x[idx] /= std[c]
    return x


def decode_predictions(preds, top=5):
    """``[[(class_id, class_name, score), ...] per sample]``, best first, from ``(n, 1000)``.

    The class index is Keras's ``imagenet_class_index.json`` from the Keras cache
    (``~/.keras/models`` or ``$KERAS_HOME/models``), downloaded when missing.
    """
    global CLASS_INDEX
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array of "
                         f"shape (samples, 1000)). Received array with shape: {preds.shape}")
    if CLASS_INDEX is None:
        from ._weights import get_file
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=CLASS_INDEX_HASH)
        with open(path, encoding="utf-8") as f:
            CLASS_INDEX = json.load(f)
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in top_indices]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """Keras's rules for an application's input shape (default size, minimum, channels)."""
    if input_shape is not None:
        input_shape = tuple(input_shape)
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        if data_format == "channels_first":
            if input_shape[0] not in {1, 3}:
                warnings.warn("This model usually expects 1 or 3 input channels. However, it was "
                              f"passed an input_shape with {input_shape[0]} input channels.",
                              stacklevel=3)
            default_shape = (input_shape[0], default_size, default_size)
        else:
            if input_shape[-1] not in {1, 3}:
                warnings.warn("This model usually expects 1 or 3 input channels. However, it was "
                              f"passed an input_shape with {input_shape[-1]} input channels.",
                              stacklevel=3)
            default_shape = (default_size, default_size, input_shape[-1])
    elif data_format == "channels_first":
        default_shape = (3, default_size, default_size)
    else:
        default_shape = (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.  Received: "
                             f"input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers. Received: "
                             f"input_shape={input_shape}")
        ch, (h, w) = ((input_shape[0], input_shape[1:]) if data_format == "channels_first"
                      else (input_shape[-1], input_shape[:2]))
        if ch != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        if (h is not None and h < min_size) or (w is not None and w < min_size):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    elif data_format == "channels_first":
        input_shape = (3, None, None)
    else:
        input_shape = (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """Zero padding (``((top, bottom), (left, right))``) for a strided 'valid' convolution."""
    img_dim = 2 if backend.image_data_format() == "channels_first" else 1
    input_size = inputs.shape[img_dim:img_dim + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if input_size[0] is None else (1 - input_size[0] % 2, 1 - input_size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights):
    """With pretrained weights only ``None`` and ``"softmax"`` heads are allowed."""
    if weights is None:
        return
    from ..kernels import activations
    name = activations.get(classifier_activation).name
    if name not in {"softmax", "linear"}:
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, with "
                         f"`include_top=True`; Received: classifier_activation={classifier_activation}")
