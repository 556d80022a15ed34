"""Seed 004 (tf.keras course notes): the notebook flow, from data to history.

make_blobs-like data (3 features, 2 classes), the 3-4-4-1 model, ``summary()``
(params 16 / 20 / 5), ``fit(..., verbose=1)`` with the Keras progress bar,
``evaluate`` returning ``[loss, acc]``, and ``history.history["loss"]`` /
``["accuracy"]`` lists, plotted with matplotlib.

Only the imports differ from the notebook: ``tensorflow.keras.`` became
``compat.``; scikit-learn's ``make_blobs`` is replaced by the small generator
below (same arguments), seaborn styling is dropped, and plots go to the
non-interactive Agg backend. The notebook's version check compared strings
(false for Python 3.10+); it compares numbers here.
"""
import platform

print(f"Python version: {platform.python_version()}")
# (the notebook compares version strings, which fails for "3.10"+; compare numbers)
assert tuple(int(v) for v in platform.python_version_tuple()[:2]) >= (3, 6)

import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import compat
from compat.models import Sequential
from compat.layers import (
    Dense,
    Flatten,
    Reshape,
    Dropout,
    BatchNormalization,
)

print(f"Keras API version (compat): {compat.__version__}")


def make_blobs(n_samples=100, n_features=2, centers=3, cluster_std=1.0,
               center_box=(-10.0, 10.0), random_state=None):
    """Isotropic Gaussian blobs, as ``sklearn.datasets.make_blobs`` (integer ``centers``).

    Returns ``x`` of shape ``(n_samples, n_features)`` and integer labels ``y``
    of shape ``(n_samples,)``; samples are split evenly between the centres and
    shuffled.
    """
    rng = np.random.RandomState(random_state)
    centres = rng.uniform(center_box[0], center_box[1], size=(centers, n_features))
    counts = [n_samples // centers + (1 if i < n_samples % centers else 0) for i in range(centers)]
    y = np.repeat(np.arange(centers), counts)
    x = centres[y] + rng.normal(scale=cluster_std, size=(n_samples, n_features))
    order = rng.permutation(n_samples)
    return x[order], y[order]


def plot_loss_acc(history):
    """Plot training and (optionally) validation loss and accuracy
    Takes a Keras History object as parameter"""

    loss = history.history["loss"]
    epochs = range(1, len(loss) + 1)

    plt.figure(figsize=(10, 10))

    plt.subplot(2, 1, 1)
    plt.plot(epochs, loss, ".--", label="Training loss")
    final_loss = loss[-1]
    title = "Training loss: {:.4f}".format(final_loss)
    plt.ylabel("Loss")
    if "val_loss" in history.history:
        val_loss = history.history["val_loss"]
        plt.plot(epochs, val_loss, "o-", label="Validation loss")
        final_val_loss = val_loss[-1]
        title += ", Validation loss: {:.4f}".format(final_val_loss)
    plt.title(title)
    plt.legend()

    acc = history.history["accuracy"]

    plt.subplot(2, 1, 2)
    plt.plot(epochs, acc, ".--", label="Training acc")
    final_acc = acc[-1]
    title = "Training accuracy: {:.2f}%".format(final_acc * 100)
    plt.xlabel("Epochs")
    plt.ylabel("Accuracy")
    if "val_accuracy" in history.history:
        val_acc = history.history["val_accuracy"]
        plt.plot(epochs, val_acc, "o-", label="Validation acc")
        final_val_acc = val_acc[-1]
        title += ", Validation accuracy: {:.2f}%".format(final_val_acc * 100)
    plt.title(title)
    plt.legend()


# Generate some data for training
# Each sample has 3 features and belongs to one of 2 classes
x_train, y_train = make_blobs(
    n_samples=1000, n_features=3, centers=2, cluster_std=2.0, random_state=11
)

# Fixed seed: the same initial weights and shuffling on every run (keras.utils.set_random_seed)
from compat.utils import set_random_seed
set_random_seed(11)

# Create a new sequential model
seq_model = Sequential()

# Add a 4-neurons layer using tanh as activation function
# Input shape corresponds the number of input features (here 3)
seq_model.add(Dense(4, activation='tanh', input_shape=(3,)))

# Add a 4-neurons layer using tanh
# Input shape is infered from previous layer
seq_model.add(Dense(4, activation='tanh'))

# Add a 1-neuron output layer using sigmoid
seq_model.add(Dense(1, activation='sigmoid'))
# Print a summary of model architecture
# (Can you justify the parameter counts for each layer?)
seq_model.summary()

# Configuration of the training process
seq_model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])

# Launch the training of the model on the data
history = seq_model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=1)

# Compute the loss & metrics values for the trained network
loss, acc = seq_model.evaluate(x_train, y_train, verbose=0)

print(f"Training loss: {loss:.05f}")
print(f"Training accuracy: {acc:.05f}")

# Plot training metrics
plot_loss_acc(history)
plt.close("all")

# --- checks (not in the notebook)
assert [layer.count_params() for layer in seq_model.layers] == [16, 20, 5]
assert isinstance(history.history["loss"], list) and len(history.history["loss"]) == 10
assert isinstance(history.history["accuracy"], list) and len(history.history["accuracy"]) == 10
assert acc > 0.9, acc
