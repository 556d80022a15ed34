"""CIFAR-10: ``load_data()``, as ``keras.datasets.cifar10``.

uint8 images ``(n, 32, 32, 3)`` (channels_last; ``(n, 3, 32, 32)`` with channels_first) and
uint8 labels ``(n, 1)``; ``n`` comes from the batch files (``data_batch_1`` ... and
``test_batch``).
"""
import glob
import os

import numpy as np

from .cifar import batches_folder, load_batch, to_data_format

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """``(x_train, y_train), (x_test, y_test)`` of CIFAR-10."""
    path = batches_folder("cifar-10-batches-py", ORIGIN, FILE_HASH)
    names = sorted(glob.glob(os.path.join(path, "data_batch_*")),
                   key=lambda p: int(p.rsplit("_", 1)[1]))
    if not names:
        raise FileNotFoundError(f"No data_batch_1 ... files in {path}: the CIFAR-10 cache "
                                "folder is incomplete. Remove it to download the data again.")
    parts = [load_batch(p) for p in names]
    x_train = np.concatenate([x for x, _ in parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(y, dtype="uint8") for _, y in parts])
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = y_train.reshape(len(y_train), 1)
    y_test = np.asarray(y_test, dtype="uint8").reshape(len(y_test), 1)
    return (to_data_format(x_train), y_train), (to_data_format(x_test.astype("uint8")), y_test)
