"""``keras.config``: global settings that mean something on NumPy.

``floatx``/``set_floatx``, ``epsilon``/``set_epsilon``, ``image_data_format``/
``set_image_data_format``, ``backend()`` (``"numpy"``), interactive logging switches,
``enable_unsafe_deserialization`` (accepted; pipeseq never runs code from files), and the
dtype policy (float32 only), ``max_epochs``/``max_steps_per_epoch`` caps on ``fit``. The flash-attention and
traceback-filtering switches are accepted and recorded (they change nothing here).

Example
-------
>>> import compat as keras
>>> keras.config.floatx(), keras.config.backend()
('float32', 'numpy')
"""
from pipeseq.backend import (epsilon, floatx, image_data_format, max_epochs,  # noqa: F401
                             max_steps_per_epoch, set_epsilon, set_floatx, set_image_data_format,
                             set_max_epochs, set_max_steps_per_epoch)
from pipeseq.utils import (disable_interactive_logging, enable_interactive_logging,  # noqa: F401
                           is_interactive_logging_enabled)

_STATE = {"flash_attention": None, "traceback_filtering": True, "unsafe_deserialization": False,
          "dtype_policy": "float32"}


def backend():
    """``"numpy"``: pipeseq computes with NumPy."""
    return "numpy"


def set_backend(backend):
    """Only ``"numpy"`` exists here; other backends raise a ``ValueError``."""
    if backend != "numpy":
        raise ValueError("pipeseq computes with NumPy only; set_backend accepts 'numpy'. "
                         f"Received: backend={backend!r}")


def enable_unsafe_deserialization():
    """Accepted for Keras code; pipeseq never executes code read from a file, with or without
    it: a Lambda layer is rebuilt from ``custom_objects={"name": your_function}``."""
    _STATE["unsafe_deserialization"] = True


def enable_flash_attention():
    """Recorded; attention is computed the same way either way on NumPy."""
    _STATE["flash_attention"] = True


def disable_flash_attention():
    """Recorded; attention is computed the same way either way on NumPy."""
    _STATE["flash_attention"] = False


def is_flash_attention_enabled():
    return _STATE["flash_attention"]


def enable_traceback_filtering():
    """Recorded (pipeseq's tracebacks are never filtered)."""
    _STATE["traceback_filtering"] = True


def disable_traceback_filtering():
    """Recorded (pipeseq's tracebacks are never filtered)."""
    _STATE["traceback_filtering"] = False


def is_traceback_filtering_enabled():
    return _STATE["traceback_filtering"]


def is_nnx_enabled():
    """Always False (Flax NNX is a JAX feature)."""
    return False


def dtype_policy():
    """The global dtype policy, a ``DTypePolicy`` (``<DTypePolicy "float32">`` by default)."""
    from pipeseq.backend import DTypePolicy
    return DTypePolicy(_STATE["dtype_policy"])


def set_dtype_policy(policy):
    """Only float32 policies are supported: others raise a ``ValueError``."""
    name = getattr(policy, "name", policy)
    if name not in ("float32", "float64"):
        raise ValueError("pipeseq computes in float32 (or float64); mixed-precision policies "
                         f"are not supported. Received: policy={policy!r}")
    _STATE["dtype_policy"] = name
    set_floatx(name)
