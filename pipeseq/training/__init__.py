"""Training: compile/fit/evaluate/predict, optimizers, losses, metrics, callbacks."""
from . import custom_losses  # noqa: F401  (registers the class wrapping your own loss functions)
from . import extra_losses  # noqa: F401,E402  (registers Keras 3's newer losses with losses.get)
