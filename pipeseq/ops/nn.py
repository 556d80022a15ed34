"""``keras.ops.nn``: activations, normalisation, convolution, pooling, attention, cross-entropies.

Example
-------
>>> from pipeseq.ops import nn
>>> nn.relu is nn.activations.relu
True
"""
from . import activations, convolution
from .activations import *  # noqa: F401,F403
from .convolution import *  # noqa: F401,F403

__all__ = list(activations.__all__) + list(convolution.__all__)
