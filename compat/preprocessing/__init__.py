"""``keras.preprocessing``: the Keras 2 modules ``sequence``, ``text``, ``image``, and Keras 3's
``image_dataset_from_directory``, ``text_dataset_from_directory``,
``timeseries_dataset_from_array`` (which return a ``PyDataset`` of batches; see docs/data.md).

Example
-------
>>> from compat.preprocessing.sequence import pad_sequences
>>> pad_sequences([[1, 2], [3]]).tolist()
[[1, 2], [0, 3]]
"""
from pipeseq.preprocessing.dataset_utils import (image_dataset_from_directory,  # noqa: F401
                                                 text_dataset_from_directory,
                                                 timeseries_dataset_from_array)

from . import image, sequence, text  # noqa: F401

__all__ = ["sequence", "text", "image", "image_dataset_from_directory",
           "text_dataset_from_directory", "timeseries_dataset_from_array"]
