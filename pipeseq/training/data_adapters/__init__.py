"""Everything ``fit``/``evaluate``/``predict`` can read, behind one small interface.

* :class:`PyDataset` (Keras 3) and :class:`Sequence` (Keras 2): the classes users subclass.
* :func:`get_data_adapter` picks the adapter for what the user passed: NumPy arrays /
  lists / pandas (:class:`ArrayDataAdapter`, checked up front), streamed array-likes
  such as h5py datasets, memmaps and Dask arrays (:class:`ArrayDataAdapter` reading
  batch by batch), Python generators (:class:`GeneratorDataAdapter`) and
  ``PyDataset``/``Sequence`` objects (:class:`PyDatasetAdapter`, with workers).
* :class:`EpochIterator`: steps and epochs over an adapter; checks each batch.
"""
from .array_adapter import ArrayDataAdapter
from .base import Batch, DataAdapter
from .convert import is_streamed, structure, check_lengths, to_array
from .epoch_iterator import EpochIterator
from .generator_adapter import GeneratorDataAdapter, is_generator
from .py_dataset import PyDataset, Sequence
from .sequence_adapter import PyDatasetAdapter

__all__ = ["PyDataset", "Sequence", "DataAdapter", "Batch", "ArrayDataAdapter",
           "GeneratorDataAdapter", "PyDatasetAdapter", "EpochIterator", "get_data_adapter"]


def get_data_adapter(x, y=None, sample_weight=None, *, prepare, layout, what="fit",
                     batch_size=None, steps=None, shuffle=False, class_weight=None, need_y=True,
                     workers=None, use_multiprocessing=None, max_queue_size=None):
    """``(adapter, class_weight_left)``: the adapter for ``x``, and the class weights still
    to apply per batch (``None`` when they were folded into in-memory sample weights).

    ``prepare(x, y, sample_weight, class_weight) -> (xs, ys, sw, n)`` checks data
    against the model; ``layout`` is ``(n_inputs, input_names, n_outputs, output_names)``.
    """
    if isinstance(x, PyDataset) or is_generator(x):
        kind = "a PyDataset/Sequence" if isinstance(x, PyDataset) else "a generator"
        for name, value in (("y", y), ("sample_weight", sample_weight)):
            if value is not None:
                raise ValueError(f"{what}(): `{name}` cannot be given when x is {kind}; yield "
                                 f"(x, y) or (x, y, sample_weight) batches instead. Received: "
                                 f"{name} of type {type(value).__name__}.")
        if isinstance(x, PyDataset):
            return PyDatasetAdapter(x, shuffle=shuffle, workers=workers,
                                    use_multiprocessing=use_multiprocessing,
                                    max_queue_size=max_queue_size), class_weight
        return GeneratorDataAdapter(x), class_weight
    if need_y and y is None:
        raise ValueError(f"{what}(): y is required with array data (pipeseq has no "
                         "unsupervised fit). Pass y=, or a generator/PyDataset yielding (x, y).")
    n_in, in_names, n_out, out_names = layout
    xs = structure(x, n_in, "x", in_names)
    ys = structure(y, n_out, "y", out_names)
    if any(is_streamed(a) for a in xs + (ys or []) + [sample_weight]):
        sw = sample_weight
        if sw is not None and not is_streamed(sw):
            sw = to_array(sw, "sample_weight").astype("float64")
        if check_lengths(xs, ys, sw) == 0:
            raise ValueError("Received empty data: x has 0 samples.")
        return ArrayDataAdapter(xs, ys, sw, batch_size, shuffle, prepared=False,
                                steps=steps), class_weight
    xs, ys, sw, _ = prepare(x, y, sample_weight, class_weight)
    return ArrayDataAdapter(xs, ys, sw, batch_size, shuffle, prepared=True, steps=steps), None
