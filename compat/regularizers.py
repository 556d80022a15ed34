"""``keras.regularizers``: ``l1``, ``l2``, ``l1_l2``, ``L1``, ``L2``, ``L1L2``.

Keras 1 spellings (warned once): ``l1l2`` → ``l1_l2``; ``activity_l1``,
``activity_l2``, ``activity_l1l2`` → ``l1``, ``l2``, ``l1_l2`` (pass them as
``activity_regularizer``); ``WeightRegularizer(l1=, l2=)`` and
``ActivityRegularizer(l1=, l2=)`` → ``L1L2``.

Example
-------
>>> from compat.regularizers import l2
>>> l2(0.01).get_config()
{'l2': 0.01}
"""
from pipeseq import regularizers as _engine
from pipeseq.regularizers import (L1, L1L2, L2, Regularizer, get, l1, l1_l2, l2,  # noqa: F401
                                  serialize)

from ._legacy import warn_once


def _legacy(old, new, fn):
    def wrapper(*args, **kwargs):
        warn_once((old, new), f"regularizers.{old} is the Keras 1 spelling; use "
                              f"regularizers.{new} instead.")
        return fn(*args, **kwargs)
    wrapper.__name__ = old
    wrapper.__doc__ = f"Keras 1 ``{old}``: the same as ``{new}`` (warns once)."
    return wrapper


l1l2 = _legacy("l1l2", "l1_l2", l1_l2)
activity_l1 = _legacy("activity_l1", "l1", l1)
activity_l2 = _legacy("activity_l2", "l2", l2)
activity_l1l2 = _legacy("activity_l1l2", "l1_l2", l1_l2)
WeightRegularizer = _legacy("WeightRegularizer", "L1L2", lambda l1=0.0, l2=0.0: L1L2(l1=l1, l2=l2))
ActivityRegularizer = _legacy("ActivityRegularizer", "L1L2",
                              lambda l1=0.0, l2=0.0: L1L2(l1=l1, l2=l2))


def deserialize(config, custom_objects=None):
    """A regularizer from a name or ``{"class_name": ..., "config": ...}``."""
    return get(config)


__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize",
           "deserialize", "l1l2", "activity_l1", "activity_l2", "activity_l1l2",
           "WeightRegularizer", "ActivityRegularizer"]
