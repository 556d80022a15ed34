"""Keras 3's newer optimizers: AdamW, ScheduleFreeAdamW, Lion, Lamb, Ftrl, Adafactor, Muon,
and LossScaleOptimizer (a pass-through on NumPy: float32 gradients need no loss scaling).

Example
-------
>>> from pipeseq.training.optimizers import AdamW
>>> AdamW(learning_rate=1e-3, weight_decay=0.01).get_config()["weight_decay"]
0.01
"""
import math
import re

import numpy as np

from .base import Optimizer, register
from .classic import Adam
from .base import get, serialize


@register
class AdamW(Adam):
    """Adam with decoupled weight decay (``weight_decay=0.004`` by default)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")


@register
class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW (Defazio et al., 2024): no learning-rate schedule needed.

    The variable holds ``y``, an interpolation between the gradient sequence ``z`` (the
    ``momentum`` slot, started at the variable's value) and its running average ``x``:
    ``v = b2 v + (1 - b2) g^2``; ``z -= lr g / (sqrt(v / (1 - b2^t)) + eps)``;
    ``x = (1 - 1/t) x + z / t`` with ``x`` recovered from ``y``; ``y = (1 - b1) z + b1 x``.
    ``warmup_steps`` ramps the learning rate linearly from 0.
    """

    _defaults = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8, "warmup_steps": 0}
    _slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 warmup_steps=0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.warmup_steps = warmup_steps

    def _init_slots(self, var, slots):
        slots[0][...] = var.value                 # z starts at the initial parameters

    def _update(self, var, g, lr, slots):
        f = np.float32
        z, v = slots
        t = f(self.iterations + 1)
        b1, b2 = f(self.beta_1), f(self.beta_2)
        lr = f(lr)
        if self.warmup_steps > 0:
            lr = lr * min(t / f(self.warmup_steps), f(1))
        z_old = z.copy()
        v += (g * g - v) * (f(1) - b2)
        denom = np.sqrt(v / (f(1) - np.power(b2, t))) + f(self.epsilon)
        z -= lr * g / denom
        weight = f(1) / t
        x_old = (var.value - (f(1) - b1) * z_old) / b1
        x_new = (f(1) - weight) * x_old + weight * z
        var.value[...] = (f(1) - b1) * z + b1 * x_new


@register
class Lion(Optimizer):
    """``var -= lr * sign(beta_1 m + (1 - beta_1) g)``; ``m = beta_2 m + (1 - beta_2) g``."""

    _elementwise = True       # _update works element by element (Optimizer._update_blocks)
    _defaults = {"beta_1": 0.9, "beta_2": 0.99}
    _slot_names = ("momentum",)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                             f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1, self.beta_2 = beta_1, beta_2

    def _update(self, var, g, lr, slots):
        m = slots[0]
        b1, b2 = np.float32(self.beta_1), np.float32(self.beta_2)
        var.value -= np.float32(lr) * np.sign(m * b1 + g * (np.float32(1) - b1))
        m[...] = m * b2 + g * (np.float32(1) - b2)


@register
class Lamb(Optimizer):
    """Adam's step scaled per variable by the trust ratio ``||w|| / ||update||``."""

    _defaults = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    _slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _update(self, var, g, lr, slots):
        t = np.float32(self.iterations + 1)
        m, v = slots
        m += (g - m) * np.float32(1 - self.beta_1)
        v += (g * g - v) * np.float32(1 - self.beta_2)
        m_hat = m / (np.float32(1) - np.power(np.float32(self.beta_1), t))
        v_sqrt = np.sqrt(v / (np.float32(1) - np.power(np.float32(self.beta_2), t))) + np.float32(self.epsilon)
        update = m_hat / v_sqrt
        w_norm = np.sqrt(np.sum(var.value ** 2))
        g_norm = np.sqrt(np.sum(update ** 2))
        ratio = w_norm / g_norm if (w_norm > 0 and g_norm > 0) else np.float32(1)
        var.value -= np.float32(ratio) * np.float32(lr) * update


