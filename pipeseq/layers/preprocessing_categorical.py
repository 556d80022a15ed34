"""Categorical preprocessing layers: ``Discretization`` (with ``adapt``) and
``CategoryEncoding``.

Both produce integer indices or ``one_hot`` / ``multi_hot`` / ``count`` encodings as Keras
does; nothing flows back through them (their inputs are data, not activations).

Example
-------
>>> import numpy as np
>>> Discretization(bin_boundaries=[0.0, 1.0])(np.array([[-1.5, 0.5, 2.0]])).tolist()
[[0, 1, 2]]
>>> CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 0])).tolist()
[[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]]
"""
import numpy as np

from ..kernels import categorical as ops
from .base import Layer, register


def _check_mode(cls, mode):
    if mode not in ops.OUTPUT_MODES:
        raise ValueError(f"Invalid value for argument `output_mode`. Expected one of "
                         f"{ops.OUTPUT_MODES}. Received: output_mode={mode!r} ({cls})")
    return mode


def _encoded_shape(input_shape, mode, depth):
    if mode == "int":
        return tuple(input_shape)
    if mode == "one_hot":
        if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
            return tuple(input_shape[:-1]) + (depth,)
        return tuple(input_shape) + (depth,)
    return tuple(input_shape[:-1]) + (depth,) if len(input_shape) >= 2 else (depth,)


class _NoGradient(Layer):
    def backward(self, cache, dy):
        return None, []

    def _sparse(self, sparse):
        if sparse:
            raise NotImplementedError(f"{type(self).__name__} '{self.name}': sparse outputs are "
                                      "not supported by pipeseq. Received: sparse=True")


@register
class Discretization(_NoGradient):
    """Bucket values by ``bin_boundaries`` (or by quantile boundaries found by ``adapt``)."""

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, **kwargs):
        super().__init__(**kwargs)
        self._sparse(sparse)
        _check_mode("Discretization", output_mode)
        if num_bins is not None and num_bins < 0:
            raise ValueError("`num_bins` must be greater than or equal to 0. "
                             f"Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. Received: "
                             f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins, self.epsilon, self.output_mode = num_bins, float(epsilon), output_mode
        self.summary = np.array([[], []], "float32")

    def adapt(self, data, steps=None):
        """Estimate ``num_bins`` quantile boundaries from an array or an iterable of batches."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized with "
                             "`bin_boundaries`, use `num_bins` instead.")
        self.summary = np.array([[], []], "float32")
        batches = [data] if isinstance(data, np.ndarray) or not hasattr(data, "__iter__") \
            else data
        for i, batch in enumerate(batches):
            if steps is not None and i >= steps:
                break
            part = ops.summarize(np.asarray(batch, "float32"), self.epsilon)
            self.summary = ops.merge_summaries(part, self.summary, self.epsilon)
        self.bin_boundaries = ops.bin_boundaries(self.summary, self.num_bins).tolist()

    def compute_output_shape(self, input_shape):
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        return _encoded_shape(input_shape, self.output_mode, depth)

    def forward(self, x, training=False):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at "
                             "construction time or call `adapt(dataset)` before you can start "
                             "using the `Discretization` layer.")
        idx = np.digitize(x, self.bin_boundaries)
        return ops.encode(idx, self.output_mode, len(self.bin_boundaries) + 1), None

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": False,
                "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("trainable", None)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = list(boundaries)
            return layer
        return cls(**config)


@register
class CategoryEncoding(_NoGradient):
    """Encode integer indices in ``[0, num_tokens)``: ``one_hot``, ``multi_hot`` or ``count``."""

    input_dtype_kind = "int"

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        self._sparse(sparse)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             "('count', 'one_hot', 'multi_hot'). Received: "
                             f"output_mode={output_mode!r}")
        if num_tokens is None or int(num_tokens) < 1:
            raise ValueError("`num_tokens` must be >= 1. Received: "
                             f"num_tokens={num_tokens!r}")
        self.num_tokens, self.output_mode = int(num_tokens), output_mode

    def compute_output_shape(self, input_shape):
        return _encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def forward(self, x, training=False, count_weights=None):
        return ops.encode(x, self.output_mode, self.num_tokens, self.dtype
                          if np.dtype(self.dtype).kind == "f" else "float32", count_weights), None

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode, "sparse": False}
