"""Keras 1/2's ``fit_generator`` / ``evaluate_generator`` / ``predict_generator``.

Keras 2 folded them into ``fit``/``evaluate``/``predict``; old programs still call
them, often with Keras 1's argument names. Those are accepted with their meaning:
``nb_epoch`` -> ``epochs``, ``nb_worker`` -> ``workers``, ``pickle_safe`` ->
``use_multiprocessing``, ``max_q_size`` -> ``max_queue_size``; ``samples_per_epoch``,
``nb_val_samples`` and ``val_samples`` count *samples*, so an epoch (or a validation
or prediction run) ends once that many samples have been drawn, as in Keras 1.
"""
import warnings

_RENAMED = {"nb_epoch": "epochs", "nb_worker": "workers", "pickle_safe": "use_multiprocessing",
            "max_q_size": "max_queue_size"}


def _translate(what, kwargs, allowed):
    out = {}
    for k, v in kwargs.items():
        new = _RENAMED.get(k, k)
        if new not in allowed:
            from ..utils import did_you_mean
            raise TypeError(f"{what}(): unrecognized argument {k!r}."
                            f"{did_you_mean(k, sorted(allowed) + sorted(_RENAMED))}")
        out[new] = v
    return out


def _samples(what, name, value, steps_name, steps):
    if value is None:
        return None
    if steps is not None:
        raise TypeError(f"{what}(): give either {steps_name} (batches) or Keras 1's {name} "
                        f"(samples), not both. Received: {steps_name}={steps}, {name}={value}")
    if int(value) <= 0:
        raise ValueError(f"{what}(): {name} must be a positive number of samples. "
                         f"Received: {name}={value!r}")
    return int(value)


class GeneratorMethods:
    """Mixin for the trainer: the generator methods of Keras 1 and 2."""

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, validation_freq=1,
                      class_weight=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                      shuffle=True, initial_epoch=0, samples_per_epoch=None, nb_val_samples=None,
                      **kwargs):
        """Train on batches from a generator or ``Sequence`` (Keras 1/2); returns a History."""
        kw = _translate("fit_generator", kwargs, {"epochs", "workers", "use_multiprocessing",
                                                   "max_queue_size"})
        epochs = kw.get("epochs", epochs)
        workers = kw.get("workers", workers)
        use_multiprocessing = kw.get("use_multiprocessing", use_multiprocessing)
        max_queue_size = kw.get("max_queue_size", max_queue_size)
        max_samples = _samples("fit_generator", "samples_per_epoch", samples_per_epoch,
                               "steps_per_epoch", steps_per_epoch)
        val_samples = _samples("fit_generator", "nb_val_samples", nb_val_samples,
                               "validation_steps", validation_steps)
        self._require_compiled("fit_generator")
        verbose = 1 if verbose == "auto" else int(verbose)
        feed = {"workers": workers, "use_multiprocessing": use_multiprocessing,
                "max_queue_size": max_queue_size}
        data = self._epoch_iterator("fit", generator, steps=steps_per_epoch, shuffle=shuffle,
                                    class_weight=class_weight, max_samples=max_samples, **feed)
        val = None
        if validation_data is not None:
            val = self._validation_data(data, 0.0, validation_data, validation_steps, None, feed)
            val.max_samples = val_samples
        return self._run_fit(data, val, epochs, verbose, callbacks, initial_epoch,
                             validation_freq, None)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0, val_samples=None,
                           **kwargs):
        """Loss and metrics over batches from a generator or ``Sequence`` (Keras 1/2)."""
        kw = _translate("evaluate_generator", kwargs,
                        {"workers", "use_multiprocessing", "max_queue_size"})
        max_samples = _samples("evaluate_generator", "val_samples", val_samples, "steps", steps)
        self._require_compiled("evaluate_generator")
        data = self._epoch_iterator("evaluate", generator, steps=steps, max_samples=max_samples,
                                    **{"workers": workers, "use_multiprocessing": use_multiprocessing,
                                       "max_queue_size": max_queue_size, **kw})
        try:
            logs = self._evaluate_batches(data, verbose=int(verbose))
        finally:
            data.close()
        if logs is None:
            raise ValueError(f"evaluate_generator(): {data.adapter.source} yielded no batches.")
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0, val_samples=None,
                          **kwargs):
        """Outputs for the inputs of batches from a generator or ``Sequence`` (Keras 1/2)."""
        kw = _translate("predict_generator", kwargs,
                        {"workers", "use_multiprocessing", "max_queue_size"})
        max_samples = _samples("predict_generator", "val_samples", val_samples, "steps", steps)
        if max_samples is not None:
            warnings.warn("predict_generator(val_samples=...) is Keras 1's argument (a number "
                          "of samples); Keras 2 names it steps (a number of batches).",
                          DeprecationWarning, stacklevel=2)
        feed = {"workers": workers, "use_multiprocessing": use_multiprocessing,
                "max_queue_size": max_queue_size, **kw}
        return self._predict(generator, None, verbose, steps, feed, max_samples)
