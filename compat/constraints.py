"""``keras.constraints``: ``MaxNorm``, ``NonNeg``, ``UnitNorm``, ``MinMaxNorm`` and lowercase names.

Keras 1 spellings (warned once): ``maxnorm``/``nonneg``/``unitnorm`` and
``MaxNorm(m=...)`` (→ ``max_value``).

Example
-------
>>> from compat.constraints import max_norm
>>> max_norm(3.0).get_config()["max_value"]
3.0
"""
from pipeseq import regularizers as _engine
from pipeseq.regularizers import Constraint, MinMaxNorm, NonNeg, UnitNorm  # noqa: F401
from pipeseq.regularizers import get_constraint as get  # noqa: F401
from pipeseq.regularizers import serialize_constraint as serialize  # noqa: F401

from ._legacy import Spec, make_wrapper, warn_once

MaxNorm = make_wrapper("MaxNorm", _engine.MaxNorm, Spec(renames={"m": "max_value"}), __name__)
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm


def _legacy(old, new, cls):
    def wrapper(*args, **kwargs):
        warn_once((old, new), f"constraints.{old} is the Keras 1 spelling; use "
                              f"constraints.{new} instead.")
        return cls(*args, **kwargs)
    wrapper.__name__ = old
    return wrapper


maxnorm = _legacy("maxnorm", "max_norm", MaxNorm)
nonneg = _legacy("nonneg", "non_neg", NonNeg)
unitnorm = _legacy("unitnorm", "unit_norm", UnitNorm)

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm", "non_neg",
           "unit_norm", "min_max_norm", "get", "serialize", "maxnorm", "nonneg", "unitnorm"]
