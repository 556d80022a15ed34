"""CIFAR-100: ``load_data(label_mode="fine")``, as ``keras.datasets.cifar100``.

uint8 images ``(n, 32, 32, 3)`` and int64 labels ``(n, 1)`` (``"fine"``: 100 classes,
``"coarse"``: 20 superclasses).
"""
import os

import numpy as np

from .cifar import batches_folder, load_batch, to_data_format

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """``(x_train, y_train), (x_test, y_test)`` of CIFAR-100."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    path = batches_folder("cifar-100-python", ORIGIN, FILE_HASH)
    out = []
    for part in ("train", "test"):
        x, y = load_batch(os.path.join(path, part), label_key=f"{label_mode}_labels")
        out.append((to_data_format(x), np.reshape(y, (len(y), 1))))
    return tuple(out)
