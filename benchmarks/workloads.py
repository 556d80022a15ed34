"""The workloads W1-W7: sizes, shapes and the synthetic data every implementation trains on.

Each implementation (pipeseq, Keras, PyTorch) builds the same model and runs the
same calls on the same float32 data, generated here from a fixed seed.
``quick=True`` shrinks every size so the whole suite runs in seconds (the smoke
test); the model shapes stay the same apart from W3's vocabulary.

Example
-------
>>> from benchmarks.workloads import WORKLOADS, sizes
>>> sizes("W4", quick=False)["epochs"]
10
"""

# id -> (title, description, pipeseq layer classes it needs)
WORKLOADS = {
    "W1": ("mlp", "784 -> Dense 512 relu -> Dropout 0.2 -> Dense 512 relu -> Dropout 0.2 -> "
                  "Dense 10 softmax; RMSprop; categorical crossentropy; 60,000 samples; batch 128; "
                  "1 epoch", ("Dense", "Dropout")),
    "W2": ("cnn", "(28, 28, 1) -> Conv2D 32 3x3 relu -> Conv2D 64 3x3 relu -> MaxPooling 2x2 -> "
                  "Dropout 0.25 -> Flatten -> Dense 128 relu -> Dropout 0.5 -> Dense 10 softmax; "
                  "Adam; categorical crossentropy; 6,000 samples; batch 128; 1 epoch",
           ("Conv2D", "MaxPooling2D", "Dropout", "Flatten", "Dense")),
    "W3": ("lstm", "Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid); Adam; binary "
                   "crossentropy; 4,000 sequences of length 80; batch 32; 1 epoch",
           ("Embedding", "LSTM", "Dense")),
    "W4": ("tiny", "Dense(4, tanh, input 3) -> Dense(4, tanh) -> Dense(1, sigmoid); RMSprop; "
                   "binary crossentropy; 1,000 samples; batch 32; 10 epochs timed as one fit call",
           ("Dense",)),
    "W5": ("predict", "W1's model: predict on 60,000 samples, batch 1024", ("Dense", "Dropout")),
    "W6": ("gru", "GRU(64, return_sequences, input (50, 32)) -> GRU(64) -> Dense(10, softmax); "
                  "Adam; categorical crossentropy; 4,000 samples; batch 64; 1 epoch",
           ("GRU", "Dense")),
    "W7": ("startup", "wall time of `python -c \"import <library>\"` in a fresh interpreter", ()),
    # W8: Keras Applications, predict on one batch of 8 images (weights=None, ImageNet sizes)
    "W8X": ("xception", "Xception (299x299x3, 1000 classes): predict on a batch of 8 images",
            ("SeparableConv2D", "BatchNormalization")),
    "W8R": ("resnet50", "ResNet50 (224x224x3, 1000 classes): predict on a batch of 8 images",
            ("Conv2D", "BatchNormalization")),
    "W8M": ("mobilenetv2", "MobileNetV2 (224x224x3, 1000 classes): predict on a batch of 8 "
                           "images", ("DepthwiseConv2D", "BatchNormalization")),
    "W8E": ("efficientnetb0", "EfficientNetB0 (224x224x3, 1000 classes): predict on a batch of "
                              "8 images", ("DepthwiseConv2D", "Normalization", "Rescaling")),
}
# W8 application workloads: keras.applications function and input size (quick: smaller)
APPLICATIONS = {"W8X": ("Xception", 299, 71), "W8R": ("ResNet50", 224, 32),
                "W8M": ("MobileNetV2", 224, 32), "W8E": ("EfficientNetB0", 224, 32)}

# Workloads of a few seconds per repeat or less are repeated at least this often (full sizes):
# on the shared development machine single times move by up to 30 %, so their medians need
# more samples than the long ones, which cost little extra time.
SHORT_WORKLOADS = ("W4", "W5", "W7", "W8X", "W8R", "W8M", "W8E")
SHORT_MIN_REPEATS = 5

