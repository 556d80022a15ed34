"""``keras.ops`` (Keras 3): pipeseq's differentiable op namespace, :mod:`pipeseq.ops`.

``from keras import ops`` becomes ``from compat import ops``. Losses, metrics,
``Lambda`` functions and layer ``call`` methods written with these ops train
with exact gradients; on the symbolic tensors of a functional model they add
graph nodes. Sub-namespaces: ``ops.numpy``, ``ops.nn``, ``ops.linalg``,
``ops.math``, ``ops.image``, ``ops.core``.

Example
-------
>>> import numpy as np
>>> from compat import ops
>>> ops.sum(ops.square(np.array([1.0, 2.0], "float32")))
np.float32(5.0)
"""
from pipeseq.ops import *  # noqa: F401,F403
from pipeseq.ops import __all__  # noqa: F401
from pipeseq.ops import core, image, linalg, math, nn, numpy  # noqa: F401
