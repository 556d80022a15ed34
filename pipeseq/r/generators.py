"""R keras 2's generator verbs: ``fit_generator``, ``evaluate_generator``, ``predict_generator``.

A generator is a Python generator or iterator, a ``Sequence``/``PyDataset``
(``flow_images_from_directory()`` returns one), or -- R's way -- a function called
with no arguments that returns one batch, ``list(x, y)`` (``[x, y]``), per call.
"""
from .verbs.base import _require_model, _verb

__all__ = ["fit_generator", "evaluate_generator", "predict_generator"]


def _batches(generator):
    """An iterator of batches from any of the generator forms R keras accepts."""
    from ..training.data_adapters import PyDataset, is_generator
    if isinstance(generator, PyDataset) or is_generator(generator) or not callable(generator):
        return generator
    first = generator()
    if is_generator(first):          # a Python generator function was passed uncalled
        return first

    def calls():
        yield first
        while True:
            yield generator()
    return calls()


@_verb()
def fit_generator(object, generator, steps_per_epoch, epochs=1, verbose="auto", callbacks=None,
                  view_metrics="auto", validation_data=None, validation_steps=None,
                  class_weight=None, max_queue_size=10, workers=1, initial_epoch=0):
    """Train on batches from a generator (R keras 2.x ``fit_generator()``); returns the history.

    ``steps_per_epoch`` batches make an epoch; ``validation_data`` is a generator
    (with ``validation_steps``) or a list ``(x_val, y_val)``; ``initial_epoch`` is
    0-based, as in R keras 2.x. ``view_metrics`` is accepted for R code (there is no
    RStudio viewer here).

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq import keras_model_sequential, layer_dense, compile
    >>> model = keras_model_sequential() | layer_dense(units=1, input_shape=3) \\
    ...     | compile(optimizer="sgd", loss="mse")
    >>> sampling_generator = lambda: [np.ones((8, 3)), np.zeros((8, 1))]   # function(): list(x, y)
    >>> history = model | fit_generator(sampling_generator, steps_per_epoch=4, epochs=2,
    ...                                 verbose=0)
    >>> len(history.history["loss"])
    2
    """
    _require_model(object, "fit_generator")
    if class_weight is not None:
        class_weight = {int(k): float(v) for k, v in dict(class_weight).items()}
    if isinstance(validation_data, list):
        validation_data = tuple(validation_data)
    elif validation_data is not None and not isinstance(validation_data, tuple):
        validation_data = _batches(validation_data)
    return object.fit_generator(_batches(generator), steps_per_epoch=steps_per_epoch,
                                epochs=epochs, verbose=verbose, callbacks=callbacks,
                                validation_data=validation_data,
                                validation_steps=validation_steps, class_weight=class_weight,
                                max_queue_size=max_queue_size, workers=workers,
                                initial_epoch=initial_epoch)


@_verb()
def evaluate_generator(object, generator, steps, max_queue_size=10, workers=1, callbacks=None):
    """Loss and metrics over ``steps`` batches from a generator, as named scores
    (R keras 2.x ``evaluate_generator()``).

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq import keras_model_sequential, layer_dense, compile
    >>> model = keras_model_sequential() | layer_dense(units=1, input_shape=3) \\
    ...     | compile(optimizer="sgd", loss="mse", metrics="mae")
    >>> scores = model | evaluate_generator(lambda: [np.ones((8, 3)), np.zeros((8, 1))],
    ...                                     steps=2)
    >>> sorted(scores)
    ['loss', 'mae']
    """
    _require_model(object, "evaluate_generator")
    return object.evaluate(_batches(generator), steps=steps, max_queue_size=max_queue_size,
                           workers=workers, callbacks=callbacks, verbose=0, return_dict=True)


@_verb()
def predict_generator(object, generator, steps, max_queue_size=10, workers=1, verbose=0,
                      callbacks=None):
    """Model outputs for the inputs of ``steps`` batches from a generator
    (R keras 2.x ``predict_generator()``); the generator may yield inputs only.

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq import keras_model_sequential, layer_dense, compile
    >>> model = keras_model_sequential() | layer_dense(units=2, input_shape=3) \\
    ...     | compile(optimizer="sgd", loss="mse")
    >>> (model | predict_generator(lambda: [np.ones((8, 3))], steps=3)).shape
    (24, 2)
    """
    _require_model(object, "predict_generator")
    return object.predict(_batches(generator), steps=steps, max_queue_size=max_queue_size,
                          workers=workers, verbose=verbose, callbacks=callbacks)
