"""``keras.initializers``: classes (``RandomUniform``…) and their lowercase names.

As in Keras 2, a lowercase name is the class itself (``uniform`` is
``RandomUniform``, ``glorot_uniform`` is ``GlorotUniform``), so both
``kernel_initializer=glorot_uniform(seed=1)`` and the string
``"glorot_uniform"`` work. Keras 1 strings: ``'uniform'`` is
``RandomUniform(-0.05, 0.05)``, ``'normal'`` is ``RandomNormal(0, 0.05)``,
``'zero'``/``'one'`` are ``Zeros``/``Ones``.

Example
-------
>>> from compat.initializers import get
>>> get("uniform")
RandomUniform(minval=-0.05, maxval=0.05, seed=None)
"""
from pipeseq import initializers as _engine
from pipeseq.initializers import Initializer, get, serialize  # noqa: F401

for _n, _cls in _engine._REGISTRY.items():
    globals()[_n] = _cls
# Keras 2 also spells a few differently.
random_uniform, random_normal = _engine._REGISTRY["RandomUniform"], _engine._REGISTRY["RandomNormal"]


def deserialize(config, custom_objects=None):
    """An initializer from a name or ``{"class_name": ..., "config": ...}``."""
    return get(config)


__all__ = sorted(set(_engine._REGISTRY) | {"Initializer", "get", "serialize", "deserialize"})

from ._reexport import suggest_getattr as _suggest_getattr  # noqa: E402

__getattr__ = _suggest_getattr(__name__)   # unknown names: AttributeError with "Did you mean"
