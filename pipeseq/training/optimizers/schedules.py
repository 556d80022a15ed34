"""Learning-rate schedules (``keras.optimizers.schedules``), computed in float32 as Keras
computes them, so the rate at any step equals Keras's.

Pass one wherever a ``learning_rate`` goes: ``Adam(learning_rate=ExponentialDecay(...))``.
A schedule is called with the optimizer's step count (``optimizer.iterations``).
Subclass :class:`LearningRateSchedule` and define ``__call__(self, step)`` (and
``get_config``) for your own.

Example
-------
>>> from pipeseq.training.optimizers.schedules import ExponentialDecay
>>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> float(s(10)), float(s(20))
(0.05000000074505806, 0.02500000037252903)
"""
import math

import numpy as np

_F = np.float32
_TINY = np.finfo(np.float32).tiny


def _cos(x):
    """float32 cosine, correctly rounded (as TensorFlow's kernel gives it)."""
    return _F(np.cos(np.float64(x)))


def _out(x):
    """A float32 result with denormals flushed to zero, as TensorFlow's CPU kernels do."""
    x = _F(x)
    return _F(0) if abs(x) < _TINY else x


class LearningRateSchedule:
    """Base class: ``__call__(step) -> learning rate``; ``get_config``/``from_config``."""

    def __call__(self, step):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override "
                                  "`__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override "
                                  "`get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} {self.get_config()}>"


def _check_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored if ``staircase``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = _F(step) / _F(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return _out(_F(self.initial_learning_rate) * np.power(_F(self.decay_rate), p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values. "
                             f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                             f"values={values} of length {len(values)}.")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        b = self.boundaries
        if step <= b[0]:
            return _F(self.values[0])
        for low, high, v in zip(b[:-1], b[1:], self.values[1:-1]):
            if low < step <= high:
                return _F(v)
        return _F(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps`` along
    ``(1 - step / decay_steps) ** power``; ``cycle=True`` restarts with longer periods."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = end_learning_rate, power, cycle, name

    def __call__(self, step):
        init, end = _F(self.initial_learning_rate), _F(self.end_learning_rate)
        s, ds = _F(step), _F(self.decay_steps)
        if self.cycle:
            mult = _F(1.0) if s == 0 else np.ceil(s / _F(self.decay_steps))
            ds = ds * mult
        else:
            s = np.minimum(s, ds)
        p = s / ds
        return _F((init - end) * np.power(_F(1) - p, _F(self.power)) + end)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = _F(step) / _F(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return _F(_F(self.initial_learning_rate) / (_F(1) + _F(self.decay_rate) * p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay to ``alpha * initial`` over ``decay_steps``, optionally after a linear
    warmup of ``warmup_steps`` from ``initial_learning_rate`` to ``warmup_target``."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps, self.alpha = initial_learning_rate, decay_steps, alpha
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def _decay(self, step, decay_steps, decay_from):
        frac = step / decay_steps
        cos = _F(0.5) * (_F(1.0) + _cos(_F(math.pi) * frac))
        return _F(decay_from * ((_F(1) - _F(self.alpha)) * cos + _F(self.alpha)))

    def __call__(self, step):
        init, ds, s = _F(self.initial_learning_rate), _F(self.decay_steps), _F(step)
        if self.warmup_target is None:
            return self._decay(np.minimum(s, ds), ds, init)
        target, ws = _F(self.warmup_target), _F(self.warmup_steps)
        s = np.minimum(s, ds + ws)
        if s < ws:
            return _F((target - init) * (s / ws) + init)
        return self._decay(s - ws, ds, target)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by ``t_mul``, peaks by ``m_mul``."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        _check_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, first_decay_steps
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step):
        t_mul, m_mul, alpha = _F(self._t_mul), _F(self._m_mul), _F(self.alpha)
        frac = _F(step) / _F(self.first_decay_steps)
        if t_mul == 1.0:
            i_restart = np.floor(frac)
            frac = frac - i_restart
        else:
            i_restart = np.floor(np.log(_F(1.0) - frac * (_F(1.0) - t_mul)) / np.log(t_mul))
            sum_r = (_F(1.0) - np.power(t_mul, i_restart)) / (_F(1.0) - t_mul)
            frac = (frac - sum_r) / np.power(t_mul, i_restart)
        m_fac = np.power(m_mul, i_restart)
        cos = _F(0.5) * m_fac * (_F(1.0) + _cos(_F(math.pi) * frac))
        return _F(_F(self.initial_learning_rate) * ((_F(1) - alpha) * cos + alpha))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


SCHEDULES = {c.__name__: c for c in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
                                     InverseTimeDecay, CosineDecay, CosineDecayRestarts)}
_CUSTOM = {}


def register_schedule(cls):
    """Make a ``LearningRateSchedule`` subclass of your own loadable from configs."""
    _CUSTOM[cls.__name__] = cls
    return cls


def serialize(schedule):
    """Keras's ``{"module", "class_name", "config", "registered_name"}`` form."""
    builtin = type(schedule).__name__ in SCHEDULES
    return {"module": "keras.optimizers.schedules" if builtin else None,
            "class_name": type(schedule).__name__, "config": schedule.get_config(),
            "registered_name": None if builtin else type(schedule).__name__}


def deserialize(config, custom_objects=None):
    """A schedule from its config dict (built-ins, registered or ``custom_objects`` classes)."""
    name = str(config.get("class_name", "")).split(">")[-1]
    cls = (custom_objects or {}).get(name) or SCHEDULES.get(name) or _CUSTOM.get(name)
    if cls is None:
        raise ValueError(f"Unknown learning-rate schedule {config.get('class_name')!r}. Known: "
                         f"{', '.join(sorted(SCHEDULES))}; register your own with "
                         "register_schedule or pass custom_objects.")
    return cls.from_config(dict(config.get("config") or {}))
