"""Deterministic application weights, the same in Keras (tools/make_application_fixtures.py)
and in pipeseq (tests/test_applications_parity.py): each variable's values come from a numpy
RNG seeded by crc32 of its path (``"block1_conv1/kernel"``), so no weight file is stored.

Kernels are N(0, 1/fan_in) (fan_in = the receptive field for depthwise kernels); BN/LayerNorm
scales and variances are uniform in [0.5, 1.5]; shifts and means are N(0, 0.1^2).
"""
import zlib

import numpy as np

POSITIVE = ("moving_variance", "variance", "gamma")
SMALL = ("beta", "bias", "moving_mean", "mean")


def weight_value(path, shape, depthwise=False, dtype="float32"):
    """The value of the variable at ``path`` with ``shape``."""
    rng = np.random.default_rng(zlib.crc32(path.encode("utf-8")))
    leaf = path.rsplit("/", 1)[-1]
    shape = tuple(int(d) for d in shape)
    if leaf == "count":
        return np.zeros(shape, dtype="int64")
    if leaf in POSITIVE:
        return rng.uniform(0.5, 1.5, shape).astype(dtype)
    if leaf in SMALL or len(shape) <= 1:
        return rng.normal(0.0, 0.1, shape).astype(dtype)
    fan_in = int(np.prod(shape[:-2])) if depthwise else int(np.prod(shape[:-1]))
    return rng.normal(0.0, 1.0 / np.sqrt(max(fan_in, 1)), shape).astype(dtype)


def is_depthwise(layer_class_name, leaf):
    return layer_class_name == "DepthwiseConv2D" or leaf == "depthwise_kernel"


def sample_input(key, shape):
    """The batch both sides feed the model: uniform in [0, 1) times 2 minus 1."""
    rng = np.random.default_rng(zlib.crc32(("input:" + key).encode("utf-8")))
    return (rng.uniform(0, 1, shape) * 2 - 1).astype("float32")


def projection(key, n_features, k=8):
    """A fixed projection for wide outputs: the fixture stores ``y @ P`` (n, k)."""
    rng = np.random.default_rng(zlib.crc32(("proj:" + key).encode("utf-8")))
    return rng.normal(0.0, 1.0, (n_features, k)).astype("float64")
