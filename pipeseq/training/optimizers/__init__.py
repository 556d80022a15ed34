"""Optimizers (``keras.optimizers``) and learning-rate schedules (``.schedules``).

* :mod:`.base` — the ``Optimizer`` base (clipping, weight decay, EMA, gradient
  accumulation, Keras-ordered state), ``get`` and ``serialize``;
* :mod:`.classic` — SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam;
* :mod:`.modern` — AdamW, ScheduleFreeAdamW, Lion, Lamb, Ftrl, Adafactor, Muon,
  LossScaleOptimizer;
* :mod:`.multi` — MultiOptimizer and OptimizerMap (an optimizer per group of variables);
* :mod:`.schedules` — ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
  InverseTimeDecay, CosineDecay (with warmup), CosineDecayRestarts.

Example
-------
>>> from pipeseq.training.optimizers import get, schedules
>>> opt = get({"class_name": "AdamW", "config": {"learning_rate": schedules.serialize(
...     schedules.CosineDecay(1e-3, decay_steps=100))}})
>>> type(opt).__name__, type(opt._learning_rate).__name__
('AdamW', 'CosineDecay')
"""
from . import schedules  # noqa: F401
from .base import (CLASSES, DENORMAL_FLUSH_EVERY, OPTIMIZERS, Optimizer, get,  # noqa: F401
                   register, serialize)
from .classic import SGD, Adadelta, Adagrad, Adam, Adamax, Nadam, RMSprop  # noqa: F401
from .modern import (AdamW, Adafactor, Ftrl, Lamb, Lion, LossScaleOptimizer, Muon,  # noqa: F401
                     ScheduleFreeAdamW)
from .multi import MultiOptimizer, OptimizerMap  # noqa: F401
from .schedules import LearningRateSchedule  # noqa: F401
