"""ActivityRegularization, AddLoss and SpatialDropout3D.

``ActivityRegularization(l1, l2)`` passes its input through and adds
``(l1 * sum|x| + l2 * sum x^2) / batch_size`` to the training loss (Keras 3 divides an
activity penalty by the batch size); its backward adds that penalty's exact gradient,
and the trainer adds the value to the reported loss (``layer.activity_loss``, also in
``layer.losses`` as every add_loss value).

Example
-------
>>> import numpy as np
>>> layer = ActivityRegularization(l1=0.1)
>>> y, cache = layer.forward(np.array([[1.0, -2.0]]), training=True)
>>> y.tolist(), round(layer.activity_loss, 6)
([[1.0, -2.0]], 0.3)
"""
import numpy as np

from .. import backend
from .base import Layer, register
from .noise import SpatialDropout1D


@register
class ActivityRegularization(Layer):
    """Identity whose output's L1/L2 penalty joins the loss (see the module docstring)."""

    supports_masking = True

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        super().__init__(**kwargs)
        self.l1, self.l2 = float(l1), float(l2)
        self.activity_loss = 0.0

    def forward(self, x, training=False):
        n = x.shape[0] if x.ndim else 1
        self.activity_loss = float(self.l1 * np.abs(x).sum() + self.l2 * (x * x).sum()) / max(n, 1)
        self._call_losses.append(self.activity_loss)      # the trainer adds these to the loss
        return x, (x, n)

    def backward(self, cache, dy):
        x, n = cache
        return dy + ((self.l1 * np.sign(x) + 2 * self.l2 * x) / max(n, 1)).astype(dy.dtype), []

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


@register
class AddLoss(Layer):
    """Identity whose input, summed, joins the loss: what ``model.add_loss(tensor)`` inserts.

    tf.keras's layer of the same name: a functional model given a symbolic loss
    (``model.add_loss(K.mean(kl))``) calls one on it, so the loss is computed from the
    model's inputs on every batch; its gradient (1 for every element) flows back
    into the layers that computed it.
    """

    def __init__(self, unconditional=False, **kwargs):
        kwargs.pop("autocast", None)
        super().__init__(**kwargs)
        self.unconditional = bool(unconditional)

    def forward(self, x, training=False):
        self._call_losses.append(float(np.sum(x)))
        return x, (np.shape(x), np.asarray(x).dtype)

    def backward(self, cache, dy):
        shape, dtype = cache
        return np.ones(shape, dtype) + (0 if dy is None else dy), []

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "unconditional": self.unconditional}


@register
class SpatialDropout3D(SpatialDropout1D):
    """Drop whole feature volumes of ``(batch, d1, d2, d3, channels)`` input (or channels_first)."""

    ndim = 5

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = data_format or backend.image_data_format()

    def _noise_shape(self, x):
        if self.data_format == "channels_first":
            return (x.shape[0], x.shape[1], 1, 1, 1)
        return (x.shape[0], 1, 1, 1, x.shape[4])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
