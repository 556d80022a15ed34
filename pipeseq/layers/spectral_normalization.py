"""``SpectralNormalization(layer)``: Keras 3's wrapper that divides a layer's kernel by its
largest singular value (power iteration) at every training call.

The wrapped layer needs a ``kernel`` (``Dense``, ``Conv*``...) or ``embeddings``
(``Embedding``). ``build`` adds ``vector_u (1, kernel.shape[-1])``, non-trainable,
``TruncatedNormal(stddev=0.02)``. A training call first *assigns* ``kernel / sigma`` to the
kernel and the new ``u`` to ``vector_u`` (math in :mod:`pipeseq.kernels.spectral_norm`), then
runs the wrapped layer; inference runs the wrapped layer as it is. Gradients flow to the
(normalized) kernel through the wrapped layer only, as in Keras, where the assignment is
outside the gradient.

Weights, as Keras 3 lists them: ``kernel``, ``vector_u``, then the wrapped layer's others
(``bias``). Keras 3's weight file stores ``[kernel, vector_u]`` under the wrapper and the
wrapped layer's own variables under ``layer``.

Example
-------
>>> import numpy as np
>>> from pipeseq.layers import Dense
>>> sn = SpectralNormalization(Dense(3), power_iterations=20)
>>> y = sn(np.ones((2, 4), "float32"), training=True)
>>> [w.name for w in sn.weights]
['kernel', 'vector_u', 'bias']
>>> round(float(np.linalg.norm(sn.layer.kernel.value, 2)), 2) <= 1.01
True
"""
from .. import initializers
from ..kernels.spectral_norm import spectral_normalize
from .base import register
from .wrappers import Wrapper


@register
class SpectralNormalization(Wrapper):
    """Spectral normalization of a wrapped layer's kernel (see the module docstring)."""

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, float) and power_iterations.is_integer():
            power_iterations = int(power_iterations)          # R's 1 (a double)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or \
                power_iterations <= 0:
            raise ValueError("`power_iterations` should be greater than zero. Received: "
                             f"`power_iterations={power_iterations!r}`")
        self.power_iterations = power_iterations
        self.supports_masking = getattr(layer, "supports_masking", False)

    def build(self, input_shape):
        super().build(input_shape)
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute 'kernel' "
                             f"nor 'embeddings'. Received: layer={self.layer.name!r}")
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight("vector_u", (1, self.kernel_shape[-1]),
                                        initializers.TruncatedNormal(stddev=0.02),
                                        trainable=False, dtype=self.kernel.dtype)

    @property
    def weights(self):
        if not self.built:
            return self.layer.weights
        rest = [w for w in self.layer.weights if w is not self.kernel]
        return [self.kernel, self.vector_u] + rest

    def _keras_own_variables(self):
        """Keras 3 tracks the kernel as the wrapper's own variable too (its weight file)."""
        return [self.kernel, self.vector_u] if self.built else []

    @property
    def input_dtype_kind(self):
        return self.layer.input_dtype_kind

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        return self.layer.compute_mask(inputs, mask)

    def normalized_weights(self):
        """``(new vector_u, normalized kernel)`` as arrays (Keras's method of that name)."""
        kernel, u = spectral_normalize(self.kernel.value, self.vector_u.value,
                                       self.power_iterations)
        return u, kernel

    def forward(self, x, training=False):
        if training:
            u, kernel = self.normalized_weights()
            self.vector_u.value = u
            self.kernel.value = kernel
        return self.layer.forward(x, training=training)

    def backward(self, cache, dy):
        return self.layer.backward(cache, dy)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
