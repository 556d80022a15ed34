"""Numeric policy shared by every part of pipeseq.

* ``floatx()`` / ``set_floatx()`` -- the float dtype new weights and inputs use
  (``"float32"`` by default; tests switch to ``"float64"`` for gradient checks).
* ``set_random_seed(seed)`` -- one seed for initialisers, dropout and shuffling.
* ``image_data_format()`` / ``set_image_data_format()`` -- the default
  ``data_format`` of convolution and pooling layers created afterwards.
* ``keep_freed_memory()`` -- the allocator policy training sets (see there).
* ``no_backward()`` -- predict/evaluate's forward passes keep no backward caches.

Example
-------
>>> from pipeseq import backend
>>> backend.set_random_seed(42)
>>> backend.floatx()
'float32'
"""
import contextlib
import os
import threading

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_RNG = np.random.default_rng()
_SEED = None


def floatx():
    """Return the default float dtype name (``"float32"`` unless changed)."""
    return _FLOATX


def set_floatx(value):
    """Set the default float dtype: one of ``"float16"``, ``"float32"``, ``"float64"``."""
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(
            "Unknown floatx type; expected one of 'float16', 'float32', 'float64'. "
            f"Received: value={value!r}")
    _FLOATX = str(value)


def epsilon():
    """The fuzz factor used in numeric expressions (1e-7, as in Keras)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """Default data format of image layers: ``"channels_last"`` or ``"channels_first"``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(value):
    global _IMAGE_DATA_FORMAT
    if value not in ("channels_last", "channels_first"):
        raise ValueError("data_format must be 'channels_last' or 'channels_first'. "
                         f"Received: value={value!r}")
    _IMAGE_DATA_FORMAT = value


def set_random_seed(seed):
    """Seed every random choice pipeseq makes (weights, dropout, shuffling).

    Same seed, same code -> identical initial weights and identical losses.
    Also seeds NumPy's legacy global generator, as Keras does for user code.
    """
    global _RNG, _SEED
    _SEED = int(seed)
    _RNG = np.random.default_rng(_SEED)
    np.random.seed(_SEED % (2 ** 32))


def rng():
    """The process-wide random generator (a ``numpy.random.Generator``)."""
    return _RNG


def standardize_dtype(dtype=None):
    return np.dtype(floatx() if dtype is None else dtype)


def cast_to_floatx(x):
    return np.asarray(x, dtype=floatx())


_CAPS = {"max_epochs": None, "max_steps_per_epoch": None}


def max_epochs():
    """Cap on ``fit``'s epochs (None: no cap), as Keras's ``config.max_epochs``."""
    return _CAPS["max_epochs"]


def set_max_epochs(max_epochs):
    """Make every ``fit`` run at most ``max_epochs`` epochs (None: no cap)."""
    _CAPS["max_epochs"] = None if max_epochs is None else int(max_epochs)


def max_steps_per_epoch():
    """Cap on the training steps of each epoch (None: no cap)."""
    return _CAPS["max_steps_per_epoch"]


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Make every epoch of ``fit`` stop after at most this many steps (None: no cap)."""
    _CAPS["max_steps_per_epoch"] = None if max_steps_per_epoch is None else int(max_steps_per_epoch)


class DTypePolicy:
    """A layer's dtype policy (Keras 3's ``keras.DTypePolicy``): the dtype it computes in
    (``compute_dtype``) and keeps its weights in (``variable_dtype``).

    ``DTypePolicy()`` follows ``floatx()``. pipeseq computes each layer in one dtype, so
    the policies are the float ones (``"float16"``, ``"float32"``, ``"float64"``); Keras's
    mixed (``"mixed_float16"``, ``"mixed_bfloat16"``) and quantized policies are refused
    with a ``ValueError``, as is ``bfloat16`` (NumPy has no such type). A layer accepts a
    policy as its ``dtype`` (``Dense(4, dtype=DTypePolicy("float64"))``).

    Example
    -------
    >>> p = DTypePolicy("float64")
    >>> p.name, p.compute_dtype, p.variable_dtype, p.get_config()
    ('float64', 'float64', 'float64', {'name': 'float64'})
    """

    def __init__(self, name=None):
        name = floatx() if name is None else name
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, such as 'float32'. Received: name={name!r}")
        if name not in ("float16", "float32", "float64"):
            why = ("mixed precision (float16/bfloat16 compute with float32 weights) is not "
                   "implemented" if name.startswith("mixed_") else
                   "NumPy has no bfloat16 type" if name == "bfloat16" else
                   "quantized policies are not implemented" if "int" in name or "float8" in name
                   else "unknown policy")
            raise ValueError(f"Unsupported dtype policy {name!r}: {why}. pipeseq computes each "
                             "layer in one of 'float16', 'float32', 'float64'. "
                             f"Received: name={name!r}")
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._name

    @property
    def variable_dtype(self):
        return self._name

    @property
    def quantization_mode(self):
        return None

    def convert_input(self, x, autocast=True, dtype=None):
        """``x`` cast to ``dtype`` (default: the compute dtype) when it is a float array."""
        x = np.asarray(x)
        dtype = dtype or self.compute_dtype
        return x.astype(dtype) if autocast and x.dtype.kind == "f" and x.dtype != dtype else x

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(("DTypePolicy", self._name))

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


class FloatDTypePolicy(DTypePolicy):
    """Keras 3's older name for a float :class:`DTypePolicy` (kept for old code)."""


