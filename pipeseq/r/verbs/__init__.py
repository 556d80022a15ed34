"""The R verbs: ``compile``, ``fit``, ``evaluate``, ``freeze_weights``, ... (R keras semantics).

Every verb works both ways, as in R:

* ``compile(model, optimizer="rmsprop", loss="mse")`` -- applied at once;
* ``model | compile(optimizer="rmsprop", loss="mse")`` -- without the model
  the verb returns a deferred call that ``model | ...`` applies.

Return values follow R: ``compile``, ``pop_layer``, ``freeze_weights`` ... return
the model (so chains continue); ``fit`` the history; ``evaluate`` a dict of
named scores; ``predict`` an array. Indices are 1-based and negative ones count
from the end (``get_layer(model, index=-1)`` is the last layer).

Modules: :mod:`.base` (``PipeVerb``, the verb decorator), :mod:`.model` (building,
inspecting, freezing), :mod:`.training` (compile, fit, evaluate, predict, plot),
:mod:`.saving` (files).

Example
-------
>>> import numpy as np
>>> from pipeseq import keras_model_sequential, layer_dense, compile, fit, evaluate
>>> model = keras_model_sequential(input_shape=3) | layer_dense(units=1)
>>> model = model | compile(optimizer="sgd", loss="mse")
>>> x, y = np.ones((8, 3)), np.zeros((8, 1))
>>> history = model | fit(x, y, epochs=2, verbose=0)
>>> evaluate(model, x, y, verbose=0).names()
['loss']
"""
from .base import PipeVerb
from .model import *  # noqa: F401,F403
from .model import __all__ as _model_all
from .training import *  # noqa: F401,F403
from .training import __all__ as _training_all
from .saving import *  # noqa: F401,F403
from .saving import __all__ as _saving_all
from .preprocessing import *  # noqa: F401,F403
from .preprocessing import __all__ as _preprocessing_all

__all__ = ["PipeVerb"] + list(_model_all) + list(_training_all) + list(_saving_all) + \
    list(_preprocessing_all)
del _model_all, _training_all, _saving_all
