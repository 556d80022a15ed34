"""Seed 001: MLP for multi-class softmax classification, Keras 1 spellings throughout.

``Dense(64, input_dim=20, init='uniform')``, ``SGD(lr=0.1, decay=1e-6,
momentum=0.9, nesterov=True)`` and ``fit(nb_epoch=20)`` run as written; each
legacy spelling is translated and warned about once. The seed leaves
``X_train``/``y_train`` to the reader: dummy data stands in for them.
Only the imports differ from the Keras code.
"""
import os

import numpy as np

from compat.models import Sequential
from compat.layers import Dense, Dropout, Activation
from compat.optimizers import SGD
from compat.utils.np_utils import to_categorical

small = bool(os.environ.get("PIPESEQ_EXAMPLE_SMALL"))
n = 200 if small else 1000
X_train = np.random.random((n, 20))
y_train = to_categorical(np.random.randint(10, size=(n, 1)), 10)
X_test = np.random.random((n // 5, 20))
y_test = to_categorical(np.random.randint(10, size=(n // 5, 1)), 10)

# --- seed code
model = Sequential()
# Dense(64) is a fully-connected layer with 64 hidden units.
# in the first layer, you must specify the expected input data shape:
# here, 20-dimensional vectors.
model.add(Dense(64, input_dim=20, init='uniform'))
model.add(Activation('tanh'))
model.add(Dropout(0.5))
model.add(Dense(64, init='uniform'))
model.add(Activation('tanh'))
model.add(Dropout(0.5))
model.add(Dense(10, init='uniform'))
model.add(Activation('softmax'))

sgd = SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=True)
model.compile(loss='categorical_crossentropy',
              optimizer=sgd,
              metrics=['accuracy'])

model.fit(X_train, y_train,
          nb_epoch=3 if small else 20,
          batch_size=16)
score = model.evaluate(X_test, y_test, batch_size=16)

# --- check
print("score [loss, accuracy]:", score)
assert len(score) == 2