_NAME_SCOPES = []       # [(name, caller)] of the open name scopes, outermost first


class name_scope:
    """``with name_scope("block"):`` prefixes the path of every variable created inside
    (``block/conv/kernel``), as Keras 3's ``name_scope``. A layer opens its own scope while it
    builds, so a layer built inside another's build (or inside a Sequential) gets the outer
    name too; ``caller`` avoids opening the same layer's scope twice.

    Example
    -------
    >>> with name_scope("block"):
    ...     variable_path("kernel")
    'block/kernel'
    """

    def __init__(self, name, caller=None, **kwargs):
        if not isinstance(name, str) or not name:
            raise ValueError(f"name_scope: the name must be a non-empty string. Received: "
                             f"name={name!r}")
        self.name, self.caller, self._pushed = name, caller, False

    def __enter__(self):
        top = _NAME_SCOPES[-1] if _NAME_SCOPES else None
        if not (self.caller is not None and top is not None and top[1] is self.caller):
            _NAME_SCOPES.append((self.name, self.caller))
            self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _NAME_SCOPES.pop()
        return False


def variable_path(name):
    """The path of a variable ``name`` created now: the open scopes, then ``name``."""
    return "/".join([n for n, _ in _NAME_SCOPES] + [name])


# glibc's mallopt parameters and the values training uses (see keep_freed_memory).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_TRIM_THRESHOLD = 64 << 20
_MMAP_THRESHOLD = 32 << 20           # glibc's own ceiling for its adaptive threshold (64-bit)
_MALLOC = {"done": False, "applied": False}


def keep_freed_memory():
    """Let the C allocator keep freed memory for reuse (glibc only; once per process).

    A training step allocates and frees the same arrays every batch. With glibc's
    defaults, freeing more than 128 KiB at the top of the heap hands the pages back
    to the system, and the next batch takes page faults to get them again; a traced
    custom loss or layer, whose intermediate results all live until its backward pass,
    spent most of its time there (1.7 ms of 2.2 ms for a hand-written cross-entropy
    on 32 x 784 values). pipeseq sets glibc's trim threshold to 64 MiB and fixes the
    mmap threshold at 32 MiB (the ceiling glibc's adaptive threshold reaches anyway),
    so up to 64 MiB of freed heap stays with the process. Nothing is done when
    ``MALLOC_TRIM_THRESHOLD_`` or ``MALLOC_MMAP_THRESHOLD_`` is set (the user's choice)
    or the C library is not glibc. Returns True when the setting is in effect.
    """
    if _MALLOC["done"]:
        return _MALLOC["applied"]
    _MALLOC["done"] = True
    if any(k in os.environ for k in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")):
        return False
    try:
        import ctypes
        import platform
        if platform.libc_ver()[0] != "glibc":
            return False
        mallopt = ctypes.CDLL(None).mallopt
        mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    except (OSError, AttributeError, ValueError):
        return False
    _MALLOC["applied"] = bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and \
        bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
    return _MALLOC["applied"]


# ------------------------------------------------ forward passes with no backward after them
_INFERENCE = threading.local()


def keeps_caches():
    """False inside :func:`no_backward` (in this thread): models keep no backward caches.

    Example
    -------
    >>> keeps_caches()
    True
    >>> with no_backward():
    ...     keeps_caches()
    False
    """
    return not getattr(_INFERENCE, "depth", 0)


@contextlib.contextmanager
def no_backward():
    """Forward passes that will not be differentiated (``predict``, ``evaluate``).

    Inside it, models keep no per-layer caches (the arrays a backward pass would
    need) and functional models drop each intermediate result after its last use, so
    a forward pass holds about its largest layers' arrays rather than all of them.
    ``training=False`` alone does not mean this: a model called with ``training=False``
    inside a model being trained (a frozen base model) is still differentiated.
    """
    _INFERENCE.depth = getattr(_INFERENCE, "depth", 0) + 1
    try:
        yield
    finally:
        _INFERENCE.depth -= 1
