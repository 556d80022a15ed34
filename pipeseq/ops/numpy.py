"""``keras.ops.numpy``: the NumPy-style ops (elementwise, reductions, creation, shapes, products).

Example
-------
>>> from pipeseq.ops import numpy as knp
>>> knp.sum(knp.ones((2, 3)))
np.float32(6.0)
"""
from . import creation, elementwise, products, reductions, shapes
from .creation import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .products import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .shapes import *  # noqa: F401,F403

__all__ = (list(elementwise.__all__) + list(reductions.__all__) + list(creation.__all__)
           + list(shapes.__all__) + list(products.__all__))
