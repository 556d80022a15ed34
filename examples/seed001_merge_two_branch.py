"""Seed 001: the Keras 1 ``Merge`` layer -- a two-branch model trained with ``fit([x1, x2], y)``.

Two ``Sequential`` branches are merged with ``mode='concat'`` as the first layer of
a new ``Sequential``; that model has one input per branch. Only the imports differ
from the Keras 1 code. The guide's other modes and the callable mode
(``lambda x, y: x - y``, inference only) run at the end.
"""
import os

import numpy as np

from compat.layers import Dense, Merge
from compat.models import Sequential
from compat.utils.np_utils import to_categorical

n = 200 if os.environ.get("PIPESEQ_EXAMPLE_SMALL") else 1000

# --- seed code
left_branch = Sequential()
left_branch.add(Dense(32, input_dim=784))

right_branch = Sequential()
right_branch.add(Dense(32, input_dim=784))

merged = Merge([left_branch, right_branch], mode='concat')

model = Sequential()
model.add(merged)
model.add(Dense(10, activation='softmax'))

model.compile(optimizer='rmsprop',
              loss='categorical_crossentropy',
              metrics=['accuracy'])

# generate dummy data
data_1 = np.random.random((n, 784))
data_2 = np.random.random((n, 784))

# these are integers between 0 and 9
labels = np.random.randint(10, size=(n, 1))
# we convert the labels to a binary matrix of size (n, 10)
# for use with categorical_crossentropy
labels = to_categorical(labels, 10)

# train the model
# note that we are passing a list of Numpy arrays as training data
# since the model has 2 inputs
history = model.fit([data_1, data_2], labels, nb_epoch=2, batch_size=32, verbose=0)

# --- check it
model.summary()
print("loss per epoch:", [round(v, 4) for v in history.history["loss"]])
assert model.predict([data_1[:5], data_2[:5]], verbose=0).shape == (5, 10)

# the other Keras 1 modes
for mode in ("sum", "mul", "ave", "max", "dot", "cos"):
    m = Sequential([Merge([left_branch, right_branch], mode=mode), Dense(10, activation="softmax")])
    m.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    h = m.fit([data_1, data_2], labels, nb_epoch=1, batch_size=64, verbose=0)
    print(f"mode={mode!r}: output of the merge {m.layers[0].compute_output_shape([(None, 784)] * 2)}, "
          f"loss {h.history['loss'][0]:.4f}")

# a function as the mode (inference only: pipeseq cannot differentiate a Python function)
diff = Sequential([Merge([left_branch, right_branch], mode=lambda x, y: x - y)])
print("lambda mode output shape:", diff.predict([data_1[:3], data_2[:3]], verbose=0).shape)