_FULL = {
    "W1": dict(n=60000, batch=128, epochs=1),
    "W2": dict(n=6000, batch=128, epochs=1),
    "W3": dict(n=4000, batch=32, epochs=1, vocab=20000, seq_len=80),
    "W4": dict(n=1000, batch=32, epochs=10),
    "W5": dict(n=60000, batch=1024),
    "W6": dict(n=4000, batch=64, epochs=1, steps=50, features=32),
    **{w: dict(n=8, batch=8) for w in ("W8X", "W8R", "W8M", "W8E")},
}
_QUICK = {
    "W1": dict(n=256, batch=128, epochs=1),
    "W2": dict(n=64, batch=32, epochs=1),
    "W3": dict(n=64, batch=32, epochs=1, vocab=200, seq_len=10),
    "W4": dict(n=64, batch=32, epochs=2),
    "W5": dict(n=512, batch=256),
    "W6": dict(n=64, batch=32, epochs=1, steps=6, features=32),
    **{w: dict(n=2, batch=2) for w in ("W8X", "W8R", "W8M", "W8E")},
}

# W1/W5 layer widths, also used for the GEMM bound.
MLP_WIDTHS = (784, 512, 512, 10)


def sizes(wid, quick=False):
    """The size parameters of workload ``wid`` (a dict: n, batch, epochs, ...)."""
    return dict((_QUICK if quick else _FULL)[wid])


def samples_processed(wid, quick=False):
    """Samples one timed call touches (for samples/s): n x epochs, or n for predict."""
    s = sizes(wid, quick)
    return s["n"] * s.get("epochs", 1)


def make_data(wid, quick=False, seed=0):
    """Synthetic float32 data for ``wid``: ``(x, y)`` as NumPy arrays (channels-last images).

    Labels are random, so the models learn nothing in particular; the arithmetic
    is what is being timed. The same seed gives the same arrays everywhere.
    """
    import numpy as np
    s = sizes(wid, quick)
    rng = np.random.default_rng(1000 + seed)
    n = s["n"]

    def onehot(k):
        return np.eye(k, dtype=np.float32)[rng.integers(0, k, n)]

    if wid in ("W1", "W5"):
        return rng.random((n, 784), dtype=np.float32), onehot(10)
    if wid == "W2":
        return rng.random((n, 28, 28, 1), dtype=np.float32), onehot(10)
    if wid == "W3":
        x = rng.integers(0, s["vocab"], (n, s["seq_len"])).astype(np.int32)
        return x, rng.integers(0, 2, (n, 1)).astype(np.float32)
    if wid == "W4":
        x = rng.standard_normal((n, 3), dtype=np.float32)
        y = (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)
        return x, y
    if wid == "W6":
        return rng.standard_normal((n, s["steps"], s["features"]), dtype=np.float32), onehot(10)
    if wid in APPLICATIONS:
        side = APPLICATIONS[wid][2 if quick else 1]
        return rng.uniform(0, 255, (n, side, side, 3)).astype(np.float32), onehot(1000)
    raise KeyError(wid)


def application(wid, quick=False):
    """``(function name, input shape)`` of a W8 workload."""
    fn, full, small = APPLICATIONS[wid]
    side = small if quick else full
    return fn, (side, side, 3)


def mlp_gemm_flops(batch_rows, widths=MLP_WIDTHS, first_dx=False):
    """Floating-point operations of the W1 MLP's matrix products for ``batch_rows`` samples.

    Forward ``x @ W`` and weight gradient ``x.T @ dy`` for every layer, input
    gradient ``dy @ W.T`` for every layer but the first (its input is the data,
    whose gradient nobody needs) unless ``first_dx``. Each product of an
    ``(m, k)`` by a ``(k, n)`` matrix costs ``2 m k n``.

    >>> mlp_gemm_flops(1)
    3209216
    """
    total = 0
    for i, (k, n) in enumerate(zip(widths[:-1], widths[1:])):
        per = 2 * batch_rows * k * n
        total += 2 * per + (per if (i > 0 or first_dx) else 0)
    return total
