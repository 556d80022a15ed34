"""``keras.optimizers.schedules``: learning-rate schedules for any optimizer's ``learning_rate``.

Example
-------
>>> from compat.optimizers.schedules import CosineDecay
>>> from compat.optimizers import Adam
>>> opt = Adam(learning_rate=CosineDecay(1e-3, decay_steps=1000, warmup_target=1e-2, warmup_steps=100))
>>> round(opt.learning_rate, 6)
0.001
"""
from pipeseq.training.optimizers.schedules import (CosineDecay, CosineDecayRestarts,  # noqa: F401
                                                   ExponentialDecay, InverseTimeDecay,
                                                   LearningRateSchedule, PiecewiseConstantDecay,
                                                   PolynomialDecay, deserialize, serialize)

__all__ = ["CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay",
           "LearningRateSchedule", "PiecewiseConstantDecay", "PolynomialDecay", "deserialize",
           "serialize"]
