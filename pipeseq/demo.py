"""The demo behind ``python -m pipeseq demo``: the R tutorial model, end to end.

10,000 samples of 3 uniform features; the label is 1 when their sum exceeds
1.5. One-hot labels, Dense 64 relu -> Dense 64 relu -> Dense 2 softmax,
rmsprop, 20 epochs of batch 128 with 20 % held out for validation; then
accuracy on 1,000 fresh samples.
"""
import time

import numpy as np


def run(epochs=20, samples=10_000, seed=42, verbose=1, print_fn=print):
    """Train the tutorial model and return ``(model, history, test_scores)``."""
    import pipeseq as ps
    from pipeseq.layers import Dense
    from pipeseq.models import Sequential

    ps.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x_data = rng.uniform(size=(samples, 3))
    y_data = (x_data.sum(axis=1) > 1.5).astype(int)
    y_onehot = ps.to_categorical(y_data, num_classes=2)

    model = Sequential([
        Dense(64, activation="relu", input_shape=(3,)),
        Dense(64, activation="relu"),
        Dense(2, activation="softmax"),
    ])
    print_fn(str(model))
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x_data, y_onehot, epochs=epochs, batch_size=128, validation_split=0.2,
                        verbose=verbose)
    elapsed = time.perf_counter() - start
    print_fn(str(history))

    x_test = rng.uniform(size=(1000, 3))
    y_test = ps.to_categorical((x_test.sum(axis=1) > 1.5).astype(int), num_classes=2)
    scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    classes = model.predict_classes(x_test)
    print_fn(f"\nTraining took {elapsed:.2f} s.")
    print_fn(f"Test data (1,000 fresh samples): loss {scores['loss']:.4f}, "
             f"accuracy {scores['accuracy']:.4f}")
    print_fn(f"First predicted classes: {classes[:10].tolist()}")
    return model, history, scores
