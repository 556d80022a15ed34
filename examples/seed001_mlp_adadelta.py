"""Seed 001: the alternative MLP (relu, dropout) compiled with ``optimizer='adadelta'``.

The seed shows model and compile only; a short fit on dummy data checks it.
Only the imports differ from the Keras code.
"""
import os

import numpy as np

from compat.models import Sequential
from compat.layers import Dense, Dropout
from compat.utils import to_categorical

n = 200 if os.environ.get("PIPESEQ_EXAMPLE_SMALL") else 1000

# --- seed code
model = Sequential()
model.add(Dense(64, input_dim=20, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(64, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(10, activation='softmax'))

model.compile(loss='categorical_crossentropy',
              optimizer='adadelta',
              metrics=['accuracy'])

# --- run it
x = np.random.random((n, 20))
y = to_categorical(np.random.randint(10, size=n), 10)
history = model.fit(x, y, epochs=2, batch_size=32, verbose=2)
print(history.history)
