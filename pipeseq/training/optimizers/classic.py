"""The classic optimizers with Keras 3's update rules: SGD, RMSprop, Adam, Adagrad,
Adadelta, Adamax, Nadam.

Example
-------
>>> import numpy as np
>>> from pipeseq.layers.base import Variable
>>> from pipeseq.training.optimizers import SGD
>>> v = Variable(np.ones(2, "float32"), "w")
>>> SGD(learning_rate=0.5).apply([np.ones(2, "float32")], [v])
>>> v.value
array([0.5, 0.5], dtype=float32)
"""
import math

import numpy as np

from .base import Optimizer, register


class SGD(Optimizer):
    """``SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``."""

    _elementwise = True       # _update works element by element (Optimizer._update_blocks)
    _defaults = {"momentum": 0.0, "nesterov": False}

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD: momentum must be in [0, 1]. Received: momentum={momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self._slot_names = ("momentum",) if self.momentum else ()

    def _update(self, var, g, lr, slots):
        if not self.momentum:
            var.value -= lr * g
            return
        m = slots[0]
        m *= self.momentum
        m -= lr * g
        if self.nesterov:
            var.value += self.momentum * m - lr * g
        else:
            var.value += m


class RMSprop(Optimizer):
    """``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)``."""

    _elementwise = True       # _update works element by element (Optimizer._update_blocks)
    _defaults = {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False}

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = float(rho), float(momentum), float(epsilon), bool(centered)
        self._slot_names = ("velocity",) + (("momentum",) if self.momentum else ()) + \
            (("average_gradient",) if self.centered else ())

    def _update(self, var, g, lr, slots):
        # In place, in the same order of operations as the textbook form
        # v = rho v + (1 - rho) g^2;  increment = lr g / sqrt(v + eps).
        v = slots[0]
        denom, increment = self._scratch(var, 2)
        np.multiply(g, g, out=denom)
        denom *= 1.0 - self.rho
        v *= self.rho
        v += denom
        if self.centered:
            ag = slots[-1]
            ag *= self.rho
            ag += (1.0 - self.rho) * g
            np.subtract(v, ag * ag, out=denom)
            denom += self.epsilon
        else:
            np.add(v, self.epsilon, out=denom)
        np.sqrt(denom, out=denom)
        np.multiply(g, lr, out=increment)
        increment /= denom
        if self.momentum:
            m = slots[1]
            m *= self.momentum
            m += increment
            var.value -= m
        else:
            var.value -= increment


class Adam(Optimizer):
    """``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)``."""

    _elementwise = True       # _update works element by element (Optimizer._update_blocks)
    _defaults = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = float(beta_1), float(beta_2), float(epsilon), bool(amsgrad)
        self._slot_names = ("momentum", "velocity") + (("velocity_hat",) if self.amsgrad else ())

    def state_layout(self, trainable):
        # Keras builds the velocity_hat slots as a second group, after every (m, v) pair
        out = super().state_layout(trainable)
        return ([e for e in out if e[1] != "velocity_hat"]
                + [e for e in out if e[1] == "velocity_hat"])

    def _update(self, var, g, lr, slots):
        t = self.iterations + 1
        alpha = lr * math.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        m, v = slots[0], slots[1]
        # In place, same order of operations as m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
        # var -= alpha m / (sqrt(v) + eps).
        a, b = self._scratch(var, 2)
        np.subtract(g, m, out=a)
        a *= 1.0 - self.beta_1
        m += a
        np.multiply(g, g, out=a)
        a -= v
        a *= 1.0 - self.beta_2
        v += a
        if self.amsgrad:
            np.maximum(slots[2], v, out=slots[2])
            v = slots[2]
        np.sqrt(v, out=a)
        a += self.epsilon
        np.multiply(m, alpha, out=b)
        b /= a
        var.value -= b


class Adagrad(Optimizer):
    """``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)``."""

    _elementwise = True       # _update works element by element (Optimizer._update_blocks)
    _defaults = {"initial_accumulator_value": 0.1, "epsilon": 1e-7}
    _slot_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = float(initial_accumulator_value), float(epsilon)

    def _init_slots(self, var, slots):
        slots[0][...] = self.initial_accumulator_value

    def _update(self, var, g, lr, slots):
        acc = slots[0]
        acc += g * g
        var.value -= (lr * g) / np.sqrt(acc + self.epsilon)


class Adadelta(Optimizer):
    """``Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7)``."""

    _elementwise = True       # _update works element by element (Optimizer._update_blocks)
    _defaults = {"rho": 0.95, "epsilon": 1e-7}
    _slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.epsilon = float(rho), float(epsilon)

    def _update(self, var, g, lr, slots):
        ag, adv = slots
        ag *= self.rho
        ag += (1.0 - self.rho) * g * g
        delta = -np.sqrt(adv + self.epsilon) * g / np.sqrt(ag + self.epsilon)
        adv *= self.rho
        adv += (1.0 - self.rho) * delta * delta
        var.value += lr * delta


class Adamax(Optimizer):
    """``Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``."""

    _elementwise = True       # _update works element by element (Optimizer._update_blocks)
    _defaults = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    _slot_names = ("momentum", "norm")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def _update(self, var, g, lr, slots):
        t = self.iterations + 1
        m, u = slots
        m += (g - m) * (1.0 - self.beta_1)
        np.maximum(self.beta_2 * u, np.abs(g), out=u)
        var.value -= (lr * m) / ((1.0 - self.beta_1 ** t) * (u + self.epsilon))


class Nadam(Optimizer):
    """``Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`` (Keras 3 rule)."""

    _elementwise = True       # _update works element by element (Optimizer._update_blocks)
    _defaults = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    _slot_names = ("momentum", "velocity")
    _global_state = ("u_product",)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.u_product = 1.0

    def _before_step(self):
        self.u_product *= self.beta_1 * (1.0 - 0.5 * 0.96 ** (self.iterations + 1))

    def _update(self, var, g, lr, slots):
        t = self.iterations + 1
        u_t = self.beta_1 * (1.0 - 0.5 * 0.96 ** t)
        u_t_1 = self.beta_1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        u_product_t = self.u_product
        u_product_t_1 = u_product_t * u_t_1
        m, v = slots
        m += (g - m) * (1.0 - self.beta_1)
        v += (g * g - v) * (1.0 - self.beta_2)
        m_hat = u_t_1 * m / (1.0 - u_product_t_1) + (1.0 - u_t) * g / (1.0 - u_product_t)
        v_hat = v / (1.0 - self.beta_2 ** t)
        var.value -= (m_hat * lr) / (np.sqrt(v_hat) + self.epsilon)


for _c in (SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam):
    register(_c)
del _c
