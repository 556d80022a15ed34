"""``keras.utils``: ``to_categorical``, ``normalize``, ``set_random_seed``, ``Sequence``,
``PyDataset``, ``get_file``, ``pad_sequences``, ``FeatureSpace``, the dataset utilities
(``image_dataset_from_directory``, ``text_dataset_from_directory``,
``timeseries_dataset_from_array``, ``split_dataset``) and the image helpers (``load_img``,
``img_to_array``, ``array_to_img``, ``save_img``), and Keras 2's custom-object helpers
(``custom_object_scope``, ``get_custom_objects``, ``register_keras_serializable``).

Keras 1/2's ``keras.utils.np_utils.to_categorical`` is :mod:`compat.utils.np_utils`;
``keras.utils.data_utils.Sequence`` and ``.get_file`` are in :mod:`compat.utils.data_utils`.

Example
-------
>>> from compat.utils import to_categorical
>>> to_categorical([0, 2], 3).tolist()
[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""
from pipeseq.backend import set_random_seed  # noqa: F401
from pipeseq.custom_objects import (CustomObjectScope, custom_object_scope,  # noqa: F401
                                    get_custom_objects, get_registered_name,
                                    get_registered_object, register_keras_serializable)
from pipeseq.datasets.cache import get_file  # noqa: F401
from pipeseq.layers.feature_space import FeatureSpace  # noqa: F401
from pipeseq.preprocessing.dataset_utils import (image_dataset_from_directory,  # noqa: F401
                                                 split_dataset, text_dataset_from_directory,
                                                 timeseries_dataset_from_array)
from pipeseq.preprocessing.image_utils import (array_to_img, img_to_array, load_img,  # noqa: F401
                                               save_img)
from pipeseq.preprocessing.sequence import pad_sequences  # noqa: F401
from pipeseq.training.data_adapters import PyDataset, Sequence  # noqa: F401
from pipeseq.models.plot import model_to_dot, plot_model  # noqa: F401
from pipeseq.training.progbar import Progbar  # noqa: F401
from pipeseq.utils import (Config, disable_interactive_logging, enable_interactive_logging,  # noqa: F401
                           get_source_inputs, is_interactive_logging_enabled, normalize,
                           pack_x_y_sample_weight, to_categorical, to_ordinal,
                           unpack_x_y_sample_weight)
from pipeseq.backend import standardize_dtype  # noqa: F401

from . import data_utils, np_utils  # noqa: F401

__all__ = ["Config", "FeatureSpace", "to_categorical", "normalize", "set_random_seed", "Sequence",
           "PyDataset",
           "get_file", "pad_sequences", "image_dataset_from_directory",
           "text_dataset_from_directory", "timeseries_dataset_from_array", "split_dataset",
           "load_img", "img_to_array", "array_to_img", "save_img", "np_utils", "data_utils",
           "plot_model", "model_to_dot", "Progbar", "get_source_inputs", "to_ordinal",
           "pack_x_y_sample_weight", "unpack_x_y_sample_weight", "enable_interactive_logging",
           "disable_interactive_logging", "is_interactive_logging_enabled", "clear_session",
           "is_keras_tensor", "standardize_dtype",
           "custom_object_scope", "CustomObjectScope", "get_custom_objects",
           "get_registered_name", "get_registered_object", "register_keras_serializable"]


def clear_session(free_memory=True):
    """Restart automatic layer names (``dense``, ``dense_1``… start again)."""
    from pipeseq.layers.base import reset_uids
    reset_uids()


def is_keras_tensor(x):
    """Whether ``x`` is a symbolic tensor (from ``Input`` or a layer call on one)."""
    from pipeseq.graph import KerasTensor
    return isinstance(x, KerasTensor)


_REGISTRY_NAMES = ("register_keras_serializable", "get_custom_objects", "custom_object_scope",
                   "CustomObjectScope", "get_registered_name", "get_registered_object",
                   "serialize_keras_object", "deserialize_keras_object")


def __getattr__(name):
    if name in _REGISTRY_NAMES:       # the custom-object registry, where pipeseq provides it
        import importlib
        try:
            return getattr(importlib.import_module("pipeseq.custom_objects"), name)
        except (ImportError, AttributeError):
            pass
        from pipeseq.saving import objects as _objects
        if hasattr(_objects, name):
            return getattr(_objects, name)
    # Helpers pipeseq may add later, by their Keras names.
    import pipeseq.utils as _engine
    if not name.startswith("_") and name not in ("did_you_mean",) and hasattr(_engine, name):
        return getattr(_engine, name)
    raise AttributeError(f"module 'compat.utils' has no attribute {name!r}")