@register
class Ftrl(Optimizer):
    """Follow-the-regularized-leader (Keras's formulation, with L1/L2/shrinkage and ``beta``)."""

    _defaults = {"learning_rate_power": -0.5, "initial_accumulator_value": 0.1,
                 "l1_regularization_strength": 0.0, "l2_regularization_strength": 0.0,
                 "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0}
    _slot_names = ("accumulator", "linear")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for arg, val, ok in (("initial_accumulator_value", initial_accumulator_value, "positive or zero"),
                             ("l1_regularization_strength", l1_regularization_strength, "positive or zero"),
                             ("l2_regularization_strength", l2_regularization_strength, "positive or zero"),
                             ("l2_shrinkage_regularization_strength",
                              l2_shrinkage_regularization_strength, "positive or zero")):
            if val < 0.0:
                raise ValueError(f"`{arg}` needs to be {ok}. Received: {arg}={val}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _init_slots(self, var, slots):
        slots[0][...] = self.initial_accumulator_value

    def _update(self, var, g, lr, slots):
        accum, linear = slots
        f = np.float32
        lr = f(lr)
        power = f(-self.learning_rate_power)
        l2 = f(self.l2_regularization_strength + self.beta / (2.0 * float(lr)))
        grad_to_use = g + f(2 * self.l2_shrinkage_regularization_strength) * var.value
        new_accum = accum + g * g
        linear += grad_to_use - (np.power(new_accum, power) - np.power(accum, power)) / lr * var.value
        quadratic = np.power(new_accum, power) / lr + f(2) * l2
        l1 = f(self.l1_regularization_strength)
        var.value[...] = (np.clip(linear, -l1, l1) - linear) / quadratic
        accum[...] = new_accum


@register
class Adafactor(Optimizer):
    """Adafactor: factored second moments for matrices (row and column statistics)."""

    _defaults = {"beta_2_decay": -0.8, "epsilon_1": 1e-30, "epsilon_2": 1e-3,
                 "clip_threshold": 1.0, "relative_step": True}

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_2_decay, self.epsilon_1, self.epsilon_2 = beta_2_decay, epsilon_1, epsilon_2
        self.clip_threshold, self.relative_step = clip_threshold, relative_step

    def _slot_layout(self, var):
        shape = var.value.shape
        if len(shape) < 2:       # Keras keeps (unused) scalars r and c for vectors
            return [("r", ()), ("c", ()), ("velocity", shape)]
        return [("r", shape[:-1]), ("c", shape[:-2] + shape[-1:]), ("velocity", shape)]

    def _update(self, var, g, lr, slots):
        f = np.float32
        step = f(self.iterations + 1)
        lr = f(lr)
        if not callable(self._learning_rate) and self.relative_step:
            lr = min(lr, f(1) / np.sqrt(step))
        rho = min(lr, f(1) / np.sqrt(step))
        alpha = max(f(self.epsilon_2), np.sqrt(np.mean(np.square(var.value)))) * rho
        sq = np.square(g) + f(self.epsilon_1)
        beta_2 = f(1) - np.power(step, f(self.beta_2_decay))
        if var.value.ndim >= 2:
            r, c, v = slots
            r[...] = beta_2 * r + (f(1) - beta_2) * sq.mean(axis=-1)
            c[...] = beta_2 * c + (f(1) - beta_2) * sq.mean(axis=-2)
            v[...] = (r / r.mean(axis=-1, keepdims=True))[..., None] * c[..., None, :]
        else:
            v = slots[2]
            v[...] = beta_2 * v + (f(1) - beta_2) * sq
        u = g / np.sqrt(v)
        u_hat = u / max(f(1), np.sqrt(np.mean(np.square(u))) / f(self.clip_threshold))
        var.value -= (alpha * u_hat).astype(var.value.dtype)


@register
class Muon(Optimizer):
    """Muon: momentum orthogonalised by Newton–Schulz iterations for 2-D weights; AdamW
    for everything else (biases, embeddings, layers matching ``exclude_layers``)."""

    _defaults = {"adam_beta_1": 0.9, "adam_beta_2": 0.999, "epsilon": 1e-7,
                 "exclude_layers": [], "muon_a": 3.4445, "muon_b": -4.775, "muon_c": 2.0315,
                 "adam_lr_ratio": 1, "momentum": 0.95, "ns_steps": 5, "nesterov": True,
                 "exclude_embeddings": True, "adam_weight_decay": 0.004, "rms_rate": 0.2}

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.775, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, **kwargs)
        self.adam_beta_1, self.adam_beta_2, self.epsilon = adam_beta_1, adam_beta_2, epsilon
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio, self.momentum, self.ns_steps = adam_lr_ratio, momentum, ns_steps
        self.nesterov, self.exclude_embeddings = nesterov, exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay, self.rms_rate = adam_weight_decay, rms_rate

    def _use_adamw(self, var):
        path = getattr(var, "path", var.name) or ""
        if var.value.ndim != 2 or (self.exclude_embeddings and "embedding" in path.lower()):
            return True
        return any(re.search(k, path) for k in self.exclude_layers)

    def _slot_layout(self, var):
        shape = var.value.shape
        return [("momentum", shape)] + ([("velocity", shape)] if self._use_adamw(var) else [])

    def _weight_decay_for(self, var):
        if not self._use_weight_decay(var):
            return None
        return self.adam_weight_decay if self._use_adamw(var) else self.weight_decay

    def _update(self, var, g, lr, slots):
        f = np.float32
        if len(slots) == 2:                       # AdamW step
            m, v = slots
            t = f(self.iterations + 1)
            lr = f(lr * self.adam_lr_ratio)
            alpha = lr * np.sqrt(f(1) - np.power(f(self.adam_beta_2), t)) / (
                f(1) - np.power(f(self.adam_beta_1), t))
            m += (g - m) * f(1 - self.adam_beta_1)
            v += (np.square(g) - v) * f(1 - self.adam_beta_2)
            var.value -= (m * alpha) / (np.sqrt(v) + f(self.epsilon))
            return
        m = slots[0]
        m += g + m * f(self.momentum - 1)
        upd = self._newton_schulz(g + f(self.momentum) * m if self.nesterov else m)
        upd = f(lr) * upd
        if self.rms_rate is not None:
            upd = upd * f(math.sqrt(max(upd.shape[0], upd.shape[1]))) * f(self.rms_rate)
        var.value -= upd.astype(var.value.dtype)

    def _newton_schulz(self, x):
        a, b, c = (np.float32(k) for k in (self.muon_a, self.muon_b, self.muon_c))
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = np.swapaxes(x, -1, -2)
        x = x / (np.sqrt(np.sum(np.square(x), axis=(-2, -1), keepdims=True)) + np.float32(1e-7))
        for _ in range(self.ns_steps):
            ta = x @ np.swapaxes(x, -1, -2)
            tb = b * ta + c * ta @ ta
            x = a * x + tb @ x
        return np.swapaxes(x, -1, -2) if tall else x


class LossScaleOptimizer(Optimizer):
    """Keras's mixed-precision wrapper, as a documented pass-through.

    Loss scaling protects float16 gradients from underflow; pipeseq computes in
    float32, so the wrapped optimizer is used as it is: ``LossScaleOptimizer(Adam())``
    trains exactly like ``Adam()``. ``inner_optimizer``, ``initial_scale`` and
    ``dynamic_growth_steps`` are kept for the config.
    """

    def __init__(self, inner_optimizer, initial_scale=32768.0, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        self.__dict__["inner_optimizer"] = get(inner_optimizer)
        self.__dict__["initial_scale"] = initial_scale
        self.__dict__["dynamic_growth_steps"] = dynamic_growth_steps
        self.__dict__["_ls_name"] = name or "loss_scale_optimizer"

    def __getattr__(self, name):
        return getattr(self.__dict__["inner_optimizer"], name)

    def __setattr__(self, name, value):
        if name in ("inner_optimizer", "initial_scale", "dynamic_growth_steps"):
            self.__dict__[name] = value
        else:
            setattr(self.inner_optimizer, name, value)

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def variables(self):
        return self.inner_optimizer.variables

    def apply(self, grads, variables):
        self.inner_optimizer.apply(grads, variables)

    def state_layout(self, trainable):
        return self.inner_optimizer.state_layout(trainable)

    def state_values(self, trainable):
        return self.inner_optimizer.state_values(trainable)

    def set_state_values(self, trainable, iterations, arrays):
        self.inner_optimizer.set_state_values(trainable, iterations, arrays)

    def scale_loss(self, loss):
        return loss

    def get_config(self):
        return {"name": self.__dict__["_ls_name"],
                "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<LossScaleOptimizer {self.inner_optimizer!r}>"


register(LossScaleOptimizer)
