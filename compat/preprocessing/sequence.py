"""``keras.preprocessing.sequence``: ``pad_sequences``, ``skipgrams``, ``make_sampling_table``,
``TimeseriesGenerator``."""
from pipeseq.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table,  # noqa: F401
                                            pad_sequences, skipgrams)

__all__ = ["pad_sequences", "skipgrams", "make_sampling_table", "TimeseriesGenerator"]
