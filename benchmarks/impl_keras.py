"""The workloads written with Keras 3 on the TensorFlow backend (only when importable)."""
import os
import time

from .workloads import APPLICATIONS, application, make_data, sizes

NAME = "keras"


def setup(threads):
    """Pin TensorFlow's thread pools; must run before TensorFlow executes anything."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


def version():
    import keras
    import tensorflow as tf
    return f"keras {keras.__version__} / tensorflow {tf.__version__}"


def build(wid, quick, seed):
    import keras
    from keras import layers
    keras.utils.set_random_seed(seed)
    s = sizes(wid, quick)
    if wid in ("W1", "W5"):
        model = keras.Sequential([keras.Input((784,)), layers.Dense(512, activation="relu"),
                                  layers.Dropout(0.2), layers.Dense(512, activation="relu"),
                                  layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    elif wid == "W2":
        model = keras.Sequential([keras.Input((28, 28, 1)),
                                  layers.Conv2D(32, (3, 3), activation="relu"),
                                  layers.Conv2D(64, (3, 3), activation="relu"),
                                  layers.MaxPooling2D((2, 2)), layers.Dropout(0.25),
                                  layers.Flatten(), layers.Dense(128, activation="relu"),
                                  layers.Dropout(0.5), layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    elif wid == "W3":
        model = keras.Sequential([keras.Input((s["seq_len"],)), layers.Embedding(s["vocab"], 128),
                                  layers.LSTM(128), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
    elif wid == "W4":
        model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"),
                                  layers.Dense(4, activation="tanh"),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    elif wid == "W6":
        model = keras.Sequential([keras.Input((s["steps"], s["features"])),
                                  layers.GRU(64, return_sequences=True), layers.GRU(64),
                                  layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    else:
        raise KeyError(wid)
    return model


def run(wid, quick=False, seed=0, data=None):
    x, y = data if data is not None else make_data(wid, quick, seed=0)
    s = sizes(wid, quick)
    if wid in APPLICATIONS:
        return run_application(wid, quick, seed, x)
    model = build(wid, quick, seed)
    if wid == "W5":
        times = []
        for _ in range(2):
            t0 = time.perf_counter()
            out = model.predict(x, batch_size=s["batch"], verbose=0)
            times.append(time.perf_counter() - t0)
        return {"cold": times[0], "warm": times[1], "check": float(out[:, 0].mean())}
    times, hist = [], None
    for _ in range(2):
        t0 = time.perf_counter()
        hist = model.fit(x, y, batch_size=s["batch"], epochs=s["epochs"], verbose=0)
        times.append(time.perf_counter() - t0)
    return {"cold": times[0], "warm": times[1], "check": float(hist.history["loss"][-1])}


def run_application(wid, quick, seed, x):
    """W8: build the application (weights=None) and time two ``predict`` calls on one batch."""
    fn, shape = application(wid, quick)
    import keras
    keras.utils.set_random_seed(seed)
    model = getattr(keras.applications, fn)(weights=None, input_shape=shape)
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        out = model.predict(x, batch_size=len(x), verbose=0)
        times.append(time.perf_counter() - t0)
    return {"cold": times[0], "warm": times[1], "check": float(out[:, 0].mean())}
