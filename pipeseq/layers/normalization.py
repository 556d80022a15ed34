"""BatchNormalization."""
import numpy as np

from .. import initializers, regularizers
from ..ops import core as ops
from .base import Layer, register


@register
class BatchNormalization(Layer):
    """Normalise each feature of ``axis`` to zero mean and unit variance.

    Training uses the batch's statistics and updates ``moving_mean`` /
    ``moving_variance`` (``moving = momentum * moving + (1 - momentum) * batch``);
    inference uses the moving statistics. A frozen layer (``trainable=False``)
    always runs in inference mode, as in Keras 3. Weights: ``gamma``, ``beta``
    (trainable), ``moving_mean``, ``moving_variance`` (not trainable): four
    numbers per feature.
    """

    supports_masking = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, renorm=False, **kwargs):
        super().__init__(**kwargs)
        if renorm:
            raise ValueError(f"BatchNormalization '{self.name}': renorm=True is not supported.")
        self.axis = axis[0] if isinstance(axis, (list, tuple)) and len(axis) == 1 else axis
        if not isinstance(self.axis, (int, np.integer)):
            raise ValueError(f"BatchNormalization '{self.name}': axis must be an int. Received: axis={axis!r}")
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = regularizers.get_constraint(beta_constraint)
        self.gamma_constraint = regularizers.get_constraint(gamma_constraint)
        self.synchronized = synchronized

    def build(self, input_shape):
        ndim = len(input_shape)
        self._ax = self.axis % ndim
        dim = input_shape[self._ax]
        if dim is None:
            raise ValueError(f"BatchNormalization '{self.name}': axis {self.axis} of the input "
                             f"must be known. Received input shape {input_shape}")
        self.gamma = self.add_weight("gamma", (dim,), self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", (dim,), self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", (dim,), self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", (dim,),
                                               self.moving_variance_initializer, trainable=False)

    def _bshape(self, ndim):
        shape = [1] * ndim
        shape[self._ax] = -1
        return shape

    def forward(self, x, training=False):
        bshape = self._bshape(x.ndim)
        gamma = self.gamma.value.reshape(bshape) if self.scale else None
        beta = self.beta.value.reshape(bshape) if self.center else None
        axes = tuple(i for i in range(x.ndim) if i != self._ax)
        if training and self.trainable:
            y, mean, var, cache = ops.batch_norm_train(x, gamma, beta, axes, self.epsilon)
            m = self.momentum
            self.moving_mean.value = (self.moving_mean.value * m + mean.reshape(-1) * (1 - m)).astype(self.moving_mean.dtype)
            self.moving_variance.value = (self.moving_variance.value * m + var.reshape(-1) * (1 - m)).astype(self.moving_variance.dtype)
        else:
            y, cache = ops.batch_norm_infer(x, gamma, beta, self.moving_mean.value.reshape(bshape),
                                            self.moving_variance.value.reshape(bshape), self.epsilon)
        return y.astype(x.dtype, copy=False), (cache, axes)

    def backward(self, cache, dy):
        bn_cache, axes = cache
        dx, dgamma, dbeta = ops.batch_norm_backward(bn_cache, dy, axes)
        grads = []
        if self.scale:
            grads.append(dgamma.reshape(-1))
        if self.center:
            grads.append(dbeta.reshape(-1))
        return dx, grads

    def get_config(self):
        s = initializers.serialize
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": s(self.beta_initializer),
                "gamma_initializer": s(self.gamma_initializer),
                "moving_mean_initializer": s(self.moving_mean_initializer),
                "moving_variance_initializer": s(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": regularizers.serialize_constraint(self.beta_constraint),
                "gamma_constraint": regularizers.serialize_constraint(self.gamma_constraint),
                "synchronized": self.synchronized}
