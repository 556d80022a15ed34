"""Models: Sequential, the functional graph (and ``Function``, the bare graph), summary()."""
from ..graph import KerasTensor  # noqa: F401
from ..layers.input_layer import Input  # noqa: F401
from .model import Model  # noqa: F401
from .sequential import Sequential  # noqa: F401
from .functional import Functional  # noqa: F401
from .function import Function  # noqa: F401
