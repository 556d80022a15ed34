"""Everyday comforts: progress output per kind of stream, verbose="auto", notebook reprs,
print/plot of a history, "did you mean" suggestions, and the ``pipeseq`` command line."""
import io
import re
import subprocess
import sys
import types
import warnings

import numpy as np
import pytest

import pipeseq
from pipeseq import (callback_early_stopping, compile, evaluate, fit, keras_model_sequential,
                     layer_dense, loss_binary_crossentropy, optimizer_adam, plot, to_categorical)
from pipeseq.training import progbar as progbar_mod
from pipeseq.training.progbar import Progbar


# ------------------------------------------------------------------ fake streams
class FileStream(io.StringIO):
    """Like a log file or a pipe: not a terminal."""

    def isatty(self):
        return False


class TerminalStream(io.StringIO):
    def isatty(self):
        return True


def small_model(n_in=3, n_out=2):
    model = keras_model_sequential(input_shape=n_in) \
        | layer_dense(units=4, activation="relu") \
        | layer_dense(units=n_out, activation="softmax")
    model | compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics="accuracy")
    return model


def data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 3)).astype("float32")
    y = to_categorical((x.sum(axis=1) > 1.5).astype(int), num_classes=2)
    return x, y


def run_fit(monkeypatch, stream, epochs=3, **kwargs):
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.delenv("PIPESEQ_PROGRESS_PLAIN", raising=False)
    x, y = data()
    model = small_model()
    history = model | fit(x, y, epochs=epochs, batch_size=8, **kwargs)
    return stream.getvalue(), history


BAR_DONE = re.compile(r"^12/12 \[=+\] - \d+s \d+(us|ms|s)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$")


