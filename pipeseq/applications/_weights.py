"""Where an application's weights come from: ``"imagenet"`` (Keras's file in Keras's cache,
downloaded when missing), a path, or ``None``.

The cache rules are those of :func:`pipeseq.datasets.cache.get_file`: a file already in
``~/.keras/models`` (``$KERAS_HOME/models``) is used as it is; a missing one is downloaded
from Keras's URL with a hash check when online, and fails fast with a message naming the
file and the folder when offline.
"""
import os

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"


def get_file(fname, origin, cache_subdir="models", file_hash=None):
    from ..datasets.cache import get_file as _get_file
    return _get_file(fname, origin, cache_subdir=cache_subdir, file_hash=file_hash)


def check_weights_arg(weights, include_top, classes):
    """Keras's checks on ``weights`` / ``classes``, before anything is built."""
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike))
                                              and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), "
                         "'imagenet' (pre-training on ImageNet), or the path to the weights file "
                         f"to be loaded. Received: weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should "
                         f"be 1000.  Received classes={classes}")


def load(model, weights, fname=None, origin=None, file_hash=None):
    """Load ``weights`` into ``model``: ``"imagenet"`` resolves ``fname`` in the cache first."""
    if weights == "imagenet":
        path = get_file(fname, origin, cache_subdir="models", file_hash=file_hash)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model
