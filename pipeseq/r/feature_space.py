"""R keras3's ``layer_feature_space()`` and its feature constructors (``feature_float()``,
``feature_string_categorical()``, ``feature_cross()``, ...) over :class:`FeatureSpace`.

Example
-------
>>> import numpy as np
>>> fs = layer_feature_space(features=dict(a=feature_float_normalized(),
...                                        b=feature_integer_categorical()))
>>> fs.adapt({"a": np.array([0.0, 2.0]), "b": np.array([7, 8])})
>>> fs({"a": np.array([2.0]), "b": np.array([8])}).tolist()
[[1.0, 0.0, 1.0, 0.0]]
"""
from ..layers.feature_space import FeatureSpace

__all__ = ["layer_feature_space", "feature_cross", "feature_custom", "feature_float",
           "feature_float_rescaled", "feature_float_normalized", "feature_float_discretized",
           "feature_integer_categorical", "feature_string_categorical", "feature_string_hashed",
           "feature_integer_hashed"]


def layer_feature_space(object=None, features=None, output_mode="concat", crosses=None,
                        crossing_dim=32, hashing_dim=32, num_discretization_bins=32, name=None):
    """A :class:`FeatureSpace` (R ``layer_feature_space()``); with ``object`` (a dict of
    columns), the encoded ``object``."""
    if features is None and isinstance(object, dict) and all(
            isinstance(v, str) or hasattr(v, "preprocessor") for v in object.values()):
        object, features = None, object              # the features given first, unnamed
    fs = FeatureSpace(features, output_mode=output_mode, crosses=crosses,
                      crossing_dim=int(crossing_dim), hashing_dim=int(hashing_dim),
                      num_discretization_bins=int(num_discretization_bins), name=name)
    return fs if object is None else fs(object)


def feature_cross(feature_names, crossing_dim, output_mode="one_hot"):
    return FeatureSpace.cross(feature_names, int(crossing_dim), output_mode=output_mode)


def feature_custom(dtype, preprocessor, output_mode):
    return FeatureSpace.feature(dtype, preprocessor, output_mode)


def feature_float(name=None):
    return FeatureSpace.float(name=name)


def feature_float_rescaled(scale=1.0, offset=0.0, name=None):
    return FeatureSpace.float_rescaled(scale=scale, offset=offset, name=name)


def feature_float_normalized(name=None):
    return FeatureSpace.float_normalized(name=name)


def feature_float_discretized(num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
    return FeatureSpace.float_discretized(int(num_bins), bin_boundaries=bin_boundaries,
                                          output_mode=output_mode, name=name)


def feature_integer_categorical(max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                                name=None):
    return FeatureSpace.integer_categorical(max_tokens=max_tokens,
                                            num_oov_indices=int(num_oov_indices),
                                            output_mode=output_mode, name=name)


def feature_string_categorical(max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                               name=None):
    return FeatureSpace.string_categorical(max_tokens=max_tokens,
                                           num_oov_indices=int(num_oov_indices),
                                           output_mode=output_mode, name=name)


def feature_string_hashed(num_bins, output_mode="one_hot", name=None):
    return FeatureSpace.string_hashed(int(num_bins), output_mode=output_mode, name=name)


def feature_integer_hashed(num_bins, output_mode="one_hot", name=None):
    return FeatureSpace.integer_hashed(int(num_bins), output_mode=output_mode, name=name)
