"""The exceptions pipeseq raises for a bad file, and nothing else.

Every way a model or weights file can be wrong ends in one of these (or an
``OSError`` such as ``FileNotFoundError``/``PermissionError`` for the file
system itself):

* :class:`FileFormatError` -- not a readable Keras/pipeseq file: damaged,
  truncated, the wrong kind, or holding something pipeseq refuses to read
  (HDF5 external links or storage, virtual datasets, unknown filters, zip
  tricks, sizes beyond the limits in :mod:`pipeseq.limits`).
* :class:`WeightMismatchError` -- a readable file whose weights do not fit the
  model (count, shape, dtype, missing or extra layers), or a config asking for
  more weight bytes than the file holds.
* :class:`UnsafeConfigError` -- a config naming code pipeseq will not run
  (``Lambda`` layers, unknown custom classes, custom functions) or going beyond
  the config limits (nesting depth, layer count, names).

All three are ``ValueError`` subclasses (so ``except ValueError`` keeps
working) and their messages are capped at :data:`MAX_MESSAGE` characters,
the essentials first: a hostile file cannot flood a log.

Example
-------
>>> e = FileFormatError("x" * 5000)
>>> len(str(e)) <= MAX_MESSAGE
True
>>> issubclass(UnsafeConfigError, ValueError)
True
"""

MAX_MESSAGE = 2000


def cap(text, limit=MAX_MESSAGE):
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    text = str(text)
    if len(text) <= limit:
        return text
    tail = f" ... [{len(text) - limit + 60:,} more characters]"
    return text[:limit - len(tail)] + tail


def short_repr(value, limit=80):
    """``repr(value)`` capped at ``limit`` characters (for values read from a file)."""
    try:
        r = repr(value)
    except Exception:       # pragma: no cover - a repr that fails
        r = f"<{type(value).__name__}>"
    return r if len(r) <= limit else r[:limit - 3] + "..."


class _CappedError(ValueError):
    def __init__(self, message=""):
        super().__init__(cap(message))


class FileFormatError(_CappedError):
    """The file is not a readable Keras/pipeseq file, or holds something pipeseq refuses to read."""


class WeightMismatchError(_CappedError):
    """A file's weights do not fit the model (count, shape, dtype, missing/extra layers)."""


class UnsafeConfigError(_CappedError):
    """A config names code pipeseq will not run, or exceeds the config limits."""


FILE_ERRORS = (FileFormatError, WeightMismatchError, UnsafeConfigError, OSError)
