"""The R front end: R keras/keras3's vocabulary in Python, with R's meaning.

One module per topic, each with its ``__all__``; this package re-exports them all:

* ``verbs``: model verbs (compile, fit, evaluate, freeze_weights, save_model_hdf5, ...);
* ``layers``: the ``layer_*`` table; ``cells``: ``rnn_cell_*`` for ``layer_rnn()``;
* ``vocab``: optimizer_*/loss_*/metric_*/callback_*/initializer_*...;
* ``vocab_training``: Keras 3's newer optimizer_*/learning_rate_schedule_*/callback_*/loss_*/
  metric_*; ``vocab_functions``: activation_*, random_*, config_*;
* ``ops``: ``k_*`` / ``op_*`` backend functions, 1-based axes, over ``array_ops``;
  ``ops_keras3``: the rest of keras3's ``op_*`` (1-based axes, indices in and out);
* ``datasets``: ``dataset_*()`` and ``get_file()``, results as R named lists (``rlist.RList``);
* ``text_data``: ``array_reshape``, ``pad_sequences``, ``skipgrams``, ``text_tokenizer``...;
* ``image_data``: ``image_*``, ``image_data_generator``, ``flow_images_from_*``,
  ``*_dataset_from_*``;
* ``applications``: ``application_*`` and their preprocessing helpers;
* ``keras2``: R keras 2.x habits (``backend()``, ``serialize_model()``, ...);
* ``generators``: R keras 2's ``fit_generator``, ``evaluate_generator``, ``predict_generator``.

Every exported function matches named arguments as R does (``matching``: exact, then a
unique prefix).

The names are re-exported lazily (:func:`pipeseq.utils.lazy_module_attributes`): ``_exports``
records each module's ``__all__`` (written by ``tools/gen_r_exports.py``; a test checks it
against the modules), and a name's module is imported, and its function wrapped for R's
argument matching, on first use.
"""
from ..utils import lazy_module_attributes as _lazy_module_attributes
from ._exports import EXPORTS as _EXPORTS
from .matching import r_callable as _r_callable

# The modules re-exported, in order (a later module's name wins). After changing this list or
# a module's __all__, run `python tools/gen_r_exports.py`.
_MODULES = ["verbs", "layers", "cells", "vocab", "vocab_training", "vocab_functions", "ops",
            "ops_keras3", "datasets", "text_data", "image_data", "applications", "keras2",
            "generators", "classes", "feature_space"]


def _names_of(module):
    """The module's ``__all__``, from ``_exports`` (a module not recorded yet is imported)."""
    if module not in _EXPORTS:
        import importlib
        return importlib.import_module(f"{__name__}.{module}").__all__
    return _EXPORTS[module]


__all__ = [name for module in _MODULES for name in _names_of(module)]


__getattr__, __dir__ = _lazy_module_attributes(
    __name__, {name: f"{__name__}.{module}" for module in _MODULES for name in _names_of(module)},
    prepare=_r_callable)   # functions match named arguments as R does
