"""Weight regularizers (their penalty is added to the training loss) and constraints.

Example
-------
>>> import numpy as np
>>> from pipeseq.regularizers import L2
>>> round(float(L2(0.1)(np.ones(3))), 6)
0.3
"""
import numpy as np

from .utils import ConfigMixin, registrar
from .utils import did_you_mean

_REGISTRY = {}
_register = registrar(_REGISTRY)


class Regularizer(ConfigMixin):
    """``penalty = reg(w)``; ``reg.gradient(w)`` is d penalty / d w."""

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v}' for k, v in self.get_config().items())})"


@_register("l1_l2")
class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, w):
        out = 0.0
        if self.l1:
            out += self.l1 * np.abs(w).sum()
        if self.l2:
            out += self.l2 * np.square(w).sum()
        return out

    def gradient(self, w):
        g = np.zeros_like(w)
        if self.l1:
            g += self.l1 * np.sign(w)
        if self.l2:
            g += 2.0 * self.l2 * w
        return g

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@_register("l1")
class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


@_register("l2")
class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


def l1(l1=0.01):
    return L1(l1)


def l2(l2=0.01):
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1=l1, l2=l2)


def get(identifier):
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):
        cls = _REGISTRY.get(identifier.get("class_name"))
        if cls is None:
            raise ValueError(f"Unknown regularizer {identifier.get('class_name')!r} in config.")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, str) and identifier in _REGISTRY:
        return _REGISTRY[identifier]()
    if callable(identifier):
        raise ValueError("pipeseq needs the gradient of a regularizer: subclass "
                         "pipeseq.regularizers.Regularizer and define __call__ and gradient(w). "
                         f"Received: {identifier!r}")
    raise ValueError(f"Unknown regularizer: {identifier!r}.{did_you_mean(identifier, ['l1', 'l2', 'l1_l2'])}")


def serialize(obj):
    if obj is None:
        return None
    return {"module": "keras.regularizers", "class_name": type(obj).__name__,
            "config": obj.get_config(), "registered_name": None}


# ---------------------------------------------------------------- constraints
_CONSTRAINTS = {}
_constraint = registrar(_CONSTRAINTS)


class Constraint(ConfigMixin):
    """Projection applied to a weight after each optimizer update."""


@_constraint("max_norm")
class MaxNorm(Constraint):
    def __init__(self, max_value=2.0, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = np.sqrt(np.sum(np.square(w), axis=self.axis, keepdims=True))
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@_constraint("non_neg")
class NonNeg(Constraint):
    def __call__(self, w):
        return w * (w >= 0)


@_constraint("unit_norm")
class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (1e-7 + np.sqrt(np.sum(np.square(w), axis=self.axis, keepdims=True)))

    def get_config(self):
        return {"axis": self.axis}


@_constraint("min_max_norm")
class MinMaxNorm(Constraint):
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = np.sqrt(np.sum(np.square(w), axis=self.axis, keepdims=True))
        desired = self.rate * np.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


def get_constraint(identifier):
    if identifier is None or isinstance(identifier, Constraint) or callable(identifier) and not isinstance(identifier, (str, dict)):
        return identifier
    if isinstance(identifier, dict):
        return _CONSTRAINTS[identifier["class_name"]].from_config(identifier.get("config", {}))
    if identifier in _CONSTRAINTS:
        return _CONSTRAINTS[identifier]()
    raise ValueError(f"Unknown constraint: {identifier!r}. Expected one of: {sorted(k for k in _CONSTRAINTS if k.islower())}.")


def serialize_constraint(obj):
    if obj is None:
        return None
    return {"module": "keras.constraints", "class_name": type(obj).__name__,
            "config": obj.get_config(), "registered_name": None}
