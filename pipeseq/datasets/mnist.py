"""MNIST handwritten digits: ``load_data(path="mnist.npz")``, as ``keras.datasets.mnist``.

Returns ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shape ``(n, 28, 28)`` and
``(n,)``, read from ``mnist.npz`` in Keras's cache (``~/.keras/datasets``), downloaded once
if missing.
"""
import numpy as np

from .cache import KERAS_DATASETS_URL, get_file

ORIGIN = KERAS_DATASETS_URL + "mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """``(x_train, y_train), (x_test, y_test)`` of MNIST (uint8; 60000 + 10000 in Keras's file).

    ``path`` is the file name in the cache folder ``~/.keras/datasets``.
    """
    path = get_file(fname=path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
