"""The optimizer base: learning rate (number or schedule), clipping, weight decay,
EMA of the weights, gradient accumulation, loss scaling, and the optimizer state in
Keras's variable order (for ``.keras`` / ``.weights.h5`` files).

``opt.apply(grads, variables)`` updates the variables' values in place.
Legacy Keras 2 arguments are accepted: ``lr=`` (for ``learning_rate``) and
``decay=`` (the schedule ``lr / (1 + decay * iterations)``).

Example
-------
>>> import numpy as np
>>> from pipeseq.layers.base import Variable
>>> from pipeseq.training.optimizers import SGD
>>> v = Variable(np.ones(2, "float32"), "w")
>>> opt = SGD(learning_rate=0.5, gradient_accumulation_steps=2)
>>> opt.apply([np.ones(2, "float32")], [v]); v.value     # accumulated, not applied yet
array([1., 1.], dtype=float32)
>>> opt.apply([np.ones(2, "float32")], [v]); v.value
array([0.5, 0.5], dtype=float32)
"""
import math
import re

import numpy as np

from . import schedules as schedules_mod
from .elementwise import ElementwiseUpdates
from ...utils import did_you_mean

DENORMAL_FLUSH_EVERY = 50   # steps between slot flushes (see Optimizer._flush_denormals)
OPTIMIZERS = {}             # lower-case string id -> class (filled by register)
CLASSES = {}                # Keras class name -> class


def register(cls, key=None):
    """Make an optimizer class resolvable by ``get`` (class name and lower-case id)."""
    CLASSES[cls.__name__] = cls
    OPTIMIZERS[key or cls.__name__.lower()] = cls
    return cls


