"""Weight initialisers with Keras's names, defaults and configs.

``get("glorot_uniform")`` or ``get({"class_name": "GlorotUniform", "config": {}})``
returns an initializer; calling it with a shape returns an array.

Example
-------
>>> from pipeseq import initializers
>>> initializers.get("zeros")((2, 3)).shape
(2, 3)
"""
import math

import numpy as np

from . import backend
from .utils import ConfigMixin, registrar
from .utils import did_you_mean

_REGISTRY = {}
_register = registrar(_REGISTRY)


def compute_fans(shape):
    """Keras's fan-in/fan-out: receptive field times input/output channels."""
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer(ConfigMixin):
    """Base class: ``init(shape, dtype=None)`` returns an array of ``shape``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _rng(seed):
    return np.random.default_rng(seed) if seed is not None else backend.rng()


@_register("zeros", "zero")
class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=backend.standardize_dtype(dtype))


@_register("ones", "one")
class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=backend.standardize_dtype(dtype))


@_register("constant")
class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=backend.standardize_dtype(dtype))

    def get_config(self):
        return {"value": self.value}


@_register("uniform", "random_uniform")
class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None):
        return _rng(self.seed).uniform(self.minval, self.maxval, shape).astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


@_register("normal", "random_normal")
class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return _rng(self.seed).normal(self.mean, self.stddev, shape).astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _truncated_normal(rng, shape, mean, stddev):
    """Normal samples redrawn until within two standard deviations (as TF/Keras do)."""
    out = rng.normal(0.0, 1.0, shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(out) > 2
    return mean + stddev * out


@_register("truncated_normal")
class TruncatedNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return _truncated_normal(_rng(self.seed), shape, self.mean, self.stddev).astype(
            backend.standardize_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


@_register("variance_scaling")
class VarianceScaling(Initializer):
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if scale <= 0:
            raise ValueError(f"VarianceScaling: `scale` must be positive. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError("VarianceScaling: `mode` must be 'fan_in', 'fan_out' or 'fan_avg'. "
                             f"Received: mode={mode!r}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError("VarianceScaling: unknown `distribution`. "
                             f"Received: distribution={distribution!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        rng = _rng(self.seed)
        if self.distribution == "truncated_normal":
            out = _truncated_normal(rng, shape, 0.0, math.sqrt(scale) / 0.87962566103423978)
        elif self.distribution == "untruncated_normal":
            out = rng.normal(0.0, math.sqrt(scale), shape)
        else:
            limit = math.sqrt(3.0 * scale)
            out = rng.uniform(-limit, limit, shape)
        return out.astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def _fixed_vs(name, scale, mode, distribution):
    class _VS(VarianceScaling):
        def __init__(self, seed=None):
            super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed)

        def get_config(self):
            return {"seed": self.seed}
    _VS.__name__ = _VS.__qualname__ = name
    return _VS


GlorotUniform = _register("glorot_uniform")(_fixed_vs("GlorotUniform", 1.0, "fan_avg", "uniform"))
GlorotNormal = _register("glorot_normal")(_fixed_vs("GlorotNormal", 1.0, "fan_avg", "truncated_normal"))
HeUniform = _register("he_uniform")(_fixed_vs("HeUniform", 2.0, "fan_in", "uniform"))
HeNormal = _register("he_normal")(_fixed_vs("HeNormal", 2.0, "fan_in", "truncated_normal"))
LecunUniform = _register("lecun_uniform")(_fixed_vs("LecunUniform", 1.0, "fan_in", "uniform"))
LecunNormal = _register("lecun_normal")(_fixed_vs("LecunNormal", 1.0, "fan_in", "truncated_normal"))


@_register("orthogonal")
class Orthogonal(Initializer):
    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError("Orthogonal initializer needs a shape of rank >= 2. "
                             f"Received: shape={tuple(shape)}")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = _rng(self.seed).normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q[:rows, :cols]).reshape(shape).astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


@_register("identity")
class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2D shape. Received: shape={tuple(shape)}")
        return (self.gain * np.eye(*shape)).astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


_REGISTRY["IdentityInitializer"] = Identity

ALL_NAMES = sorted(k for k in _REGISTRY if k.islower())


def get(identifier):
    """Resolve a name, a Keras config dict, an Initializer, or a callable ``f(shape, dtype)``."""
    if identifier is None:
        return None
    if isinstance(identifier, Initializer) or (callable(identifier) and not isinstance(identifier, type)):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, dict):
        cls_name = identifier.get("class_name")
        if cls_name not in _REGISTRY:
            raise ValueError(f"Unknown initializer class {cls_name!r} in config.")
        return _REGISTRY[cls_name].from_config(identifier.get("config", {}) or {})
    name = str(identifier)
    if name not in _REGISTRY:
        raise ValueError(f"Unknown initializer: {identifier!r}.{did_you_mean(name, ALL_NAMES)} "
                         f"Expected one of: {', '.join(ALL_NAMES)}.")
    return _REGISTRY[name]()


def serialize(init):
    if init is None:
        return None
    if isinstance(init, Initializer):
        return {"module": "keras.initializers", "class_name": type(init).__name__,
                "config": init.get_config(), "registered_name": None}
    return getattr(init, "__name__", str(init))
