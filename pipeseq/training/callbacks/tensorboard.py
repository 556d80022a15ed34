"""TensorBoard: event files that TensorBoard reads, laid out and tagged as Keras writes them.

``log_dir/train`` and ``log_dir/validation`` get ``epoch_<metric>`` scalars (with
``epoch_learning_rate``), ``batch_<metric>`` scalars when ``update_freq`` is
``"batch"`` or a number of batches, ``<layer>/<weight>/histogram`` histograms every
``histogram_freq`` epochs, and the model's Keras config under the ``keras`` tag
(TensorBoard's "graph" tab shows it) when ``write_graph=True``.

The writer is ``tensorboardX`` (``pip install pipeseq[tensorboard]``).

Example
-------
>>> from pipeseq.training.callbacks import TensorBoard
>>> TensorBoard(log_dir="logs", histogram_freq=1).update_freq
'epoch'
"""
import json
import os
import time

import numpy as np

from .base import Callback


def _summary_writer(path):
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        raise ImportError("The TensorBoard callback writes event files with the `tensorboardX` "
                          "package, which is not installed. Install it with "
                          "`pip install tensorboardX` (or `pip install pipeseq[tensorboard]`)."
                          ) from None
    return SummaryWriter(logdir=path, flush_secs=10)


class TensorBoard(Callback):
    """Log metrics, weight histograms and the model config for TensorBoard.

    Arguments as Keras's: ``log_dir="logs"``, ``histogram_freq=0``, ``write_graph=True``,
    ``write_images=False`` (weights as images; 2-D weights only), ``write_steps_per_second``,
    ``update_freq="epoch"`` (or ``"batch"``, or an integer number of batches),
    ``profile_batch=0`` (TensorFlow's profiler; pipeseq has none, so only 0 is accepted),
    ``embeddings_freq=0`` / ``embeddings_metadata`` (the projector; only 0 is accepted).
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        if update_freq != "epoch" and update_freq != "batch" and not (
                isinstance(update_freq, int) and update_freq > 0):
            raise ValueError("TensorBoard: update_freq must be 'epoch', 'batch' or a positive "
                             f"integer. Received: update_freq={update_freq!r}")
        if profile_batch not in (0, None, (0, 0), [0, 0]):
            raise ValueError("TensorBoard: profile_batch needs TensorFlow's profiler, which "
                             "pipeseq does not have; use profile_batch=0. Received: "
                             f"profile_batch={profile_batch!r}")
        if embeddings_freq:
            raise ValueError("TensorBoard: the embedding projector (embeddings_freq) is not "
                             "written by pipeseq; use embeddings_freq=0. Received: "
                             f"embeddings_freq={embeddings_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq, self.write_graph = histogram_freq, write_graph
        self.write_images, self.write_steps_per_second = write_images, write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch, self.embeddings_freq = profile_batch, embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}
        self._global_train_batch = 0
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")

    def _writer(self, which):
        if which not in self._writers:
            self._writers[which] = _summary_writer(self._train_dir if which == "train"
                                                   else self._val_dir)
        return self._writers[which]

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._writer("train")
        if self.write_graph:
            self._write_model_config()

    def _write_model_config(self):
        """The Keras model config under tag ``keras`` (plugin ``graph_keras_model``), as Keras."""
        from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
        from tensorboardX.proto.tensor_pb2 import TensorProto
        try:
            config = self.model.to_json()
        except Exception:       # a model whose config cannot be serialised: no graph, as Keras
            return
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
            plugin_name="graph_keras_model", content=b"1"))
        tensor = TensorProto(dtype=7, string_val=[config.encode()])   # 7 = DT_STRING
        summary = Summary(value=[Summary.Value(tag="keras", metadata=meta, tensor=tensor)])
        w = self._writer("train")
        w._get_file_writer().add_summary(summary, global_step=0)
        w.flush()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.time()
        self._epoch_start_iter = self.model.optimizer.iterations if self.model.optimizer else 0

    def on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        w = self._writer("train")
        for name, value in (logs or {}).items():
            w.add_scalar(f"batch_{name}", float(value), self._global_train_batch)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        opt = getattr(self.model, "optimizer", None)
        opt = getattr(opt, "inner_optimizer", opt)
        if opt is not None and hasattr(opt, "learning_rate"):   # a MultiOptimizer has none
            train["learning_rate"] = float(opt.learning_rate)
        if self.write_steps_per_second:
            secs = max(time.time() - self._epoch_start, 1e-9)
            train["steps_per_second"] = (opt.iterations - self._epoch_start_iter) / secs
        for which, values in (("train", train), ("validation", val)):
            if values:
                w = self._writer(which)
                for name, value in values.items():
                    w.add_scalar(f"epoch_{name}", float(value), epoch)
                w.flush()
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    def _log_weights(self, epoch):
        w = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                w.add_histogram(f"{name}/histogram", np.asarray(weight.value, "float64"), epoch)
                if self.write_images:
                    img = _weight_image(np.asarray(weight.value))
                    if img is not None:
                        w.add_image(f"{name}/image", img, epoch, dataformats="HW")
        w.flush()

    def on_train_end(self, logs=None):
        for w in self._writers.values():
            w.close()
        self._writers = {}


def _weight_image(w):
    """A weight as a grey image scaled to [0, 1] (2-D weights; vectors as one row)."""
    if w.ndim == 1:
        w = w[None]
    if w.ndim != 2:
        return None
    lo, hi = float(w.min()), float(w.max())
    return (w - lo) / (hi - lo) if hi > lo else np.zeros_like(w)
