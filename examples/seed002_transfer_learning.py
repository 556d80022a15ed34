"""Seed 002: transfer learning with a Sequential model (R keras3 vignette, pipe DSL).

Blueprint 1: freeze every layer but the last (``freeze_weights(from_=1, to=-2)``),
train, and only the last layer changes.
Blueprint 2: stack a frozen pre-trained base model and a fresh classifier in a
Sequential (``keras_model_sequential() | base_model | layer_dense(...)``). The
vignette's base is ``application_xception(weights='imagenet')``; no pretrained
weights are downloaded here, so a small convolutional base with saved-and-reloaded
weights stands in for it (same pattern: base model -> global pooling output).
"""
import os
import tempfile

import numpy as np

from pipeseq import (compile, fit, freeze_weights, keras_model_sequential, layer_conv_2d,
                     layer_dense, layer_global_average_pooling_2d, load_model_weights,
                     save_model_weights)

small = bool(os.environ.get("PIPESEQ_EXAMPLE_SMALL"))
n = 64 if small else 512
rng = np.random.default_rng(0)
workdir = tempfile.mkdtemp()

# --- blueprint 1: freeze all layers except the last one
model = keras_model_sequential(input_shape=784) | \
    layer_dense(units=32, activation="relu") | \
    layer_dense(units=32, activation="relu") | \
    layer_dense(units=32, activation="relu") | \
    layer_dense(units=10)
# Presumably you would want to first load pre-trained weights.
weights_path = os.path.join(workdir, "pretrained.weights.h5")
save_model_weights(model, weights_path)
model | load_model_weights(weights_path)
# Freeze all layers except the last one.
model | freeze_weights(from_=1, to=-2)
print(model)          # note the "Trainable" column now visible in the summary table

before = model.get_weights()
model | compile(optimizer="rmsprop", loss="mse")
x, y = rng.random((n, 784)), rng.random((n, 10))
model | fit(x, y, epochs=2, verbose=0)
after = model.get_weights()
assert all(np.array_equal(a, b) for a, b in zip(before[:6], after[:6]))    # frozen layers
assert not np.array_equal(before[6], after[6])                             # the last one trains

# --- blueprint 2: a frozen base model + a fresh classifier on top
base_model = keras_model_sequential(input_shape=(32, 32, 3), name="base_model") | \
    layer_conv_2d(filters=8, kernel_size=3, activation="relu") | \
    layer_conv_2d(filters=16, kernel_size=3, strides=2, activation="relu") | \
    layer_global_average_pooling_2d()            # pooling = 'avg'
base_path = os.path.join(workdir, "base.weights.h5")
save_model_weights(base_model, base_path)        # stands in for weights = 'imagenet'
base_model | load_model_weights(base_path)

# Freeze the base model
freeze_weights(base_model)

# Use a Sequential model to add a trainable classifier on top
model = keras_model_sequential() | \
    base_model | \
    layer_dense(units=1000)
print(model)

# Compile & train
base_before = base_model.get_weights()
model | compile(optimizer="adam", loss="categorical_crossentropy")
images = rng.random((n, 32, 32, 3)).astype("float32")
labels = np.eye(1000, dtype="float32")[rng.integers(0, 1000, n)]
history = model | fit(images, labels, epochs=2, batch_size=16, verbose=0)
assert all(np.array_equal(a, b) for a, b in zip(base_before, base_model.get_weights()))
print("loss:", [round(v, 4) for v in history.history["loss"]], "- base weights unchanged")
