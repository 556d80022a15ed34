"""Training: compile/fit/evaluate/predict, optimizers, losses, metrics, callbacks."""
from . import extra_losses  # noqa: F401,E402  (registers Keras 3's newer losses with losses.get)
