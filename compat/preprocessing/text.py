"""``keras.preprocessing.text``: ``Tokenizer``, ``tokenizer_from_json``,
``text_to_word_sequence``, ``one_hot``, ``hashing_trick``."""
from pipeseq.preprocessing.text import (Tokenizer, hashing_trick, one_hot,  # noqa: F401
                                        text_to_word_sequence, tokenizer_from_json)

__all__ = ["Tokenizer", "tokenizer_from_json", "text_to_word_sequence", "one_hot",
           "hashing_trick"]
