"""Seed 001: MLP for binary classification (``init='uniform'``, rmsprop).

The seed shows model and compile only; a short fit, ``predict_classes`` and
``predict_proba`` (Keras 1/2 methods) on dummy data check it. Only the imports
differ from the Keras code.
"""
import os

import numpy as np

from compat.models import Sequential
from compat.layers import Dense, Dropout

n = 200 if os.environ.get("PIPESEQ_EXAMPLE_SMALL") else 1000

# --- seed code
model = Sequential()
model.add(Dense(64, input_dim=20, init='uniform', activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(64, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

# --- run it
x = np.random.random((n, 20))
y = (x.sum(axis=1, keepdims=True) > 10).astype("float32")
model.fit(x, y, nb_epoch=3, batch_size=32, verbose=2)
classes = model.predict_classes(x[:5])
proba = model.predict_proba(x[:5])
print("classes:", classes.ravel().tolist())
print("proba:  ", np.round(proba.ravel(), 3).tolist())
assert classes.shape == (5, 1) and proba.shape == (5, 1)
