"""Python generators and iterators yielding ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

A generator is read once: with ``steps_per_epoch`` each epoch takes that many
batches from it and the next epoch continues where the last one stopped; without
it, the first epoch runs until the generator is exhausted.
"""
import inspect

from .base import DataAdapter


def is_generator(x):
    """Generators, iterators and other non-array iterables of batches."""
    if inspect.isgenerator(x) or hasattr(x, "__next__"):
        return True
    if isinstance(x, (list, tuple, dict, str, bytes)) or hasattr(x, "shape"):
        return False
    return hasattr(x, "__iter__") and not hasattr(x, "__getitem__")


class GeneratorDataAdapter(DataAdapter):
    restartable = False
    source = "the generator"

    def __init__(self, generator):
        self._it = iter(generator)
        try:
            self._first = [next(self._it)]
        except StopIteration:
            raise ValueError("When passing a Python generator, the generator must yield at "
                             "least one batch. Received an empty generator.") from None

    def batches(self):
        while self._first:
            yield self._first.pop()
        yield from self._it
