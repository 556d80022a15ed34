"""Keras's dataset loaders on Keras's cache: ``mnist``, ``fashion_mnist``, ``cifar10``,
``cifar100``, ``imdb``, ``reuters``, ``boston_housing``, ``california_housing``.

Each module has ``load_data(...)`` with Keras's arguments, results and dtypes; files are
read from (and, when missing, downloaded into) ``$KERAS_HOME/datasets`` or
``~/.keras/datasets`` (see :mod:`pipeseq.datasets.cache`).
"""
import importlib

from .cache import DownloadError, get_file, keras_home  # noqa: F401

LOADERS = ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing",
           "california_housing")

__all__ = list(LOADERS) + ["get_file", "keras_home", "DownloadError"]


def __getattr__(name):
    if name in LOADERS:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
