"""LayerScale and StochasticDepth, the two layers Keras defines inside
``keras.applications.convnext`` (and registers there, so ConvNeXt configs name them with
module ``keras.src.applications.convnext``).

``LayerScale(init_values, projection_dim)`` multiplies its input by a learned per-channel
vector (one weight, named as Keras names an unnamed weight: ``variable``, ``variable_1``...).
``StochasticDepth(drop_path_rate)`` passes its input through at inference; in training it
keeps each sample's residual path with probability ``1 - drop_path_rate`` (scaled by
``1 / keep_prob``), drawing from pipeseq's seeded generator.

Example
-------
>>> import numpy as np
>>> layer = LayerScale(0.5, 3)
>>> layer(np.ones((2, 3), "float32")).tolist()
[[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]
>>> StochasticDepth(0.2)(np.ones((1, 2), "float32")).tolist()
[[1.0, 1.0]]
"""
import numpy as np

from .. import backend, initializers
from ..ops import dispatch
from .base import Layer, register


@register
class LayerScale(Layer):
    """Multiply by a learned ``(projection_dim,)`` scale initialised to ``init_values``."""

    keras_module = "keras.src.applications.convnext"

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(projection_dim, (int, np.integer)) or projection_dim <= 0:
            raise ValueError("LayerScale: `projection_dim` must be a positive integer. "
                             f"Received: projection_dim={projection_dim!r}")
        self.init_values = init_values
        self.projection_dim = int(projection_dim)

    def build(self, input_shape):
        if input_shape[-1] is not None and input_shape[-1] != self.projection_dim:
            raise ValueError(f"LayerScale '{self.name}' scales {self.projection_dim} channels; "
                             f"its input has {input_shape[-1]}. Received: input_shape="
                             f"{tuple(input_shape)}")
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=initializers.Constant(self.init_values),
                                     trainable=True)

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values,
                "projection_dim": self.projection_dim}


@register
class StochasticDepth(Layer):
    """Drop whole residual paths per sample in training (identity at inference)."""

    keras_module = "keras.src.applications.convnext"

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= float(drop_path_rate) < 1:
            raise ValueError("StochasticDepth: `drop_path_rate` must be in [0, 1). "
                             f"Received: drop_path_rate={drop_path_rate!r}")
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training:
            return x
        keep_prob = 1 - self.drop_path_rate
        shape = (dispatch.value(x).shape[0],) + (1,) * (len(dispatch.value(x).shape) - 1)
        keep = np.floor(keep_prob + backend.rng().uniform(0, 1, shape)).astype(
            dispatch.value(x).dtype)
        return (x / keep_prob) * keep

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}
