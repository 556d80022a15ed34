"""pipeseq.ops: Keras 3's ``keras.ops`` on NumPy, every op differentiable by autograd.

Write a loss, a metric, a ``Lambda`` or a layer's ``call`` with these
functions and pipeseq trains it with exact gradients (automatic
differentiation with the ``autograd`` package). On arrays they run eagerly and
return NumPy arrays, keeping float32 float32; on the symbolic tensors of a
functional model they add a node to the graph. ``compat.ops`` re-exports this
namespace; Keras 2's ``K.*`` and R's ``op_*`` / ``k_*`` are built on it.

Sub-namespaces as in Keras: ``ops.numpy``, ``ops.nn``, ``ops.linalg``,
``ops.math``, ``ops.image``, ``ops.core``.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> y_true = np.array([[0., 1.]], "float32"); y_pred = np.array([[0.5, 0.5]], "float32")
>>> ops.mean(ops.square(y_pred - y_true), axis=-1)
array([0.25], dtype=float32)
>>> from pipeseq.ops.autodiff import value_and_grad
>>> v, g = value_and_grad(lambda p: ops.sum(ops.square(p - y_true)))(y_pred)
>>> g
array([[ 1., -1.]], dtype=float32)
"""
from . import core, image, linalg, math, nn, numpy
from .core import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .math import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .numpy import *  # noqa: F401,F403

__all__ = sorted(set(core.__all__) | set(linalg.__all__) | set(math.__all__) | set(nn.__all__)
                 | set(numpy.__all__)) + ["core", "image", "linalg", "math", "nn", "numpy"]
