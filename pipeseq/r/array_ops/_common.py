"""Shared helpers of the backend functions."""
from ...ops.dispatch import tensor as _tensor


# ------------------------------------------------------------------ helpers
def _arr(x):
    """``x`` as an array (or autograd box); Python floats/lists become ``floatx``."""
    return _tensor(x)


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis
