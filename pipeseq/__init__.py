"""pipeseq: the Keras Sequential workflow on NumPy and SciPy.

The pipe DSL is R's keras/keras3 vocabulary in Python: ``model | layer`` adds
the layer to the model in place, ``model | verb(...)`` applies a verb, and the
Python-Keras-style classes share the same engine and model object.

R to Python: ``%>%``/``|>`` -> ``|``, ``c(3, 3)`` -> ``(3, 3)``, ``TRUE`` ->
``True``, ``model$layers`` -> ``model.layers``, ``from =`` -> ``from_=``.

Example
-------
>>> import numpy as np
>>> from pipeseq import *
>>> model = keras_model_sequential()
>>> model | layer_dense(units=32, activation="relu", input_shape=100) \\
...       | layer_dense(units=1, activation="sigmoid") \\
...       | compile(optimizer="rmsprop", loss="binary_crossentropy", metrics="accuracy")
<Sequential name=sequential, built=True, layers=2>
>>> x = np.random.uniform(size=(64, 100)); y = np.round(np.random.uniform(size=(64, 1)))
>>> history = model | fit(x, y, epochs=2, batch_size=32, verbose=0)
>>> scores = model | evaluate(x, y, verbose=0)        # {"loss": ..., "accuracy": ...}
"""
__version__ = "0.1.0"

from . import backend  # noqa: F401
from .backend import floatx, set_floatx, set_random_seed  # noqa: F401
from .utils import normalize, lazy_module_attributes as _lazy_module_attributes  # noqa: F401
from .r import __all__ as _r_all

# Everything else is imported on first use (PEP 562, see pipeseq.utils.lazy_module_attributes):
# `import pipeseq` loads the backend only; `pipeseq.layer_dense` imports pipeseq.r.layers.
_WHERE = {"Sequential": "pipeseq.models", "Model": "pipeseq.models", "Input": "pipeseq.models",
          **{name: "pipeseq.r" for name in _r_all if name != "backend"}}
__all__ = ["backend", "floatx", "set_floatx", "set_random_seed", "normalize"] + list(_WHERE)
__getattr__, __dir__ = _lazy_module_attributes(__name__, _WHERE)
del _r_all, _lazy_module_attributes


# `backend` is both the engine's backend module (pipeseq.backend.floatx()) and R keras 2's
# backend() function (K = backend(); K.mean(x)): the module is made callable.
class _CallableBackend(type(backend)):
    def __call__(self, convert=True):
        """R keras 2's ``backend()``: the ``K.*`` functions (see :func:`pipeseq.r.keras2.backend`)."""
        from .r.keras2 import backend as r_backend
        return r_backend(convert)


backend.__class__ = _CallableBackend
del _CallableBackend
