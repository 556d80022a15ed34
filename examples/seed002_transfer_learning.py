"""Seed 002: transfer learning with a Sequential model (R keras3 vignette, pipe DSL).

Blueprint 1: freeze every layer but the last (``freeze_weights(from_=1, to=-2)``),
train, and only the last layer changes.
Blueprint 2: stack a frozen pre-trained base model and a fresh classifier in a
Sequential (``keras_model_sequential() | base_model | layer_dense(...)``), with the
vignette's base, ``application_xception(weights='imagenet', include_top=FALSE,
pooling='avg')``, on small 71x71 images. The ImageNet weights are Keras's own file,
``xception_weights_tf_dim_ordering_tf_kernels_notop.h5`` in ``~/.keras/models``: it is
used when it is there (put there by Keras or by pipeseq); otherwise the example runs
with ``weights=None`` rather than downloading 80 MB.
"""
import os
import tempfile

import numpy as np

from pipeseq import (application_preprocess_inputs, application_xception, compile, fit,
                     freeze_weights, keras_model_sequential, layer_dense, load_model_weights,
                     save_model_weights)
from pipeseq.datasets.cache import cache_folder

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

# --- blueprint 2: a frozen Xception base + a fresh classifier on top
cached = os.path.join(cache_folder("models", create=False),
                      "xception_weights_tf_dim_ordering_tf_kernels_notop.h5")
weights = "imagenet" if os.path.exists(cached) else None
print("Xception weights:", weights or "None (no cached ImageNet file)")
base_model = application_xception(weights=weights, include_top=False, pooling="avg",
                                  input_shape=(71, 71, 3))

# Freeze the base model
freeze_weights(base_model)

# Use a Sequential model to add a trainable classifier on top
model = keras_model_sequential() | \
    base_model | \
    layer_dense(units=1000)
print(model)          # Xception's 20,861,480 parameters are "non-trainable" now

# Compile & train
n_images = 8 if small else 32
images = rng.uniform(0, 255, (n_images, 71, 71, 3)).astype("float32")
images = application_preprocess_inputs(base_model, images)       # scaled to [-1, 1]
labels = np.eye(1000, dtype="float32")[rng.integers(0, 1000, n_images)]
base_before = base_model.get_weights()     # BatchNormalization moving statistics included
model | compile(optimizer="adam", loss="categorical_crossentropy")
history = model | fit(images, labels, epochs=2, batch_size=8, verbose=0)
assert all(np.array_equal(a, b) for a, b in zip(base_before, base_model.get_weights()))
print("loss:", [round(v, 4) for v in history.history["loss"]], "- base weights unchanged")
