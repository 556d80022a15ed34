"""BatchNormalization."""
import numpy as np

from .. import initializers, regularizers
from ..kernels import core as ops
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


@register
class LayerNormalization(Layer):
    """Normalise each sample over ``axis`` (default: the last) to zero mean and unit variance,
    then scale by ``gamma`` and shift by ``beta`` (one of each per normalised feature).

    Example
    -------
    >>> import numpy as np
    >>> y = LayerNormalization()(np.array([[1.0, 2.0, 3.0]], "float32"))
    >>> np.round(y, 3)
    array([[-1.224,  0.   ,  1.224]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if rms_scaling:
            raise ValueError(f"LayerNormalization '{self.name}': rms_scaling=True is not supported. "
                             "Received: rms_scaling=True")
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon, self.center, self.scale = float(epsilon), bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = regularizers.get_constraint(beta_constraint)
        self.gamma_constraint = regularizers.get_constraint(gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        self._axes = tuple(sorted(a % ndim for a in axes))
        shape = tuple(input_shape[a] for a in self._axes)
        if any(d is None for d in shape):
            raise ValueError(f"LayerNormalization '{self.name}': the normalised axes {self.axis} "
                             f"must have known sizes. Received input shape {input_shape}")
        self.gamma = self.add_weight("gamma", shape, self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None

    def _dim(self, i):
        return (self.gamma or self.beta).shape[self._axes.index(i)] if i in self._axes else 1

    def forward(self, x, training=False):
        if self.gamma is None and self.beta is None:
            bshape = None
        else:
            bshape = [self._dim(i) for i in range(x.ndim)]
        gamma = self.gamma.value.reshape(bshape) if self.scale else None
        beta = self.beta.value.reshape(bshape) if self.center else None
        y, _, _, cache = ops.batch_norm_train(x, gamma, beta, self._axes, self.epsilon)
        return y.astype(x.dtype, copy=False), cache

    def backward(self, cache, dy):
        others = tuple(i for i in range(dy.ndim) if i not in self._axes)
        dx, dgamma, dbeta = ops.batch_norm_backward(cache, dy, others)
        grads = []
        if self.scale:
            grads.append(dgamma.reshape(self.gamma.shape))
        if self.center:
            grads.append(dbeta.reshape(self.beta.shape))
        return dx, grads

    def get_config(self):
        s = initializers.serialize
        axis = self.axis
        if self.built:          # Keras 3's build turns the axis into a sorted list
            axis = sorted(axis) if isinstance(axis, list) else [axis]
        return {**super().get_config(), "axis": axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": False,
                "beta_initializer": s(self.beta_initializer),
                "gamma_initializer": s(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": regularizers.serialize_constraint(self.beta_constraint),
                "gamma_constraint": regularizers.serialize_constraint(self.gamma_constraint)}
