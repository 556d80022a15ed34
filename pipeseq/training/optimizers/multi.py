"""Different optimizers for different variables: ``OptimizerMap`` and ``MultiOptimizer``.

``OptimizerMap(default_optimizer, {pattern: optimizer})`` picks an optimizer for a
variable by its ``path`` (an exact key first, else the one pattern that
``re.fullmatch``-es, else the default); ``MultiOptimizer(optimizer_map)`` (or any
callable ``variable -> optimizer``) sends each gradient to its variable's optimizer.
State is saved as Keras 3 saves it: the wrapper's iteration and (unused) learning rate,
then each inner optimizer's own variables.

Paths are Keras 3's (``"sequential/dense/kernel"`` for a Dense layer inside a Sequential
model), so patterns written for Keras select the same variables.

Example
-------
>>> import numpy as np
>>> from pipeseq.training.optimizers import SGD, Adam, MultiOptimizer, OptimizerMap
>>> from pipeseq.variables import Variable
>>> a, b = Variable(np.ones(2, "float32"), "w", path="enc/w"), Variable(np.ones(2, "float32"), "w", path="dec/w")
>>> opt = MultiOptimizer(OptimizerMap(SGD(0.5), {"enc/.*": SGD(0.1)}))
>>> opt.apply([np.ones(2, "float32")] * 2, [a, b]); a.value, b.value
(array([0.9, 0.9], dtype=float32), array([0.5, 0.5], dtype=float32))
"""
import re
from collections.abc import MutableMapping

import numpy as np

from .base import Optimizer, get, register, serialize
from .modern import LossScaleOptimizer


def _check_inner(optimizer, where):
    if not isinstance(optimizer, Optimizer) or isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(f"{where} must be a pipeseq Optimizer instance (not a "
                         f"LossScaleOptimizer). Received: {optimizer!r}")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{where}: a MultiOptimizer cannot be used inside a MultiOptimizer.")


