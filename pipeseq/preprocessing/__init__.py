"""Keras's preprocessing utilities.

* :mod:`.sequence` — ``pad_sequences``, ``skipgrams``, ``make_sampling_table``,
  ``TimeseriesGenerator``
* :mod:`.text` — ``Tokenizer``, ``tokenizer_from_json``, ``text_to_word_sequence``,
  ``one_hot``, ``hashing_trick``
* :mod:`.image_utils` (``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``,
  ``smart_resize``), :mod:`.image_transforms`, :mod:`.image_generator`
  (``ImageDataGenerator``), :mod:`.image_iterators`, :mod:`.image_dataframe`
* :mod:`.dataset_utils` — Keras 3's ``timeseries_dataset_from_array``,
  ``image_dataset_from_directory``, ``text_dataset_from_directory``, ``split_dataset``,
  returning :class:`.batches.Batches` (what stands in for ``tf.data.Dataset``)

``compat.preprocessing.{sequence,text,image}`` and ``compat.utils`` give them Keras's
module paths.
"""
