"""The R front end: R keras/keras3's vocabulary in Python, with R's meaning.

One module per topic, each with its ``__all__``; this package re-exports them all:

* ``verbs``: model verbs (compile, fit, evaluate, freeze_weights, save_model_hdf5, ...);
* ``layers``: the ``layer_*`` table; ``cells``: ``rnn_cell_*`` for ``layer_rnn()``;
* ``vocab``: optimizer_*/loss_*/metric_*/callback_*/initializer_*...;
* ``vocab_training``: Keras 3's newer optimizer_*/learning_rate_schedule_*/callback_*/loss_*/
  metric_*; ``vocab_functions``: activation_*, random_*, config_*;
* ``ops``: ``k_*`` / ``op_*`` backend functions, 1-based axes, over ``array_ops``;
* ``datasets``: ``dataset_*()`` and ``get_file()``, results as R named lists (``rlist.RList``);
* ``text_data``: ``array_reshape``, ``pad_sequences``, ``skipgrams``, ``text_tokenizer``...;
* ``image_data``: ``image_*``, ``image_data_generator``, ``flow_images_from_*``,
  ``*_dataset_from_*``;
* ``applications``: ``application_*`` and their preprocessing helpers;
* ``keras2``: R keras 2.x habits (``backend()``, ``serialize_model()``, ...);
* ``generators``: R keras 2's ``fit_generator``, ``evaluate_generator``, ``predict_generator``.

Every exported function matches named arguments as R does (``matching``: exact, then a
unique prefix).
"""
import importlib as _importlib

from .matching import wrap_namespace as _wrap_namespace

_MODULES = ["verbs", "layers", "cells", "vocab", "vocab_training", "vocab_functions", "ops", "datasets",
            "text_data", "image_data", "applications", "keras2", "generators", "classes"]

__all__ = []
for _name in _MODULES:
    _module = _importlib.import_module(f"{__name__}.{_name}")
    for _export in _module.__all__:
        globals()[_export] = getattr(_module, _export)
    __all__ += list(_module.__all__)
_wrap_namespace(globals(), __all__)
del _importlib, _wrap_namespace, _name, _module, _export
