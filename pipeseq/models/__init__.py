"""Models: Sequential, the functional graph, summary()."""
from .model import Model  # noqa: F401
from .sequential import Sequential  # noqa: F401
from .functional import Functional, Input, KerasTensor  # noqa: F401
