"""TensorBoard (event files read back with TensorBoard's own reader), BackupAndRestore,
SwapEMAWeights, RemoteMonitor (against a local HTTP server), learning_rate in history."""
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from pipeseq.training import callbacks as C
from pipeseq.training import optimizers as O


def _data(n=32):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


def _model(opt=None, metrics=None):
    from pipeseq import keras_model_sequential, layer_dense
    from pipeseq.backend import set_random_seed
    set_random_seed(3)
    m = keras_model_sequential(input_shape=(3,))
    layer_dense(m, units=4, activation="tanh")
    layer_dense(m, units=1)
    m.compile(optimizer=opt or O.SGD(0.05), loss="mse", metrics=metrics or ["mae"])
    return m


def test_tensorboard_event_files_read_back_by_tensorboard(tmp_path):
    ea_mod = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    x, y = _data()
    m = _model()
    cb = C.TensorBoard(log_dir=str(tmp_path), histogram_freq=1, update_freq=2)
    hist = m.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0, callbacks=[cb])
    train = ea_mod.EventAccumulator(str(tmp_path / "train"), size_guidance={"scalars": 0,
                                                                           "histograms": 0})
    train.Reload()
    tags = train.Tags()
    assert {"epoch_loss", "epoch_mae", "epoch_learning_rate", "batch_loss"} <= set(tags["scalars"])
    loss = train.Scalars("epoch_loss")
    assert [e.step for e in loss] == [0, 1, 2]
    np.testing.assert_allclose([e.value for e in loss], hist.history["loss"], rtol=1e-6)
    assert [e.step for e in train.Scalars("batch_loss")] == [2, 4, 6, 8]   # 3 batches x 3 epochs
    kernel = [t for t in tags["histograms"] if t.endswith("kernel/histogram")]
    assert len(kernel) == 2 and len(train.Histograms(kernel[0])) == 3
    assert "keras" in tags["tensors"]          # the model config for the graph tab
    config = json.loads(train.Tensors("keras")[0].tensor_proto.string_val[0])
    assert config["class_name"] == "Sequential"
    val = ea_mod.EventAccumulator(str(tmp_path / "validation"))
    val.Reload()
    np.testing.assert_allclose([e.value for e in val.Scalars("epoch_loss")],
                               hist.history["val_loss"], rtol=1e-6)


def test_tensorboard_bad_arguments():
    with pytest.raises(ValueError, match="update_freq"):
        C.TensorBoard(update_freq="sometimes")
    with pytest.raises(ValueError, match="profiler"):
        C.TensorBoard(profile_batch=(2, 4))


class _Interrupt(C.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise KeyboardInterrupt


def test_backup_and_restore_resumes_at_the_right_epoch(tmp_path):
    x, y = _data()
    ref = _model(O.Adam(0.01))
    ref.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0)
    backup = str(tmp_path / "backup")
    m = _model(O.Adam(0.01))
    with pytest.raises(KeyboardInterrupt):
        m.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0,
              callbacks=[C.BackupAndRestore(backup), _Interrupt(2)])
    assert json.load(open(os.path.join(backup, "training_metadata.json")))["epoch"] == 2
    fresh = _model(O.Adam(0.01))                 # a new process: same code, fresh weights
    seen = []
    hist = fresh.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0,
                     callbacks=[C.BackupAndRestore(backup),
                                C.LambdaCallback(on_epoch_begin=lambda e, l: seen.append(e))])
    assert seen == [2, 3] and hist.epoch == [2, 3]
    for a, b in zip(fresh.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert not os.path.exists(backup)           # delete_checkpoint=True after completion


def test_swap_ema_weights_evaluates_with_the_averages():
    x, y = _data()
    m = _model(O.Adam(0.05, use_ema=True, ema_momentum=0.5))
    m.fit(x, y, epochs=1, batch_size=8, verbose=0)    # fit ends with the EMA weights
    m.fit(x, y, epochs=1, batch_size=8, verbose=0, validation_data=(x, y),
          callbacks=[C.SwapEMAWeights()])
    raw = [w.copy() for w in m.get_weights()]
    opt = m.optimizer
    ema = [opt._ema[id(v)].copy() for v in m.trainable_weights]
    got = m.evaluate(x, y, verbose=0, callbacks=[C.SwapEMAWeights()])
    for a, b in zip(m.get_weights(), raw):          # swapped back afterwards
        np.testing.assert_array_equal(a, b)
    m.set_weights(ema)
    assert got == pytest.approx(m.evaluate(x, y, verbose=0))
    with pytest.raises(ValueError, match="use_ema=True"):
        _model().evaluate(x, y, verbose=0, callbacks=[C.SwapEMAWeights()])


def test_remote_monitor_posts_each_epoch_to_a_local_server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        root = f"http://127.0.0.1:{server.server_address[1]}"
        x, y = _data()
        m = _model()
        m.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[C.RemoteMonitor(root=root)])
        m.fit(x, y, epochs=1, batch_size=16, verbose=0,
              callbacks=[C.RemoteMonitor(root=root, path="/json", send_as_json=True)])
    finally:
        server.shutdown()
        server.server_close()
    from urllib.parse import parse_qs
    assert [r[0] for r in received] == ["/publish/epoch/end/"] * 2 + ["/json"]
    first = json.loads(parse_qs(received[0][2])["data"][0])
    assert first["epoch"] == 0 and set(first) == {"epoch", "loss", "mae"}
    assert json.loads(received[2][2])["epoch"] == 0 and received[2][1] == "application/json"


def test_remote_monitor_warns_when_the_server_is_unreachable():
    x, y = _data()
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor"):
        _model().fit(x, y, epochs=1, verbose=0,
                     callbacks=[C.RemoteMonitor(root="http://127.0.0.1:9")])


def test_learning_rate_in_history_when_a_callback_changes_it():
    x, y = _data()
    m = _model(O.SGD(0.1))
    hist = m.fit(x, y, epochs=4, batch_size=8, verbose=0,
                 callbacks=[C.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5,
                                                min_delta=10.0)])
    # as Keras: each epoch logs the rate it trained with (the reduction applies from the next)
    assert hist.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.05, 0.025])
    m = _model(O.SGD(0.1))
    hist = m.fit(x, y, epochs=3, verbose=0,
                 callbacks=[C.LearningRateScheduler(lambda e, lr: 0.1 / (e + 1))])
    assert hist.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_progbar_logger_prints_epochs(capsys):
    x, y = _data()
    _model().fit(x, y, epochs=2, batch_size=16, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "loss:" in out


def test_config_caps_on_epochs_and_steps():
    import compat as keras
    x, y = _data()
    keras.config.set_max_epochs(2)
    keras.config.set_max_steps_per_epoch(1)
    try:
        m = _model()
        hist = m.fit(x, y, epochs=5, batch_size=8, verbose=0)
    finally:
        keras.config.set_max_epochs(None)
        keras.config.set_max_steps_per_epoch(None)
    assert hist.epoch == [0, 1] and m.optimizer.iterations == 2