class Optimizer(ElementwiseUpdates):
    """Base class: learning rate (float or schedule), clipping, iterations, slots.

    Keras 3's common arguments all work: ``weight_decay`` (decoupled, ``w -= w * wd * lr``
    before the update; ``exclude_from_weight_decay(var_names=[...])``), ``clipnorm`` /
    ``clipvalue`` / ``global_clipnorm``, ``use_ema`` / ``ema_momentum`` /
    ``ema_overwrite_frequency`` (a moving average of the weights, swapped in by
    ``finalize_variable_values`` or the ``SwapEMAWeights`` callback),
    ``gradient_accumulation_steps`` (update every N calls with the mean gradient) and
    ``loss_scale_factor`` (gradients are divided by it).
    """

    _defaults = {}
    _slot_names = ()
    _global_state = ()        # optimizer-wide float scalars saved after the slots (Nadam)

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, lr=None, decay=0.0, **kwargs):
        if kwargs:
            bad = next(iter(kwargs))
            raise TypeError(f"{type(self).__name__}: unrecognized argument {bad!r}."
                            f"{did_you_mean(bad, self._accepted())} Received: {bad}={kwargs[bad]!r}")
        if lr is not None:
            learning_rate = lr
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                             f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                             f"global_clipnorm={global_clipnorm}")
        if isinstance(learning_rate, dict):
            learning_rate = schedules_mod.deserialize(learning_rate)
        if not callable(learning_rate) and (learning_rate is None or float(learning_rate) < 0):
            raise ValueError(f"{type(self).__name__}: learning_rate must be a non-negative number "
                             f"or a schedule. Received: learning_rate={learning_rate!r}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError("`ema_momentum` must be in the range [0, 1]. "
                             f"Received: ema_momentum={ema_momentum}")
        if use_ema and ema_overwrite_frequency is not None and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
            raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                             f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        if gradient_accumulation_steps is not None and (
                not isinstance(gradient_accumulation_steps, int) or gradient_accumulation_steps < 2):
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps}")
        self._learning_rate = learning_rate if callable(learning_rate) else float(learning_rate)
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.use_ema, self.ema_momentum = bool(use_ema), float(ema_momentum)
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.decay = float(decay or 0.0)
        self.name = name or _snake(type(self).__name__)
        self._iterations = 0      # every apply() call (Keras's saved "iteration" variable)
        self._slots = {}          # id(variable) -> list of arrays (in _slot_layout order)
        self._slot_order = []     # variables in the order their slots were created
        self._ema = {}            # id(variable) -> moving average (use_ema)
        self._accum = {}          # id(variable) -> accumulated gradient
        self._scratch_bufs = {}   # id(variable) -> work arrays for in-place updates
        self._groups = {}         # ids of small variables updated together -> _Together
        self._slots_version = 0   # bumped whenever slot arrays are made or replaced
        self._exclude_ids, self._exclude_pattern = set(), None

    @classmethod
    def _accepted(cls):
        import inspect
        out = set()
        for k in cls.__mro__:
            if "__init__" in k.__dict__:
                out |= set(inspect.signature(k.__init__).parameters) - {"self", "kwargs"}
        return sorted(out)

    @property
    def iterations(self):
        """Number of updates made (with accumulation: calls // gradient_accumulation_steps)."""
        steps = self.gradient_accumulation_steps
        return self._iterations // steps if steps else self._iterations

    @iterations.setter
    def iterations(self, value):
        steps = self.gradient_accumulation_steps
        self._iterations = int(value) * (steps or 1)

    # ---------------------------------------------------------- learning rate
    @property
    def learning_rate(self):
        """Current learning rate (schedules and legacy ``decay`` applied)."""
        lr = self._learning_rate
        if isinstance(lr, schedules_mod.LearningRateSchedule):
            lr = lr(self.iterations)
        elif callable(lr):
            try:
                lr = lr()                      # Keras 3: a callable takes no argument
            except TypeError:
                lr = lr(self.iterations)
        if self.decay:
            lr = lr / (1.0 + self.decay * self.iterations)
        return float(lr)

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(self._learning_rate, schedules_mod.LearningRateSchedule) and not callable(value):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` object as "
                            "its `learning_rate` constructor argument, hence its learning rate is "
                            "not settable. If you need the learning rate to be settable, you "
                            "should instantiate the optimizer with a float `learning_rate` "
                            f"argument. Received: learning_rate={value!r}")
        self._learning_rate = value if callable(value) else float(value)

    lr = learning_rate

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Variables (or name patterns) that ``weight_decay`` leaves alone (call before training)."""
        if self._iterations:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the "
                             "optimizer is built.")
        self._exclude_ids = {id(v) for v in (var_list or ())}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _weight_decay_for(self, var):
        return self.weight_decay if self._use_weight_decay(var) else None

    def _use_weight_decay(self, var):
        if id(var) in self._exclude_ids:
            return False
        name = getattr(var, "name", "") or ""
        return not (self._exclude_pattern is not None and self._exclude_pattern.search(name))

    # ------------------------------------------------------------- updating
    def _slot_layout(self, var):
        """``[(slot name, shape)]`` of one variable's slots, in Keras's order."""
        return [(n, var.value.shape) for n in self._slot_names]

    def _slots_for(self, var):
        slots = self._slots.get(id(var))
        if slots is None:
            slots = [np.zeros(shape, var.value.dtype) for _, shape in self._slot_layout(var)]
            self._init_slots(var, slots)
            self._slots[id(var)] = slots
            self._slots_version += 1
            self._slot_order.append(var)
        return slots

    def _init_slots(self, var, slots):
        pass

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
                if s.dtype.kind == "f" and s.ndim:
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
        pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
        grads = [g if g.dtype == v.value.dtype else g.astype(v.value.dtype) for g, v in pairs]
        variables = [v for _, v in pairs]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        steps = self.gradient_accumulation_steps
        update = True
        if steps:
            accs = [self._accum.setdefault(id(v), np.zeros_like(v.value)) for v in variables]
            update = (self._iterations + 1) % steps == 0
            if update:
                grads = [(g + a) / steps for g, a in zip(grads, accs)]
                for a in accs:
                    a[...] = 0
            else:
                for g, a in zip(grads, accs):
                    a += g
        if update:
            grads = self._clip(grads)
            lr = self.learning_rate
            self._before_step()
            together = []
            for g, v in zip(grads, variables):
                slots = self._slots_for(v)        # built before any change, as Keras's build()
                wd = self._weight_decay_for(v)
                if wd:
                    v.value -= v.value * (lr * wd)
                if self._groupable(v):
                    together.append((g, v))
                elif self._use_blocks(v):
                    self._update_blocks(v, g, lr, slots)
                else:
                    self._update(v, g, lr, slots)
            self._update_together(together, lr)
        if self.use_ema:
            self._update_ema(variables)
        for v in variables:
            if v.constraint is not None:
                v.value = np.asarray(v.constraint(v.value), dtype=v.value.dtype)
        self._iterations += 1
        if self._iterations % DENORMAL_FLUSH_EVERY == 0:
            self._flush_denormals()

    def _update_ema(self, variables):
        momentum = self.ema_momentum if self.iterations != 0 else 0.0
        for v in variables:
            avg = self._ema.setdefault(id(v), np.zeros_like(v.value))
            avg *= momentum
            avg += (1.0 - momentum) * v.value
        freq = self.ema_overwrite_frequency
        if freq and (self.iterations + 1) % freq == 0:
            for v in variables:
                v.value[...] = self._ema[id(v)]

    def finalize_variable_values(self, var_list):
        """Write the EMA values into the variables (Keras does this at the end of ``fit``)."""
        if self.use_ema:
            for v in var_list:
                if id(v) in self._ema:
                    v.value[...] = self._ema[id(v)]

    def swap_ema_weights(self, var_list):
        """Exchange each variable's value with its moving average (for ``SwapEMAWeights``)."""
        for v in var_list:
            avg = self._ema.get(id(v))
            if avg is not None:
                tmp = v.value.copy()
                v.value[...] = avg
                avg[...] = tmp

    apply_gradients_ = apply

    def apply_gradients(self, grads_and_vars):
        """Keras spelling: a list of ``(gradient, variable)`` pairs."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def scale_loss(self, loss):
        """``loss * loss_scale_factor`` (Keras 3; the gradients are divided back in ``apply``)."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    def _before_step(self):
        pass

    def _update(self, var, grad, lr, slots):
        raise NotImplementedError

    # -------------------------------------------------------------- state
    @property
    def has_learning_rate_variable(self):
        """Keras stores the learning rate as a variable unless it is a schedule."""
        return not isinstance(self._learning_rate, schedules_mod.LearningRateSchedule)

    def state_layout(self, trainable):
        """``[(variable, group, shape)]`` after ``iterations`` (and ``learning_rate``), in
        Keras's order: EMA averages, gradient accumulators, then each variable's slots."""
        out = []
        if self.use_ema:
            out += [(v, "average", v.value.shape) for v in trainable]
        if self.gradient_accumulation_steps:
            out += [(v, "gradient_accumulator", v.value.shape) for v in trainable]
        for v in trainable:
            out += [(v, name, shape) for name, shape in self._slot_layout(v)]
        return out + [(None, name, ()) for name in self._global_state]

    def state_values(self, trainable):
        """The optimizer variables in Keras's order, or None before the first step."""
        if not self._iterations:
            return None
        head = [np.asarray(self._iterations, dtype="int64")]
        if self.has_learning_rate_variable:
            head.append(np.asarray(self.learning_rate, dtype="float32"))
        out, pos = [], {}
        for v, group, _ in self.state_layout(trainable):
            if v is None:
                arr = np.asarray(getattr(self, group), dtype="float32")
            elif group == "average":
                arr = self._ema.get(id(v))
            elif group == "gradient_accumulator":
                arr = self._accum.get(id(v))
            else:
                i = pos[id(v)] = pos.get(id(v), -1) + 1
                arr = self._slots.get(id(v), [None] * (i + 1))[i]
            if arr is None:
                return None          # state incomplete: do not write a misleading group
            out.append(arr)
        return head + out

    def set_state_values(self, trainable, iterations, arrays):
        """Restore what ``state_values`` returned (arrays already checked against the layout)."""
        self._iterations = int(iterations)
        self._slots, self._slot_order, self._ema, self._accum = {}, [], {}, {}
        self._slots_version += 1
        for (v, group, _), arr in zip(self.state_layout(trainable), arrays):
            if v is None:
                setattr(self, group, float(arr))
                continue
            arr = np.array(arr, dtype=v.value.dtype)
            if group == "average":
                self._ema[id(v)] = arr
            elif group == "gradient_accumulator":
                self._accum[id(v)] = arr
            else:
                if id(v) not in self._slots:
                    self._slots[id(v)] = []
                    self._slot_order.append(v)
                self._slots[id(v)].append(arr)

    def inner_state_values(self, trainable):
        """``[(name, values)]`` of wrapped optimizers saved on their own (MultiOptimizer)."""
        return []

    @property
    def variables(self):
        """Keras 3 order: iteration, learning_rate, EMA, accumulators, each variable's slots."""
        out = [np.asarray(self._iterations, dtype="int64")]
        if self.has_learning_rate_variable:
            out.append(np.asarray(self.learning_rate, dtype="float32"))
        out += [self._ema[id(v)] for v in self._slot_order if id(v) in self._ema]
        out += [self._accum[id(v)] for v in self._slot_order if id(v) in self._accum]
        for v in self._slot_order:
            out.extend(self._slots[id(v)])
        return out + [np.asarray(getattr(self, n), dtype="float32") for n in self._global_state]

    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, schedules_mod.LearningRateSchedule):
            lr = schedules_mod.serialize(lr)
        elif callable(lr):
            lr = self.learning_rate
        cfg = {"name": self.name, "learning_rate": lr,
               "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
               "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
               "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
               "ema_overwrite_frequency": self.ema_overwrite_frequency,
               "loss_scale_factor": self.loss_scale_factor,
               "gradient_accumulation_steps": self.gradient_accumulation_steps}
        cfg.update({k: getattr(self, k) for k in self._defaults})
        return cfg

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("is_legacy_optimizer", "jit_compile"):
            config.pop(k, None)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self.learning_rate:g}>"


def _snake(name):
    return re.sub("([a-z])([A-Z])", r"\1_\2", re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)).lower()


def get(identifier):
    """Resolve an optimizer from a string id (Keras defaults), a config dict, or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, dict):
        name = str(identifier.get("class_name"))
        cls = CLASSES.get(name) or OPTIMIZERS.get(name.lower())
        if cls is None:
            raise ValueError(f"Unknown optimizer class {identifier.get('class_name')!r} in config. "
                             f"Known: {', '.join(sorted(CLASSES))}")
        return cls.from_config(identifier.get("config", {}))
    key = str(identifier).lower()
    if key in OPTIMIZERS:
        return OPTIMIZERS[key]()
    raise ValueError(f"Unknown optimizer: {identifier!r}.{did_you_mean(key, list(OPTIMIZERS))} "
                     f"Expected one of: {', '.join(OPTIMIZERS)}, or an optimizer instance.")


def serialize(opt):
    return {"module": "keras.optimizers", "class_name": type(opt).__name__,
            "config": opt.get_config(), "registered_name": None}
