"""Optimizers with Keras 3's update rules.

``opt.apply(grads, variables)`` updates the variables' values in place.
Legacy Keras 2 arguments are accepted: ``lr=`` (for ``learning_rate``) and
``decay=`` (the schedule ``lr / (1 + decay * iterations)``).

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


DENORMAL_FLUSH_EVERY = 50   # steps between slot flushes (see Optimizer._flush_denormals)


class Optimizer:
    """Base class: learning rate (float or schedule), clipping, iterations, slots."""

    _defaults = {}
    _slot_names = ()

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, lr=None, decay=0.0, **kwargs):
        if kwargs:
            from ..utils import did_you_mean
            bad = next(iter(kwargs))
            raise TypeError(f"{type(self).__name__}: unrecognized argument {bad!r}."
                            f"{did_you_mean(bad, self._accepted())} Received: {bad}={kwargs[bad]!r}")
        if lr is not None:
            learning_rate = lr
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                             f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                             f"global_clipnorm={global_clipnorm}")
        if not callable(learning_rate) and (learning_rate is None or float(learning_rate) < 0):
            raise ValueError(f"{type(self).__name__}: learning_rate must be a non-negative number "
                             f"or a schedule. Received: learning_rate={learning_rate!r}")
        self._learning_rate = learning_rate if callable(learning_rate) else float(learning_rate)
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.decay = float(decay or 0.0)
        self.name = name or _snake(type(self).__name__)
        self.iterations = 0
        self._slots = {}          # id(variable) -> list of arrays (in _slot_names order)
        self._slot_order = []     # variables in the order their slots were created
        self._scratch_bufs = {}   # id(variable) -> work arrays for in-place updates

    @classmethod
    def _accepted(cls):
        import inspect
        out = set()
        for k in cls.__mro__:
            if "__init__" in k.__dict__:
                out |= set(inspect.signature(k.__init__).parameters) - {"self", "kwargs"}
        return sorted(out)

    # ---------------------------------------------------------- learning rate
    @property
    def learning_rate(self):
        """Current learning rate (schedules and legacy ``decay`` applied)."""
        lr = self._learning_rate(self.iterations) if callable(self._learning_rate) else self._learning_rate
        if self.decay:
            lr = lr / (1.0 + self.decay * self.iterations)
        return float(lr)

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = value if callable(value) else float(value)

    lr = learning_rate

    # ------------------------------------------------------------- updating
    def _slots_for(self, var):
        slots = self._slots.get(id(var))
        if slots is None:
            slots = [np.zeros_like(var.value) for _ in self._slot_names]
            self._init_slots(var, slots)
            self._slots[id(var)] = slots
            self._slot_order.append(var)
        return slots

    def _init_slots(self, var, slots):
        pass

    def _scratch(self, var, n):
        """``n`` work arrays shaped like ``var`` (reused across steps; not optimizer state)."""
        bufs = self._scratch_bufs.get(id(var))
        if bufs is None or bufs[0].shape != var.value.shape or bufs[0].dtype != var.value.dtype:
            bufs = self._scratch_bufs[id(var)] = [np.empty_like(var.value) for _ in range(n)]
        return bufs

    def _flush_denormals(self):
        """Set slot values below 1e-30 in magnitude to zero.

        Running averages of gradients that stay zero (dead ReLU units) decay
        geometrically into float32 denormals, on which arithmetic runs several
        times slower. TensorFlow flushes them to zero in hardware; NumPy cannot,
        so every ``DENORMAL_FLUSH_EVERY`` steps the slots are cleaned. Values this
        small change no update: they sit next to ``epsilon`` (1e-7) or multiply it.
        """
        for slots in self._slots.values():
            for s in slots:
                if s.dtype.kind == "f":
                    s[np.abs(s) < 1e-30] = 0.0

    def _clip(self, grads):
        if self.clipvalue is not None:
            grads = [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            out = []
            for g in grads:
                n = math.sqrt(float(np.vdot(g, g)))
                out.append(g * (self.clipnorm / n) if n > self.clipnorm else g)
            grads = out
        if self.global_clipnorm is not None:
            n = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
            if n > self.global_clipnorm:
                grads = [g * (self.global_clipnorm / n) for g in grads]
        return grads

    def apply(self, grads, variables):
        """One optimisation step: update each variable with its gradient."""
        grads = self._clip(list(grads))
        lr = self.learning_rate
        self._before_step()
        for g, v in zip(grads, variables):
            if g is None:
                continue
            if g.dtype != v.value.dtype:
                g = g.astype(v.value.dtype)
            if self.weight_decay:
                v.value -= v.value * (lr * self.weight_decay)
            self._update(v, g, lr, self._slots_for(v))
            if v.constraint is not None:
                v.value = np.asarray(v.constraint(v.value), dtype=v.value.dtype)
        self.iterations += 1
        if self.iterations % DENORMAL_FLUSH_EVERY == 0:
            self._flush_denormals()

    apply_gradients_ = apply

    def apply_gradients(self, grads_and_vars):
        """Keras spelling: a list of ``(gradient, variable)`` pairs."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def _before_step(self):
        pass

    def _update(self, var, grad, lr, slots):
        raise NotImplementedError

    # -------------------------------------------------------------- state
    @property
    def variables(self):
        """Keras 3 order: iteration, learning_rate, then each variable's slots."""
        out = [np.asarray(self.iterations, dtype="int64"), np.asarray(self.learning_rate, dtype="float32")]
        for v in self._slot_order:
            out.extend(self._slots[id(v)])
        return out

    def get_config(self):
        cfg = {"name": self.name,
               "learning_rate": self._learning_rate if not callable(self._learning_rate) else self.learning_rate,
               "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
               "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
               "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
               "loss_scale_factor": None, "gradient_accumulation_steps": None}
        cfg.update({k: getattr(self, k) for k in self._defaults})
        return cfg

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                  "gradient_accumulation_steps", "is_legacy_optimizer", "jit_compile"):
            config.pop(k, None)
        if isinstance(config.get("learning_rate"), dict):
            raise ValueError("Learning-rate schedules in saved optimizer configs are not "
                             f"supported. Received: {config['learning_rate']}")
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self.learning_rate:g}>"


