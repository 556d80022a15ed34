"""R keras3's ``activation_*`` (31), ``random_*`` (11) and ``config_*`` functions.

* ``activation_relu(x, negative_slope = 0, ...)`` computes on an array; uncalled it can be a
  layer's ``activation=``.
* ``random_normal(shape, mean, stddev, seed = 1)``: seeded, R-style (``shape`` may be a vector).
* ``config_floatx()``, ``config_set_epsilon(1e-6)``, ``config_disable_interactive_logging()``…

Example
-------
>>> import numpy as np
>>> from pipeseq import activation_relu, random_uniform, config_floatx
>>> activation_relu(np.array([-1.0, 2.0]))
array([0., 2.])
>>> random_uniform(2, seed=1).shape
(2,)
>>> config_floatx()
'float32'
"""
import numpy as np

__all__ = []

_ACTIVATIONS = ["celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid",
                "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid",
                "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink",
                "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax",
                "squareplus", "tanh", "tanh_shrink", "threshold"]


def _activation(name):
    from ..kernels import activations as A

    def fn(x, **kwargs):
        x = np.asarray(x)
        if x.dtype.kind != "f":
            x = x.astype("float32")
        if name == "leaky_relu" and not kwargs:
            kwargs = {"negative_slope": 0.2}
        if name == "leaky_relu":
            return A.relu(x, **kwargs)
        if name == "relu":
            return A.relu(x, **kwargs)
        return A.Activation(A._ALIASES.get(name, name), **kwargs)(x)
    fn.__name__ = fn.__qualname__ = name if name not in ("hard_swish",) else "hard_silu"
    fn.__doc__ = (f"The ``{name}`` activation (R ``activation_{name}()``), elementwise on an "
                  f"array; keyword options as in Keras.\n\nExample\n-------\n"
                  f">>> activation_{name}(np.array([0.5]))   # doctest: +SKIP\n")
    return fn


for _n in _ACTIVATIONS:
    globals()["activation_" + _n] = _activation(_n)
    __all__.append("activation_" + _n)


# ---------------------------------------------------------------------- random
def _shape(shape):
    return (int(shape),) if np.ndim(shape) == 0 else tuple(int(s) for s in shape)


def _random(name, fn, shaped=True):
    def r_fn(*args, **kwargs):
        if shaped and args:
            args = (_shape(args[0]),) + args[1:]
        if shaped and "shape" in kwargs:
            kwargs["shape"] = _shape(kwargs["shape"])
        return fn(*args, **kwargs)
    r_fn.__name__ = r_fn.__qualname__ = name
    r_fn.__doc__ = (f"Keras's ``random.{fn.__name__}`` (R ``{name}()``): {fn.__doc__}\n\n"
                    f"Example\n-------\n>>> {name}(...)   # doctest: +SKIP\n")
    return r_fn


def _register_random():
    from .. import random as R
    table = {"random_beta": (R.beta, True), "random_binomial": (R.binomial, True),
             "random_categorical": (R.categorical, False), "random_dropout": (R.dropout, False),
             "random_gamma": (R.gamma, True), "random_integer": (R.randint, True),
             "random_normal": (R.normal, True), "random_shuffle": (R.shuffle, False),
             "random_truncated_normal": (R.truncated_normal, True),
             "random_uniform": (R.uniform, True)}
    for r, (fn, shaped) in table.items():
        globals()[r] = _random(r, fn, shaped)
        __all__.append(r)

    def random_seed_generator(seed=None, name=None, **kwargs):
        """A stateful seed for the ``random_*`` functions (R ``random_seed_generator()``).

        Example
        -------
        >>> g = random_seed_generator(1337)   # doctest: +SKIP
        """
        return R.SeedGenerator(seed=seed, name=name, **kwargs)
    globals()["random_seed_generator"] = random_seed_generator
    __all__.append("random_seed_generator")


_register_random()


# ---------------------------------------------------------------------- config
_CONFIG = ["backend", "disable_flash_attention", "disable_interactive_logging",
           "disable_traceback_filtering", "dtype_policy", "enable_flash_attention",
           "enable_interactive_logging", "enable_traceback_filtering",
           "enable_unsafe_deserialization", "epsilon", "floatx", "image_data_format",
           "is_flash_attention_enabled", "is_interactive_logging_enabled", "is_nnx_enabled",
           "is_traceback_filtering_enabled", "set_backend", "set_dtype_policy", "set_epsilon",
           "set_floatx", "set_image_data_format", "max_epochs", "set_max_epochs",
           "max_steps_per_epoch", "set_max_steps_per_epoch"]


def _config(name):
    def fn(*args, **kwargs):
        return _CONFIG_IMPL[name](*args, **kwargs)
    fn.__name__ = fn.__qualname__ = "config_" + name
    fn.__doc__ = (f"Keras's ``config.{name}`` (R ``config_{name}()``).\n\nExample\n-------\n"
                  f">>> config_{name}(...)   # doctest: +SKIP\n")
    return fn


_STATE = {"flash_attention": None, "traceback_filtering": True, "unsafe_deserialization": False,
          "dtype_policy": "float32"}


def _set_backend(name):
    if name != "numpy":
        raise ValueError("pipeseq computes with NumPy only; config_set_backend() accepts "
                         f"'numpy'. Received: {name!r}")


def _set_dtype_policy(policy):
    from .. import backend
    name = getattr(policy, "name", policy)
    if name not in ("float32", "float64"):
        raise ValueError("pipeseq computes in float32 (or float64); mixed-precision policies are "
                         f"not supported. Received: {policy!r}")
    _STATE["dtype_policy"] = name
    backend.set_floatx(name)


def _build_config_impl():
    from .. import backend, utils
    return {
        "backend": lambda: "numpy", "set_backend": _set_backend,
        "floatx": backend.floatx, "set_floatx": backend.set_floatx,
        "epsilon": backend.epsilon, "set_epsilon": backend.set_epsilon,
        "image_data_format": backend.image_data_format,
        "set_image_data_format": backend.set_image_data_format,
        "enable_interactive_logging": utils.enable_interactive_logging,
        "disable_interactive_logging": utils.disable_interactive_logging,
        "is_interactive_logging_enabled": utils.is_interactive_logging_enabled,
        "enable_flash_attention": lambda: _STATE.__setitem__("flash_attention", True),
        "disable_flash_attention": lambda: _STATE.__setitem__("flash_attention", False),
        "is_flash_attention_enabled": lambda: _STATE["flash_attention"],
        "enable_traceback_filtering": lambda: _STATE.__setitem__("traceback_filtering", True),
        "disable_traceback_filtering": lambda: _STATE.__setitem__("traceback_filtering", False),
        "is_traceback_filtering_enabled": lambda: _STATE["traceback_filtering"],
        "enable_unsafe_deserialization":
            lambda: _STATE.__setitem__("unsafe_deserialization", True),
        "is_nnx_enabled": lambda: False,
        "max_epochs": backend.max_epochs, "set_max_epochs": backend.set_max_epochs,
        "max_steps_per_epoch": backend.max_steps_per_epoch,
        "set_max_steps_per_epoch": backend.set_max_steps_per_epoch,
        "dtype_policy": lambda: _STATE["dtype_policy"], "set_dtype_policy": _set_dtype_policy,
    }


_CONFIG_IMPL = _build_config_impl()
for _n in _CONFIG:
    globals()["config_" + _n] = _config(_n)
    __all__.append("config_" + _n)
del _n
