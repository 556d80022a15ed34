"""``keras.random``: seeded random arrays (``normal``, ``uniform``, ``randint``,
``truncated_normal``, ``dropout``, ``shuffle``, ``categorical``, ``gamma``, ``binomial``,
``beta``) and ``SeedGenerator``. NumPy's generators: same seed, same numbers (not
TensorFlow's numbers).

Example
-------
>>> import compat as keras
>>> keras.random.uniform((2,), seed=1).shape
(2,)
"""
from pipeseq.random import *  # noqa: F401,F403
from pipeseq.random import __all__  # noqa: F401