def _snake(name):
    import re
    return re.sub("([a-z])([A-Z])", r"\1_\2", re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)).lower()


class SGD(Optimizer):
    """``SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``."""

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

    _defaults = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = float(beta_1), float(beta_2), float(epsilon), bool(amsgrad)
        self._slot_names = ("momentum", "velocity") + (("velocity_hat",) if self.amsgrad else ())

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

    _defaults = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    _slot_names = ("momentum", "velocity")

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


OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adagrad": Adagrad,
              "adadelta": Adadelta, "adamax": Adamax, "nadam": Nadam}
CLASSES = {c.__name__: c for c in OPTIMIZERS.values()}


def get(identifier):
    """Resolve an optimizer from a string id (Keras defaults), a config dict, or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, dict):
        cls = CLASSES.get(identifier.get("class_name")) or OPTIMIZERS.get(str(identifier.get("class_name")).lower())
        if cls is None:
            raise ValueError(f"Unknown optimizer class {identifier.get('class_name')!r} in config.")
        return cls.from_config(identifier.get("config", {}))
    key = str(identifier).lower()
    if key in OPTIMIZERS:
        return OPTIMIZERS[key]()
    from ..utils import did_you_mean
    raise ValueError(f"Unknown optimizer: {identifier!r}.{did_you_mean(key, list(OPTIMIZERS))} "
                     f"Expected one of: {', '.join(OPTIMIZERS)}, or an optimizer instance.")


def serialize(opt):
    return {"module": "keras.optimizers", "class_name": type(opt).__name__,
            "config": opt.get_config(), "registered_name": None}
