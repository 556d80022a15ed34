"""Numeric policy shared by every part of pipeseq.

* ``floatx()`` / ``set_floatx()`` -- the float dtype new weights and inputs use
  (``"float32"`` by default; tests switch to ``"float64"`` for gradient checks).
* ``set_random_seed(seed)`` -- one seed for initialisers, dropout and shuffling.
* ``image_data_format()`` / ``set_image_data_format()`` -- the default
  ``data_format`` of convolution and pooling layers created afterwards.

Example
-------
>>> from pipeseq import backend
>>> backend.set_random_seed(42)
>>> backend.floatx()
'float32'
"""
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
