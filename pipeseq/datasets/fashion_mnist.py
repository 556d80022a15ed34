"""Fashion-MNIST: ``load_data()``, as ``keras.datasets.fashion_mnist``.

Reads the four gzipped IDX files Keras keeps in ``~/.keras/datasets/fashion-mnist/``
(``train-labels-idx1-ubyte.gz``, ``train-images-idx3-ubyte.gz``, ``t10k-...``); returns uint8
``(n, 28, 28)`` images and ``(n,)`` labels, as many as the files hold.
"""
import gzip
import os

import numpy as np

from .cache import KERAS_DATASETS_URL, get_file

ORIGIN_FOLDER = KERAS_DATASETS_URL
FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def load_data():
    """``(x_train, y_train), (x_test, y_test)`` of Fashion-MNIST (uint8)."""
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(f, origin=ORIGIN_FOLDER + f, cache_subdir=subdir) for f in FILES]
    out = []
    for labels, images in ((paths[0], paths[1]), (paths[2], paths[3])):
        with gzip.open(labels, "rb") as fh:
            y = np.frombuffer(fh.read(), np.uint8, offset=8)
        with gzip.open(images, "rb") as fh:
            x = np.frombuffer(fh.read(), np.uint8, offset=16).reshape(len(y), 28, 28)
        out.append((x, y))
    return tuple(out)
