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
