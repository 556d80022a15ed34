"""Layer classes. Each family lives in its own module; all register their Keras class name.

A family is imported on first use of one of its names (:func:`pipeseq.utils.
lazy_module_attributes`; the families and their names: ``families.py``), so that ``from
pipeseq.layers import Dense`` does not import the image augmentation layers.
"""
from ..utils import lazy_module_attributes as _lazy_module_attributes
from .base import Layer, Variable, register, get_layer_class  # noqa: F401
from .families import FAMILIES as _FAMILIES

__all__ = ["Layer", "Variable", "register", "get_layer_class"] + [
    name for names in _FAMILIES.values() for name in names]
__getattr__, __dir__ = _lazy_module_attributes(
    __name__, {name: f"{__name__}.{module}" for module, names in _FAMILIES.items()
               for name in names})
