"""``keras.backend`` (``K``): array functions for custom losses and metrics, and global settings.

The ``K.*`` functions are :mod:`pipeseq.r.array_ops` (NumPy, 0-based axes):
``K.mean(K.square(y_pred - y_true), axis=-1)`` works in a loss passed to
``compile``. Settings: ``image_data_format()`` / ``set_image_data_format()``
and Keras 1's ``image_dim_ordering()`` / ``set_image_dim_ordering('th'|'tf')``
choose the default ``data_format`` of image layers created afterwards;
``clear_session()`` restarts automatic layer names.

Example
-------
>>> from compat import backend as K
>>> K.epsilon()
1e-07
>>> K.image_data_format()
'channels_last'
"""
from pipeseq import backend as _backend
from pipeseq.r.array_ops import *  # noqa: F401,F403
from pipeseq.r.array_ops import __all__ as _ops_all

from ._legacy import warn_once
from pipeseq.layers.base import reset_uids as _reset_uids

_DIM_ORDERINGS = {"th": "channels_first", "tf": "channels_last"}


def backend():
    """The name of the compute backend: ``"numpy"`` (Keras 3's name for a NumPy backend)."""
    return "numpy"


def image_data_format():
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return _backend.image_data_format()


def set_image_data_format(data_format):
    """Default ``data_format`` of convolution/pooling layers created afterwards."""
    _backend.set_image_data_format(data_format)


def image_dim_ordering():
    """Keras 1: ``"th"`` (channels first) or ``"tf"`` (channels last)."""
    warn_once(("image_dim_ordering", "image_data_format"),
              "image_dim_ordering() is the Keras 1 spelling; use image_data_format() instead.")
    return "th" if _backend.image_data_format() == "channels_first" else "tf"


def set_image_dim_ordering(dim_ordering):
    """Keras 1: ``'th'`` = ``set_image_data_format('channels_first')``, ``'tf'`` = channels last."""
    if dim_ordering not in _DIM_ORDERINGS:
        raise ValueError("set_image_dim_ordering: expected 'th' (channels first) or 'tf' "
                         f"(channels last). Received: dim_ordering={dim_ordering!r}")
    warn_once(("set_image_dim_ordering", "set_image_data_format"),
              f"set_image_dim_ordering({dim_ordering!r}) is the Keras 1 spelling; use "
              f"set_image_data_format({_DIM_ORDERINGS[dim_ordering]!r}) instead.")
    _backend.set_image_data_format(_DIM_ORDERINGS[dim_ordering])


def clear_session():
    """Restart automatic layer names (``dense``, ``dense_1``… start again)."""
    _reset_uids()


def set_random_seed(seed):
    """Seed initial weights, dropout and shuffling."""
    _backend.set_random_seed(seed)


__all__ = list(_ops_all) + ["backend", "image_data_format", "set_image_data_format",
                            "image_dim_ordering", "set_image_dim_ordering", "clear_session",
                            "set_random_seed"]
