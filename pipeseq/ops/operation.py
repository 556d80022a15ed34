"""``Operation``: the base class of an op (Keras 3's ``keras.Operation``).

Subclass it and write ``call`` with :mod:`pipeseq.ops`: an instance then works like
any built-in op — eagerly on arrays (differentiable by autograd inside a custom
loss, layer or Lambda) and, on ``KerasTensor`` s, recorded as a node of a functional
model (shapes inferred by running ``call``; ``compute_output_spec`` may say it instead).

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> class ScaledTanh(Operation):
...     def __init__(self, scale, name=None):
...         super().__init__(name=name)
...         self.scale = scale
...     def call(self, x):
...         return ops.tanh(x) * self.scale
>>> ScaledTanh(2.0)(np.zeros(2, "float32"))
array([0., 0.], dtype=float32)
"""
import re

from . import dispatch


class Operation:
    """Base class of ops: ``call(*args, **kwargs)`` computes; ``__call__`` dispatches
    between eager arrays and symbolic tensors."""

    def __init__(self, name=None):
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError("Argument `name` must be a string and cannot contain character "
                             f"`/`. Received: name={name!r}")
        self.name = name or re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define call(self, *args) with ops.")

    def __call__(self, *args, **kwargs):
        if dispatch._has_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Record this op as a graph node on the symbolic tensors among ``args``."""
        handler = dispatch._SYMBOLIC_HANDLER[0]
        if handler is None:
            raise TypeError(f"{type(self).__name__} received a symbolic tensor, but no graph "
                            "handler is registered (import pipeseq.models first).")

        def run(*a, **k):
            return self.call(*a, **k)
        run.__name__ = self.name
        return handler(run, args, kwargs)

    def compute_output_spec(self, *args, **kwargs):
        """The symbolic output for symbolic ``args`` (by default: the recorded node's)."""
        return self.symbolic_call(*args, **kwargs)

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<Operation name={self.name}>"