class OptimizerMap(MutableMapping):
    """Variable path (or regular expression over paths) -> optimizer, with a default."""

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError("default_optimizer must be an Optimizer instance. "
                            f"Received: {default_optimizer!r}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"optimizer_map must be a dictionary. Received: {optimizer_map!r}")
        self.default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, opt in (optimizer_map or {}).items():
            self[key] = opt

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        hits = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(hits) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key}: patterns {hits}.")
        return self._optimizer_map[hits[0]] if hits else self.default_optimizer

    def __setitem__(self, key, optimizer):
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key!r}")
        if key in self._optimizer_map:
            raise ValueError(f"'{key}' already exists in the OptimizerMap with value "
                             f"{self._optimizer_map[key]!r}. Please make sure to not use "
                             "duplicated keys.")
        _check_inner(optimizer, f"OptimizerMap[{key!r}]")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self):
        return {"default_optimizer": serialize(self.default_optimizer),
                "optimizer_map": {k: serialize(o) for k, o in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config):
        return cls(get(config["default_optimizer"]),
                   {k: get(v) for k, v in (config.get("optimizer_map") or {}).items()})


def _serialize_map(optimizer_map):
    if isinstance(optimizer_map, OptimizerMap):
        return {"module": "keras.optimizers", "class_name": "OptimizerMap",
                "config": optimizer_map.get_config(), "registered_name": None}
    raise TypeError("Only a MultiOptimizer built from an OptimizerMap can be serialized; a "
                    f"selector function is code. Received: optimizer_map={optimizer_map!r}")


class MultiOptimizer(Optimizer):
    """Delegates each variable to the optimizer ``optimizer_map(variable)`` chooses.

    ``optimizer_map``: an :class:`OptimizerMap` or a callable ``variable -> optimizer``.
    The inner optimizers keep their own learning rates (``.optimizers``); the wrapper
    has none (reading or setting ``learning_rate`` raises, as in Keras).
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        super().__init__(learning_rate=0.0, loss_scale_factor=None, name=name)
        if not callable(optimizer_map):
            raise TypeError("optimizer_map must be an OptimizerMap or a callable returning an "
                            f"optimizer for a variable. Received: {optimizer_map!r}")
        self._optimizer_map = optimizer_map
        self._inner, self._owner = [], {}
        for opt in list(getattr(optimizer_map, "values", lambda: [])()) + [
                getattr(optimizer_map, "default_optimizer", None)]:
            if opt is not None and opt not in self._inner:
                self._inner.append(opt)
        self.loss_scale_factor = loss_scale_factor

    @property
    def optimizers(self):
        return list(self._inner)

    @property
    def loss_scale_factor(self):
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self.__dict__["_loss_scale_factor"] = value
        for opt in self.__dict__.get("_inner", ()):
            opt.loss_scale_factor = value

    @property
    def learning_rate(self):
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer. Access the "
                             "learning rate on the individual sub-optimizers (.optimizers) instead.")

    @learning_rate.setter
    def learning_rate(self, value):
        if hasattr(self, "_owner"):
            raise AttributeError("Learning rate cannot be set on a MultiOptimizer. Set the learning "
                                 "rate on the individual sub-optimizers (.optimizers) instead.")
        self._learning_rate = float(value)

    def _optimizer_for(self, var):
        idx = self._owner.get(id(var))
        if idx is None:
            opt = self._optimizer_map(var)
            _check_inner(opt, f"The optimizer chosen for variable '{var.path}'")
            if opt not in self._inner:
                opt.loss_scale_factor = self.loss_scale_factor
                self._inner.append(opt)
            idx = self._owner[id(var)] = self._inner.index(opt)
        return idx

    def _split(self, variables, *lists):
        """Group ``variables`` (and matching ``lists``) by inner optimizer, order kept."""
        groups = [[[] for _ in range(1 + len(lists))] for _ in self._inner]
        for i, v in enumerate(variables):
            idx = self._optimizer_for(v)
            if idx >= len(groups):
                groups += [[[] for _ in range(1 + len(lists))] for _ in range(idx + 1 - len(groups))]
            groups[idx][0].append(v)
            for k, lst in enumerate(lists):
                groups[idx][k + 1].append(lst[i])
        return groups

    def apply(self, grads, variables):
        pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
        groups = self._split([v for _, v in pairs], [g for g, _ in pairs])
        for opt, (vs, gs) in zip(self._inner, groups):
            if vs:
                opt.apply(gs, vs)
        self._iterations += 1

    def finalize_variable_values(self, var_list):
        for opt, (vs,) in zip(self._inner, self._split(var_list)):
            if vs:
                opt.finalize_variable_values(vs)

    # -------------------------------------------------------------- state
    @property
    def has_learning_rate_variable(self):
        return True

    def _inner_head(self, opt):
        head = [(None, "iteration", ())]
        return head + ([(None, "learning_rate", ())] if opt.has_learning_rate_variable else [])

    def state_layout(self, trainable):
        out = []
        for opt, (vs,) in zip(self._inner, self._split(trainable)):
            out += self._inner_head(opt) + opt.state_layout(vs)
        return out

    def state_values(self, trainable):
        if not self._iterations:
            return None
        out = [np.asarray(self._iterations, dtype="int64"), np.asarray(0.0, dtype="float32")]
        for opt, (vs,) in zip(self._inner, self._split(trainable)):
            head = [np.asarray(opt._iterations, dtype="int64")]
            if opt.has_learning_rate_variable:
                head.append(np.asarray(opt.learning_rate, dtype="float32"))
            rest = opt.state_values(vs) if opt.state_layout(vs) else head
            if rest is None:
                return None
            out += head + rest[len(head):]
        return out

    def inner_state_values(self, trainable):
        values = self.state_values(trainable)
        if values is None:
            return []
        out, pos = [], 2
        for opt, (vs,) in zip(self._inner, self._split(trainable)):
            n = len(self._inner_head(opt)) + len(opt.state_layout(vs))
            out.append((opt.name, values[pos:pos + n]))
            pos += n
        return out

    def set_state_values(self, trainable, iterations, arrays):
        self._iterations = int(iterations)
        pos = 0
        for opt, (vs,) in zip(self._inner, self._split(trainable)):
            n_head = len(self._inner_head(opt))
            n = n_head + len(opt.state_layout(vs))
            part = arrays[pos:pos + n]
            opt.set_state_values(vs, int(part[0]), part[n_head:])
            pos += n

    @property
    def variables(self):
        out = [np.asarray(self._iterations, dtype="int64"), np.asarray(0.0, dtype="float32")]
        for opt in self._inner:
            out += opt.variables
        return out

    def get_config(self):
        return {"optimizer_map": _serialize_map(self._optimizer_map),
                "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        omap = config.pop("optimizer_map")
        if isinstance(omap, dict):
            if omap.get("class_name") != "OptimizerMap":
                raise ValueError("MultiOptimizer config: optimizer_map must be an OptimizerMap "
                                 f"config. Received: class_name={omap.get('class_name')!r}")
            omap = OptimizerMap.from_config(omap["config"])
        return cls(omap, **config)

    def __repr__(self):
        return f"<MultiOptimizer {self._inner!r}>"


register(MultiOptimizer)
