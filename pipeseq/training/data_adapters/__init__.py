"""Everything ``fit``/``evaluate``/``predict`` can read, behind one small interface.

``PyDataset`` (Keras 3) and ``Sequence`` (Keras 2) are the classes users subclass.
"""
from .py_dataset import PyDataset, Sequence  # noqa: F401

__all__ = ["PyDataset", "Sequence"]
