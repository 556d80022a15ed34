"""Batch hooks reach each callback once, as in Keras: on_train_batch_end is the hook, and
Keras 1/2's on_batch_end its alias; a ProgbarLogger or History given to fit is the one used."""
import contextlib
import io

import numpy as np

from pipeseq.layers import Dense
from pipeseq.models import Sequential
from pipeseq.training.callbacks import Callback, History, LambdaCallback, ProgbarLogger

X = np.zeros((8, 2), "float32")
Y = np.zeros((8, 1), "float32")


def model():
    m = Sequential([Dense(1, input_shape=(2,))])
    m.compile(optimizer="sgd", loss="mse")
    return m


class Counting(ProgbarLogger):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def on_train_batch_end(self, batch, logs=None):
        self.calls += 1
        super().on_train_batch_end(batch, logs)


def test_a_progbar_logger_given_to_fit_is_the_only_progress_bar():
    bar = Counting()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        model().fit(X, Y, batch_size=4, epochs=1, verbose=1, callbacks=[bar])
    assert bar.calls == 2                                   # 2 batches, once each
    assert out.getvalue().count("2/2 [") == 1


def test_a_progbar_logger_given_to_fit_takes_fits_verbose():
    with contextlib.redirect_stdout(io.StringIO()) as out:
        model().fit(X, Y, batch_size=4, epochs=1, verbose=0, callbacks=[ProgbarLogger()])
    assert out.getvalue() == ""


def test_a_history_given_to_fit_is_the_one_returned():
    h = History()
    assert model().fit(X, Y, batch_size=4, epochs=2, verbose=0, callbacks=[h]) is h
    assert h.epoch == [0, 1]


class Both(Callback):
    def __init__(self):
        super().__init__()
        self.new, self.old = 0, 0

    def on_train_batch_end(self, batch, logs=None):
        self.new += 1

    def on_batch_end(self, batch, logs=None):
        self.old += 1


class OldOnly(Callback):
    def __init__(self):
        super().__init__()
        self.begin, self.end = [], []

    def on_batch_begin(self, batch, logs=None):
        self.begin.append(batch)

    def on_batch_end(self, batch, logs=None):
        self.end.append(batch)


def test_on_batch_end_is_an_alias_called_once():
    both, old, seen = Both(), OldOnly(), []
    lam = LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))
    with contextlib.redirect_stdout(io.StringIO()):
        model().fit(X, Y, batch_size=4, epochs=1, verbose=1, callbacks=[both, old, lam])
    assert (both.new, both.old) == (2, 0)                   # Keras: the override replaces the alias
    assert old.begin == [0, 1] and old.end == [0, 1]
    assert seen == [0, 1]
