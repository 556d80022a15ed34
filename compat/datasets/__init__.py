"""``keras.datasets``: ``mnist``, ``fashion_mnist``, ``cifar10``, ``cifar100``, ``imdb``,
``reuters``, ``boston_housing``, ``california_housing``, each with Keras's ``load_data``.

Files come from Keras's cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``) with
Keras's names and formats; a missing file is downloaded from Keras's URL.

Example
-------
>>> from compat.datasets import mnist
>>> mnist.load_data.__module__
'pipeseq.datasets.mnist'
"""
import importlib

from pipeseq.datasets import LOADERS

__all__ = list(LOADERS)


def __getattr__(name):
    if name in LOADERS:
        return importlib.import_module(f"{__name__}.{name}")
    from compat._reexport import suggest_getattr
    return suggest_getattr(__name__)(name)