# ------------------------------------------------------------------ progress output
def test_log_file_gets_one_finished_progress_line_per_epoch(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    out, _ = run_fit(monkeypatch, FileStream(), epochs=3, verbose=1)
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert len(lines) == 6, lines                 # no per-step lines at all
    assert all(BAR_DONE.match(line) for line in lines[1::2]), lines


def test_verbose_auto_is_the_default_and_behaves_like_1(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    auto, _ = run_fit(monkeypatch, FileStream(), epochs=2)               # verbose="auto" by default
    one, _ = run_fit(monkeypatch, FileStream(), epochs=2, verbose=1)
    strip = lambda s: re.sub(r"\d+(\.\d+)?(us|ms|s)?", "N", s)           # noqa: E731
    assert strip(auto) == strip(one) and auto.count("\n") == 4


def test_verbose_2_and_0(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    out, _ = run_fit(monkeypatch, FileStream(), epochs=2, verbose=2)
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and len(lines) == 4
    assert re.match(r"^12/12 - \d+s - loss: .* - accuracy: .* - \d+ms/epoch - \d+(us|ms|s)/step$", lines[1])
    out0, _ = run_fit(monkeypatch, FileStream(), epochs=2, verbose=0)
    assert out0 == ""


def test_terminal_redraws_in_place(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    out, _ = run_fit(monkeypatch, TerminalStream(), epochs=2, verbose=1)
    assert "\r" in out                              # redrawn with carriage returns
    finished = [seg for seg in re.split(r"[\r\n]", out) if seg.startswith("12/12 [====")]
    assert len(finished) == 2
    assert out.count("\n") == 4                     # header + finished bar per epoch, nothing else


class FakeClock:
    def __init__(self, step):
        self.t, self.step = 0.0, step

    def __call__(self):
        self.t += self.step
        return self.t


@pytest.mark.parametrize("kind", ["jupyter", "terminal"])
def test_many_fast_steps_are_throttled(monkeypatch, kind):
    """5,000 steps of 1 ms: a handful of redraws (every 0.1 s), not thousands of lines."""
    if kind == "jupyter":
        monkeypatch.setitem(sys.modules, "ipykernel", type(sys)("ipykernel"))
        stream = FileStream()                       # a notebook's stdout is not a tty
    else:
        monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
        stream = TerminalStream()
    monkeypatch.delenv("PIPESEQ_PROGRESS_PLAIN", raising=False)
    monkeypatch.setattr(progbar_mod, "time", types.SimpleNamespace(perf_counter=FakeClock(0.001)))
    bar = Progbar(5000, verbose=1, stream=stream)
    for i in range(1, 5001):
        bar.update(i, {"loss": 1.0 / i})
    bar.update(5000, {"loss": 0.5}, finalize=True)
    out = stream.getvalue()
    redraws = out.count("\r")
    assert 5 <= redraws <= 60, redraws              # ~5 s of work / 0.1 s + the final line
    assert out.count("\n") == 1 and out.endswith("\n")
    assert out.rstrip("\n").split("\r")[-1].startswith("5000/5000 [==============================]")


def test_plain_progress_can_be_forced(monkeypatch):
    monkeypatch.setenv("PIPESEQ_PROGRESS_PLAIN", "1")
    stream = TerminalStream()
    bar = Progbar(3, verbose=1, stream=stream)
    for i in (1, 2, 3):
        bar.update(i, {"loss": 0.5})
    bar.update(3, {"loss": 0.5}, finalize=True)
    assert "\r" not in stream.getvalue() and stream.getvalue().count("\n") == 1


def test_evaluate_and_predict_progress_in_a_log_file(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.delenv("PIPESEQ_PROGRESS_PLAIN", raising=False)
    x, y = data()
    model = small_model()
    stream = FileStream()
    monkeypatch.setattr(sys, "stdout", stream)
    model.evaluate(x, y, batch_size=8)
    model.predict(x, batch_size=8)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert len(lines) == 2 and all(line.startswith("12/12 [====") for line in lines), lines


# ------------------------------------------------------------------ notebook reprs
class FakePrettyPrinter:
    def __init__(self):
        self.parts = []

    def text(self, s):
        self.parts.append(s)


def test_model_reprs_for_jupyter_and_ipython():
    model = small_model()
    html = model._repr_html_()
    assert html.startswith("<pre>") and "Total params: 26" in html and "dense" in html
    assert "<script" not in html
    p = FakePrettyPrinter()
    model._repr_pretty_(p, cycle=False)
    assert "".join(p.parts) == str(model)
    assert 'Model: "' in str(model) and "Param #" in str(model)
    assert repr(model).startswith("<Sequential name=")


def test_unbuilt_model_still_has_a_summary():
    model = keras_model_sequential() | layer_dense(units=2)
    text = str(model)
    assert "0 (unbuilt)" in text and "Total params: 0" in text
    assert "<pre>" in model._repr_html_()


def test_history_print_repr_and_html():
    x, y = data()
    model = small_model()
    history = model | fit(x, y, epochs=2, batch_size=16, validation_split=0.25, verbose=0)
    text = str(history)
    assert text == repr(history)
    lines = text.splitlines()
    assert lines[0] == "Trained on 72 samples, validated on 24 samples (batch_size=16, epochs=2)"
    assert lines[1] == "Final epoch (plot to see history):"
    assert [line.split(":")[0].strip() for line in lines[2:]] == \
        ["loss", "accuracy", "val_loss", "val_accuracy"]
    final = float(lines[2].split(":")[1])
    assert final == pytest.approx(history.history["loss"][-1], rel=1e-3)
    assert len(text) < 400                           # compact
    html = history._repr_html_()
    assert "<table>" in html and html.count("<tr>") == 5 and "2 epoch(s)" in html
    p = FakePrettyPrinter()
    history._repr_pretty_(p, cycle=False)
    assert "".join(p.parts) == text


def test_plot_history_and_history_plot(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    x, y = data()
    model = small_model()
    history = model | fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    fig = plot(history, filename=str(tmp_path / "h.png"))
    assert (tmp_path / "h.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(fig.axes) == 2                        # loss, accuracy
    fig2 = history.plot(metrics=["loss"])
    assert len(fig2.axes) == 1
    assert fig2.axes[0].get_lines()[0].get_ydata().tolist() == pytest.approx(history.history["loss"])
    fig3 = history | plot()                          # the pipe form
    assert len(fig3.axes) == 2
    import matplotlib.pyplot as plt
    plt.close("all")


# ------------------------------------------------------------------ did you mean
def _message(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError, AttributeError)) as info:
            fn()
    return str(info.value)


def _compile_with(**kwargs):
    model = keras_model_sequential(input_shape=2) | layer_dense(units=1)
    return model | compile(**{"optimizer": "sgd", "loss": "mse", **kwargs})


NEAR_MISSES = {
    # kind: (the call, the expected suggestion)
    "loss": (lambda: _compile_with(loss="categorical_crosentropy"), "categorical_crossentropy"),
    "loss option": (lambda: loss_binary_crossentropy(from_logit=True), "from_logits"),
    "optimizer": (lambda: _compile_with(optimizer="rmsprp"), "rmsprop"),
    "optimizer argument": (lambda: optimizer_adam(learnig_rate=0.1), "learning_rate"),
    "activation": (lambda: layer_dense(units=2, activation="rleu"), "relu"),
    "metric": (lambda: _compile_with(metrics="acuracy"), "accuracy"),
    "initializer": (lambda: layer_dense(units=2, kernel_initializer="glorot_unifrom"),
                    "glorot_uniform"),
    "layer argument": (lambda: layer_dense(units=2, activaton="relu"), "activation"),
    "fit argument": (lambda: _compile_with() | fit(np.ones((4, 2)), np.ones((4, 1)), epocs=2),
                     "epochs"),
}


@pytest.mark.parametrize("kind", list(NEAR_MISSES))
def test_near_miss_names_get_a_suggestion(kind):
    call, expected = NEAR_MISSES[kind]
    msg = _message(call)
    assert f"Did you mean '{expected}'?" in msg, msg


COMPAT_NEAR_MISSES = {
    "layer class": ("import compat as k; k.layers.Desne", "Dense"),
    "layer argument": ("import compat as k; k.layers.Dense(3, activaton='relu')", "activation"),
    "legacy layer argument": ("import compat as k; k.layers.Conv2D(4, 3, 3, subsampl=(1, 1))",
                              "subsample"),
    "loss function": ("import compat as k; k.losses.mean_squred_error", "mean_squared_error"),
    "optimizer class": ("import compat as k; k.optimizers.SDG", "SGD"),
    "optimizer argument": ("import compat as k; k.optimizers.SGD(lr=0.1, momentm=0.9)", "momentum"),
    "metric": ("import compat as k; k.metrics.binary_acuracy", "binary_accuracy"),
    "initializer": ("import compat as k; k.initializers.glorot_unifrom", "glorot_uniform"),
    "activation": ("import compat as k; k.activations.rleu", "relu"),
    "callback": ("import compat as k; k.callbacks.EarlyStoping", "EarlyStopping"),
    "top level": ("import compat as k; k.Sequentail", "Sequential"),
}


@pytest.mark.parametrize("kind", list(COMPAT_NEAR_MISSES))
def test_compat_near_misses_get_a_suggestion(kind):
    code, expected = COMPAT_NEAR_MISSES[kind]
    msg = _message(lambda: exec(code, {}))
    assert f"Did you mean '{expected}'?" in msg, msg


def test_no_suggestion_when_nothing_is_close():
    msg = _message(lambda: _compile_with(loss="zzzzzz"))
    assert "Did you mean" not in msg and "Expected one of" in msg


def test_errors_name_the_place_and_what_was_expected():
    msg = _message(lambda: layer_dense(units=2, activaton="relu"))
    assert msg.startswith("Dense:") and "Received: activaton='relu'" in msg
    model = small_model()
    msg = _message(lambda: pipeseq.get_layer(model, index=0))
    assert "1-based" in msg and "2 layer(s)" in msg and "use 1..2" in msg


# ------------------------------------------------------------------ command line
def test_cli_version(capsys):
    from pipeseq.__main__ import main
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"pipeseq {pipeseq.__version__}"


def test_cli_version_as_a_module():
    out = subprocess.run([sys.executable, "-m", "pipeseq", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert re.fullmatch(r"pipeseq \d+\.\d+\.\d+\S*\n", out)


def test_cli_inspect_model_weights_and_bad_files(tmp_path, capsys):
    from pipeseq.__main__ import main
    model = small_model()
    model.save(str(tmp_path / "m.keras"))
    model.save_weights(str(tmp_path / "m.weights.h5"))
    assert main(["inspect", str(tmp_path / "m.keras")]) == 0
    out = capsys.readouterr().out
    assert "Keras 3 model archive" in out and "Total params: 26" in out
    assert main(["inspect", str(tmp_path / "m.weights.h5")]) == 0
    out = capsys.readouterr().out
    assert "(3, 4)" in out and "4 arrays, 26 values" in out
    (tmp_path / "bad.keras").write_bytes(b"not a model")
    assert main(["inspect", str(tmp_path / "bad.keras")]) != 0
    assert main(["inspect", str(tmp_path / "missing.h5")]) != 0


def test_cli_demo_runs_the_demo(monkeypatch, capsys):
    """``pipeseq demo`` wiring (the full demo is README's first command; here a short one)."""
    from pipeseq import demo
    from pipeseq.__main__ import main
    calls = []
    real_run = demo.run

    def short_run(epochs, verbose):
        calls.append((epochs, verbose))
        return real_run(epochs=epochs, samples=2000, verbose=verbose)
    monkeypatch.setattr(demo, "run", short_run)
    code = main(["demo", "--epochs", "8", "--verbose", "0"])
    out = capsys.readouterr().out
    assert calls == [(8, 0)]
    assert 'Model: "' in out and "Test data (1,000 fresh samples)" in out
    accuracy = float(re.search(r"accuracy (\d\.\d+)", out).group(1))
    assert code == (0 if accuracy >= 0.97 else 1)


def test_early_stopping_with_a_misspelt_monitor_still_trains():
    x, y = data()
    model = small_model()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        history = model | fit(x, y, epochs=2, verbose=0,
                              callbacks=[callback_early_stopping(monitor="val_los")])
    assert len(history.epoch) == 2
    assert sorted(evaluate(model, x, y, verbose=0).names()) == ["accuracy", "loss"]
