"""pipeseq: the Keras Sequential workflow on NumPy and SciPy.

The pipe DSL (R's keras vocabulary) and the Python-Keras-style classes share
one engine and one model object.

Example
-------
>>> import numpy as np
>>> from pipeseq import Sequential
>>> from pipeseq.layers import Dense
>>> model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(1)])
>>> model.compile(optimizer="rmsprop", loss="mse")
"""
__version__ = "0.1.0"

from . import backend  # noqa: F401
from .backend import floatx, set_floatx, set_random_seed  # noqa: F401
from .models import Sequential, Model, Input  # noqa: F401
from .utils import to_categorical, normalize  # noqa: F401
