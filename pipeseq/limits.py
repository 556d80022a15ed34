"""Fixed limits on what a file may ask of pipeseq, and the weight-allocation budget.

The limits are constants, never derived from the file being read. A file
beyond one of them is refused with a clear error (see :mod:`pipeseq.errors`)
before the work it would cause is done.

While a model is rebuilt from a file, :func:`allocation_budget` is active:
every ``add_weight`` charges its bytes to it *before* the initializer runs,
so a config asking for more weight bytes than the file holds fails with
:class:`~pipeseq.errors.WeightMismatchError` instead of allocating them.

Example
-------
>>> with allocation_budget(100, "'m.keras'"):
...     charge((5, 5), "float32", "dense/kernel")
>>> try:
...     with allocation_budget(100, "'m.keras'"):
...         charge((50, 5), "float32", "dense/kernel")
... except ValueError as e:
...     print(str(e)[:60])
'm.keras': the config asks for weight 'dense/kernel' of shap
"""
import contextlib
import contextvars

import numpy as np

from .errors import WeightMismatchError

# ---- configs (JSON) ----
MAX_CONFIG_BYTES = 16 * 1024 * 1024   # config.json / model_config / metadata.json
MAX_CONFIG_DEPTH = 100                # nesting of JSON objects and lists
MAX_LAYERS = 10_000                   # layer entries in one model config (all levels)
MAX_NAME_LENGTH = 1024                # characters in a layer or weight name
MAX_DIM = 2 ** 31 - 1                 # any one dimension of a shape in a config

# ---- HDF5 ----
MAX_NAMES = 10_000                    # entries in a layer_names / weight_names attribute
MAX_ATTRIBUTE_BYTES = 16 * 1024 * 1024
MAX_GROUP_MEMBERS = 100_000           # members of one HDF5 group
MAX_OBJECTS = 200_000                 # objects visited in one file
MAX_CHUNK_BYTES = 64 * 1024 * 1024    # one HDF5 chunk (decompressed)
MAX_EXPANSION = 100                   # decompressed / stored bytes of a filtered dataset
EXPANSION_FLOOR = 1024 * 1024         # datasets below this size are not ratio-checked
ALLOWED_FILTERS = {1: "deflate (gzip)", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}
MAX_ITEMSIZE = 16                     # bytes per array element (complex128 at most)

# ---- zip (.keras) ----
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_EXPANSION = 20                # uncompressed / compressed bytes of the weights member
ZIP_EXPANSION_FLOOR = 64 * 1024 * 1024
MAX_WEIGHTS_BYTES = 64 * 1024 ** 3    # model.weights.h5 read into memory

# ---- weights allocated while rebuilding a model from a file ----
BUDGET_SLACK = 1024 * 1024            # bytes allowed beyond what the file holds


def nbytes(shape, dtype):
    """Bytes of an array of ``shape`` (Python integers: no overflow); ``None`` if not a shape."""
    total = np.dtype(dtype).itemsize
    for d in shape:
        if d is None or int(d) < 0:
            return None
        total *= int(d)
    return total


def human(n):
    """``n`` bytes as a short human-readable size."""
    n = float(n)
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{int(n)} bytes" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} PB"   # pragma: no cover


class _Budget:
    def __init__(self, limit, source):
        self.limit, self.source, self.used = int(limit), source, 0


_ACTIVE = contextvars.ContextVar("pipeseq_allocation_budget", default=None)


@contextlib.contextmanager
def allocation_budget(limit, source):
    """While active, :func:`charge` refuses weights beyond ``limit`` bytes in total."""
    token = _ACTIVE.set(_Budget(limit, source))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def charge(shape, dtype, what):
    """Account for a new weight of ``shape``/``dtype`` (no-op when no budget is active)."""
    budget = _ACTIVE.get()
    if budget is None:
        return
    size = nbytes(shape, dtype)
    if size is None:
        raise WeightMismatchError(f"{budget.source}: the config asks for weight '{what}' with an "
                                  f"invalid shape {tuple(shape)}.")
    if budget.used + size > budget.limit:
        raise WeightMismatchError(
            f"{budget.source}: the config asks for weight '{what}' of shape {tuple(shape)} "
            f"({human(size)}), which brings the model to {human(budget.used + size)} of weights, "
            f"but the file holds only {human(max(budget.limit - BUDGET_SLACK, 0))} of weights. "
            "The config does not match the file (or asks for far more memory than the file "
            "can fill); nothing was allocated.")
    budget.used += size
