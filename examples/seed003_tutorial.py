"""Seed 003 (R tutorial): one-hot labels, shapes, fit with validation_split, plot,
predict_classes, predict and evaluate.

The label is 1 when the three uniform inputs sum to more than 1.5.
PIPESEQ_EXAMPLE_SMALL=1 uses 1,000 samples and 3 epochs instead of 10,000 and 20.
"""
import os
import tempfile

import numpy as np

from pipeseq import *

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n, n_test, epochs = (1000, 200, 3) if small else (10000, 1000, 20)
set_random_seed(0)
rng = np.random.default_rng(0)

# Input: 10000 rows and 3 columns of uniform distribution
x_data = rng.uniform(size=(n, 3))
# Output
y_data = np.where(x_data.sum(axis=1) > 1.5, 1, 0)
print(x_data[:6])
print(y_data[:6])

y_data_oneh = to_categorical(y_data, num_classes = 2)
print(y_data_oneh[:6])

model = keras_model_sequential() | \
  layer_dense(units = 64, activation = "relu", input_shape = x_data.shape[1]) | \
  layer_dense(units = 64, activation = "relu") | \
  layer_dense(units = y_data_oneh.shape[1], activation = "softmax")

print(model)

compile(model, loss = "categorical_crossentropy", optimizer = optimizer_rmsprop(), metrics = "accuracy")

history = fit(model, x_data, y_data_oneh, epochs = epochs, batch_size = 128, validation_split = 0.2)
print(history)

# Plotting results (matplotlib is the optional `plot` extra)
try:
    fig = plot(history, filename = os.path.join(tempfile.gettempdir(), "seed003_history.png"))
    print("history plot:", [ax.get_ylabel() for ax in fig.get_axes()])
except ImportError as e:
    print(e)

# Validating with unseen data
x_data_test = rng.uniform(size=(n_test, 3))
print(x_data_test.shape)

y_data_pred = predict_classes(model, x_data_test)
print(y_data_pred[:10])
assert y_data_pred.shape == (n_test,)

y_data_pred_oneh = predict(model, x_data_test)
print(y_data_pred_oneh.shape)
print(y_data_pred_oneh[:6])
assert y_data_pred_oneh.shape == (n_test, 2)
np.testing.assert_allclose(y_data_pred_oneh.sum(axis=1), 1, rtol=1e-5)

# Evaluating the model (Training vs. Test)
y_data_real = np.where(x_data_test.sum(axis=1) > 1.5, 1, 0)
y_data_real_oneh = to_categorical(y_data_real)

## Training data
print(evaluate(model, x_data, y_data_oneh, verbose = 0))
## Test data (we need the one-hot version)
scores = evaluate(model, x_data_test, y_data_real_oneh, verbose = 0)
print(scores)
assert scores.names() == ["loss", "accuracy"]
if not small:
    assert scores["accuracy"] > 0.9
