"""The workloads written with pipeseq (Python-Keras names)."""
import time

from .workloads import APPLICATIONS, application, make_data, sizes

NAME = "pipeseq"


def version():
    import pipeseq
    return pipeseq.__version__


def missing_classes(class_names):
    """The pipeseq layer classes among ``class_names`` that are not registered (yet)."""
    from pipeseq.layers.base import get_layer_class
    return [c for c in class_names if get_layer_class(c) is None]


def build(wid, quick, seed):
    """A fresh, compiled model for ``wid`` (weights seeded with ``seed``)."""
    from pipeseq import Sequential, backend
    from pipeseq.layers.base import get_layer_class as L
    backend.set_random_seed(seed)
    s = sizes(wid, quick)
    if wid in ("W1", "W5"):
        Dense, Dropout = L("Dense"), L("Dropout")
        model = Sequential([Dense(512, activation="relu", input_shape=(784,)), Dropout(0.2),
                            Dense(512, activation="relu"), Dropout(0.2),
                            Dense(10, activation="softmax")])
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    elif wid == "W2":
        model = Sequential([L("Conv2D")(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
                            L("Conv2D")(64, (3, 3), activation="relu"),
                            L("MaxPooling2D")(pool_size=(2, 2)), L("Dropout")(0.25),
                            L("Flatten")(), L("Dense")(128, activation="relu"), L("Dropout")(0.5),
                            L("Dense")(10, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    elif wid == "W3":
        model = Sequential([L("Embedding")(s["vocab"], 128, input_shape=(s["seq_len"],)),
                            L("LSTM")(128), L("Dense")(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
    elif wid == "W4":
        Dense = L("Dense")
        model = Sequential([Dense(4, activation="tanh", input_shape=(3,)),
                            Dense(4, activation="tanh"), Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    elif wid == "W6":
        model = Sequential([L("GRU")(64, return_sequences=True,
                                     input_shape=(s["steps"], s["features"])),
                            L("GRU")(64), L("Dense")(10, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    else:
        raise KeyError(wid)
    return model


def run(wid, quick=False, seed=0, data=None):
    """Time one cold and one warm call of ``wid``; return ``{"cold": s, "warm": s, "loss": x}``."""
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
    import importlib
    from pipeseq import backend
    backend.set_random_seed(seed)
    model = getattr(importlib.import_module("pipeseq.applications"), fn)(weights=None,
                                                                     input_shape=shape)
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        out = model.predict(x, batch_size=len(x), verbose=0)
        times.append(time.perf_counter() - t0)
    return {"cold": times[0], "warm": times[1], "check": float(out[:, 0].mean())}
