"""CIFAR batches: finding Keras's cached copy (either Keras's layout) and reading the pickles.

Keras 3 keeps ``<cache>/datasets/cifar-10-batches-py-target/cifar-10-batches-py/`` (archive
``cifar-10-batches-py-target_archive``); Keras 2 kept ``<cache>/datasets/cifar-10-batches-py/``
(archive ``cifar-10-batches-py.tar.gz``). Either is used as found; so is the original
``cifar-10-python.tar.gz`` put in the folder by hand. Only when none is there is the archive
downloaded (into Keras 3's layout).
"""
import os

import numpy as np

from .. import backend
from .cache import DownloadError, cache_folder, extract_archive, get_file
from .safe_pickle import load_pickle


def load_batch(fpath, label_key="labels"):
    """``(data, labels)`` of one pickled CIFAR batch: uint8 ``(n, 3, 32, 32)`` and a list."""
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in load_pickle(fpath).items()}
    data = np.asarray(d["data"])
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def batches_folder(inner, origin, file_hash):
    """Folder holding the batches of ``inner`` (``cifar-10-batches-py``/``cifar-100-python``)."""
    target = f"{inner}-target"
    original = os.path.basename(origin)
    # the cache as given (it may be read-only), then the writable one get_file would use
    folders = (cache_folder("datasets", create=False), cache_folder("datasets"))
    for datadir in dict.fromkeys(folders):
        for candidate in (os.path.join(datadir, target, inner), os.path.join(datadir, inner)):
            if os.path.isdir(candidate) and os.listdir(candidate):
                return candidate
        for archive, into in ((os.path.join(datadir, f"{target}_archive"),
                               os.path.join(datadir, target)),
                              (os.path.join(datadir, f"{inner}.tar.gz"), datadir),
                              (os.path.join(datadir, original), datadir)):
            if os.path.isfile(archive) and extract_archive(archive, into, "tar"):
                return os.path.join(into, inner)
    try:
        folder = get_file(fname=target, origin=origin, extract=True, file_hash=file_hash)
    except DownloadError as e:
        raise DownloadError(f"{e} The original archive name {original!r} is accepted in that "
                            f"folder too, as is an unpacked folder {inner!r}.") from None
    return os.path.join(folder, inner)


def to_data_format(x):
    """NCHW batches -> the default image data format (channels_last: NHWC)."""
    return x.transpose(0, 2, 3, 1) if backend.image_data_format() == "channels_last" else x
