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
import numpy as np

from ..layers.feature_space import FeatureSpace

__all__ = ["layer_feature_space", "feature_cross", "feature_custom", "feature_float",
           "feature_float_rescaled", "feature_float_normalized", "feature_float_discretized",
           "feature_integer_categorical", "feature_string_categorical", "feature_string_hashed",
           "feature_integer_hashed"]


def layer_feature_space(object=None, features=None, output_mode="concat", crosses=None,
                        crossing_dim=32, hashing_dim=32, num_discretization_bins=32, name=None):
    """A :class:`FeatureSpace` (R ``layer_feature_space()``); with ``object`` (a dict of
    columns), the encoded ``object``.

    Example
    -------
    >>> fs = layer_feature_space(features=dict(x=feature_float()))
    >>> fs({"x": np.array([2.5])}).tolist()
    [[2.5]]
    """
    if features is None and isinstance(object, dict) and all(
            isinstance(v, str) or hasattr(v, "preprocessor") for v in object.values()):
        object, features = None, object              # the features given first, unnamed
    fs = FeatureSpace(features, output_mode=output_mode, crosses=crosses,
                      crossing_dim=int(crossing_dim), hashing_dim=int(hashing_dim),
                      num_discretization_bins=int(num_discretization_bins), name=name)
    return fs if object is None else fs(object)


def feature_cross(feature_names, crossing_dim, output_mode="one_hot"):
    """Features crossed by hashing the tuple of their values.

    Example
    -------
    >>> feature_cross(["a", "b"], crossing_dim=16).name
    'a_X_b'
    """
    return FeatureSpace.cross(feature_names, int(crossing_dim), output_mode=output_mode)


def feature_custom(dtype, preprocessor, output_mode):
    """A feature with your own preprocessing layer.

    Example
    -------
    >>> from pipeseq.layers import Rescaling
    >>> feature_custom("float32", Rescaling(2.0), "float").output_mode
    'float'
    """
    return FeatureSpace.feature(dtype, preprocessor, output_mode)


def feature_float(name=None):
    """A float feature used as it is.

    Example
    -------
    >>> feature_float().dtype
    'float32'
    """
    return FeatureSpace.float(name=name)


def feature_float_rescaled(scale=1.0, offset=0.0, name=None):
    """A float feature times ``scale`` plus ``offset``.

    Example
    -------
    >>> feature_float_rescaled(scale=0.5).preprocessor.scale
    0.5
    """
    return FeatureSpace.float_rescaled(scale=scale, offset=offset, name=name)


def feature_float_normalized(name=None):
    """A float feature standardised by the statistics ``adapt`` learns.

    Example
    -------
    >>> type(feature_float_normalized().preprocessor).__name__
    'Normalization'
    """
    return FeatureSpace.float_normalized(name=name)


def feature_float_discretized(num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
    """A float feature bucketed into ``num_bins`` quantile bins.

    Example
    -------
    >>> feature_float_discretized(num_bins=4).preprocessor.num_bins
    4
    """
    return FeatureSpace.float_discretized(int(num_bins), bin_boundaries=bin_boundaries,
                                          output_mode=output_mode, name=name)


def feature_integer_categorical(max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                                name=None):
    """An integer category looked up in the vocabulary ``adapt`` learns.

    Example
    -------
    >>> feature_integer_categorical().dtype
    'int32'
    """
    return FeatureSpace.integer_categorical(max_tokens=max_tokens,
                                            num_oov_indices=int(num_oov_indices),
                                            output_mode=output_mode, name=name)


def feature_string_categorical(max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                               name=None):
    """A string category looked up in the vocabulary ``adapt`` learns.

    Example
    -------
    >>> feature_string_categorical(max_tokens=10).preprocessor.max_tokens
    10
    """
    return FeatureSpace.string_categorical(max_tokens=max_tokens,
                                           num_oov_indices=int(num_oov_indices),
                                           output_mode=output_mode, name=name)


def feature_string_hashed(num_bins, output_mode="one_hot", name=None):
    """A string category hashed into ``num_bins`` bins.

    Example
    -------
    >>> feature_string_hashed(num_bins=8).preprocessor.num_bins
    8
    """
    return FeatureSpace.string_hashed(int(num_bins), output_mode=output_mode, name=name)


def feature_integer_hashed(num_bins, output_mode="one_hot", name=None):
    """An integer category hashed into ``num_bins`` bins.

    Example
    -------
    >>> feature_integer_hashed(num_bins=8).dtype
    'int32'
    """
    return FeatureSpace.integer_hashed(int(num_bins), output_mode=output_mode, name=name)
