"""The model's side of data handling: checking batches against the model, and choosing
the data adapter for whatever ``fit``/``evaluate``/``predict`` received."""
import numpy as np

from . import data_adapters as da
from . import validation
from .data_adapters import convert

FEED_ARGS = ["max_queue_size", "workers", "use_multiprocessing"]


def reject_unknown(what, kwargs, known):
    """TypeError naming the first unknown keyword argument, with a "Did you mean"."""
    if kwargs:
        from ..utils import did_you_mean
        bad = next(iter(kwargs))
        raise TypeError(f"{what}(): unrecognized argument {bad!r}.{did_you_mean(bad, known)}")


class ModelData:
    """Mixin for :class:`~pipeseq.training.trainer.Trainer`: data in, checked batches out."""

    def _prepare(self, x, y=None, sample_weight=None, class_weight=None, check_y=True):
        """Convert and check one batch (or all of in-memory data) against the model.

        Returns ``(xs, ys, sw, n)``: lists of arrays (``ys`` None without targets),
        per-sample weights (class weights folded in) and the number of samples."""
        xs = convert.as_list(x, self.n_inputs, "x", getattr(self, "input_names", None))
        ys = (convert.as_list(y, len(self.output_names), "y", self.output_names)
              if y is not None else None)
        sw = (None if sample_weight is None
              else convert.to_array(sample_weight, "sample_weight").astype("float64"))
        n = convert.check_lengths(xs, ys, sw)
        if n == 0:
            raise ValueError("Received empty data: x has 0 samples.")
        convert.check_finite(xs)
        if ys is not None:
            convert.check_finite(ys, "y")
        if sw is not None:
            convert.check_finite([sw], "sample_weight")
        with validation.first_build_guard(self):   # a failed first call leaves it unbuilt
            if not self.built:
                self.build([(None,) + a.shape[1:] for a in xs] if self.n_inputs > 1
                           else (None,) + xs[0].shape[1:])
            xs = convert.adjust_input_ranks(xs, self._expected_input_shapes())
            convert.check_input_shapes(xs, self._expected_input_shapes(), self.input_names)
            xs = convert.cast_inputs(xs, self._input_kinds())
            if ys is not None and check_y:
                self._check_targets(ys)
            if class_weight is not None:
                if ys is None or len(ys) != 1:
                    raise ValueError("class_weight is supported for single-output models with "
                                     "targets.")
                cw = self._class_weights(ys[0], class_weight)
                sw = cw if sw is None else sw * cw
                validation.check_arrays(None, sw, self.output_names)
        return xs, ys, sw, n

    def _epoch_iterator(self, what, x, y=None, sample_weight=None, batch_size=None, steps=None,
                        shuffle=False, class_weight=None, need_y=True, workers=None,
                        use_multiprocessing=None, max_queue_size=None, max_samples=None):
        """An :class:`EpochIterator` over any data Keras accepts."""
        if x is None:
            raise ValueError(f"{what}(): x is required.")
        if y is None and what != "predict" and not any(getattr(self, "_losses", None) or [1]):
            need_y = False          # compiled without a loss: add_loss supplies it (Keras 2's VAE)
        validation.check_counts(what, batch_size=batch_size,
                                **{"steps_per_epoch" if what == "fit" else "steps": steps})
        adapter, cw = da.get_data_adapter(
            x, y if need_y else None, sample_weight if need_y else None,
            prepare=self._prepare, what=what,
            layout=(self.n_inputs, getattr(self, "input_names", None),
                    len(self.output_names), self.output_names),
            batch_size=batch_size, steps=steps, shuffle=shuffle, class_weight=class_weight,
            need_y=need_y, workers=workers, use_multiprocessing=use_multiprocessing,
            max_queue_size=max_queue_size)
        return da.EpochIterator(adapter, self._prepare, what, steps=steps, need_y=need_y,
                                class_weight=cw, max_samples=max_samples)

    def _class_weights(self, y, class_weight):
        y = np.asarray(y)
        if y.ndim > 1 and y.shape[-1] > 1:
            ids = np.argmax(y, axis=-1)
        else:
            ids = np.round(y.reshape(len(y), -1)[:, 0]).astype(int)
        ids = ids.reshape(len(y), -1)[:, 0]
        return np.array([float(class_weight.get(int(c), 1.0)) for c in ids])

    def _check_targets(self, ys):
        shapes = self._output_shapes()
        for i, (y, loss) in enumerate(zip(ys, self._losses if self.compiled else [None] * len(ys))):
            out_shape = shapes[i]
            if loss is None or out_shape is None:
                continue
            units = out_shape[-1]
            name = getattr(loss, "fn_name", None)
            where = "" if len(ys) == 1 else f" for output '{self.output_names[i]}'"
            if name == "sparse_categorical_crossentropy":
                yi = y.reshape(len(y), -1) if y.ndim == 1 or y.shape[-1] == 1 else y
                if y.ndim == len(out_shape) and y.shape[-1] == units and units > 1:
                    raise ValueError(
                        f"sparse_categorical_crossentropy expects integer class ids{where}, shape "
                        f"(n,) or (n, 1); received one-hot-like targets of shape {y.shape}. Use "
                        "loss='categorical_crossentropy' for one-hot targets.")
                validation.check_arrays([yi], None, [self.output_names[i]], [loss], [out_shape])
            elif name == "categorical_crossentropy" and units is not None:
                if y.ndim < 2 or y.shape[-1] != units:
                    hint = (" Convert class ids with to_categorical(y, num_classes="
                            f"{units})." if y.ndim == 1 or (y.ndim == 2 and y.shape[-1] == 1)
                            else "")
                    raise ValueError(
                        f"categorical_crossentropy expects one-hot targets with {units} classes"
                        f"{where} (the model's last layer has {units} units), but y has shape "
                        f"{y.shape}.{hint}")
            elif units is not None and y.ndim >= 2 and y.shape[-1] != units and not (
                    y.ndim == len(out_shape) - 1):
                raise ValueError(f"Targets{where} have shape {y.shape}, but the model outputs "
                                 f"{units} value(s) per sample ({tuple(out_shape)}).")

    def _expected_input_shapes(self):
        try:
            shapes = self._input_shapes()
        except Exception:
            return [None] * self.n_inputs
        return shapes
