"""Training: compile/fit/evaluate/predict, optimizers, losses, metrics, callbacks."""
