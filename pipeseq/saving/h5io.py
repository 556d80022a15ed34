"""HDF5 plumbing shared by the weight and model formats: safe opening, attribute
decoding, checked dataset reads, atomic writes.

Nothing here reads a dataset before checking its shape and dtype against the
variable it is meant for, and every h5py failure becomes a
:class:`FileFormatError` that names the file.

Example
-------
>>> import numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "x.h5")
>>> with atomic_h5(path) as f:
...     _ = f.create_dataset("a", data=np.zeros(2, "float32"))
>>> with open_h5(path) as f:
...     read_checked(f["a"], (2,), "float32", "layer 'x'", "a").shape
(2,)
"""
import contextlib
import os
import tempfile

import numpy as np

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class FileFormatError(ValueError):
    """The file is not a readable Keras/pipeseq file (corrupt, truncated, wrong kind)."""


class WeightMismatchError(ValueError):
    """A file's weights do not fit the model (count, shape, dtype, missing/extra layers)."""


def _h5py():
    import h5py
    return h5py


def is_hdf5(path):
    """True if ``path`` starts with the HDF5 signature (at offset 0)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(8) == HDF5_SIGNATURE
    except OSError:
        return False


@contextlib.contextmanager
def open_h5(path, what="weights file"):
    """Open ``path`` read-only; turn every low-level failure into a clear error."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such {what}: '{path}'.")
    if os.path.getsize(path) == 0:
        raise FileFormatError(f"Cannot read {what} '{path}': the file is empty.")
    if not is_hdf5(path):
        raise FileFormatError(f"Cannot read {what} '{path}': it is not an HDF5 file "
                              "(no HDF5 signature at the start of the file).")
    h5py = _h5py()
    try:
        f = h5py.File(path, "r")
    except Exception as e:   # truncated/corrupt superblock, etc.
        raise FileFormatError(f"Cannot read {what} '{path}': the HDF5 file is damaged or "
                              f"truncated ({type(e).__name__}: {_short(e)}).") from None
    try:
        yield f
    except (FileFormatError, WeightMismatchError, FileNotFoundError):
        raise
    except (OSError, KeyError, RuntimeError, TypeError, AttributeError) as e:
        # h5py raises these when metadata or data blocks are corrupt.
        if isinstance(e, (TypeError, AttributeError)) and not _from_h5py(e):
            raise
        raise FileFormatError(f"Cannot read {what} '{path}': the HDF5 file is damaged "
                              f"({type(e).__name__}: {_short(e)}).") from None
    finally:
        try:
            f.close()
        except Exception:
            pass


def _from_h5py(e):
    tb = e.__traceback__
    while tb is not None:
        if "h5py" in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


def _short(e):
    s = str(e).strip().splitlines()
    return (s[0] if s else "")[:200]


def decode(value):
    """An HDF5 string attribute (bytes/str, scalar or array) as ``str`` or list of ``str``."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SUO":
            return [decode(v) for v in value.tolist()]
        if value.size == 0:
            return []
        raise FileFormatError(f"Expected a string attribute, found an array of {value.dtype}.")
    if isinstance(value, (np.bytes_,)):
        return bytes(value).decode("utf-8")
    if isinstance(value, (str, np.str_)):
        return str(value)
    return value


def get_attr(obj, name, default=None):
    """Decoded attribute ``name`` of ``obj`` or ``default``."""
    try:
        if name not in obj.attrs:
            return default
        return decode(obj.attrs[name])
    except FileFormatError:
        raise
    except Exception as e:
        raise FileFormatError(f"Cannot read attribute '{name}' of '{obj.name}' in "
                              f"'{obj.file.filename}': the file is damaged ({_short(e)}).") from None


def get_list_attr(obj, name):
    """A string-list attribute that Keras may have split into ``name0``, ``name1``, ...
    (it does so when the list exceeds HDF5's 64 KB object-header limit); ``[]`` if absent."""
    if name in obj.attrs:
        value = get_attr(obj, name, [])
        return [value] if isinstance(value, str) else list(value)
    out, i = [], 0
    while f"{name}{i}" in obj.attrs:
        part = get_attr(obj, f"{name}{i}", [])
        out.extend([part] if isinstance(part, str) else part)
        i += 1
    return out


def str_list(values):
    """A list of str as an HDF5 vlen string array (what Keras writes); empty -> float64 (0,)."""
    if not values:
        return np.zeros((0,), dtype="float64")
    return np.array([str(v) for v in values], dtype=_h5py().string_dtype("utf-8"))


def check_dataset(obj, expected_shape, expected_dtype, where, var_name):
    """Raise :class:`WeightMismatchError` unless ``obj`` is a numeric dataset of that shape."""
    h5py = _h5py()
    if not isinstance(obj, h5py.Dataset):
        raise WeightMismatchError(f"{where}: weight '{var_name}' should be a dataset, found a "
                                  f"{type(obj).__name__} at '{obj.name}'.")
    shape = tuple(obj.shape) if obj.shape is not None else None
    if shape != tuple(expected_shape):
        raise WeightMismatchError(f"{where}: weight '{var_name}' has shape {tuple(expected_shape)} "
                                  f"in the model, but the file has shape {shape} "
                                  f"(dataset '{obj.name}').")
    kind = obj.dtype.kind
    if kind not in "fiub":
        raise WeightMismatchError(f"{where}: weight '{var_name}' must be numeric ({expected_dtype}), "
                                  f"but the file has dtype {obj.dtype} (dataset '{obj.name}').")


def read_checked(obj, expected_shape, expected_dtype, where, var_name):
    """Check, then read ``obj`` into a new array of ``expected_dtype``."""
    check_dataset(obj, expected_shape, expected_dtype, where, var_name)
    arr = np.empty(tuple(expected_shape), dtype=obj.dtype)
    if arr.size:
        obj.read_direct(arr)
    else:
        arr = obj[()] if obj.shape != () else np.asarray(obj[()])
    arr = np.asarray(arr).astype(expected_dtype, copy=False)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        pass   # Keras accepts non-finite weights; so do we (the user may be debugging them)
    return arr


# ---------------------------------------------------------------- writing
@contextlib.contextmanager
def atomic_path(path, overwrite=True):
    """Yield a temporary path next to ``path``; on success rename it into place.

    A failure while writing removes the temporary file and leaves any existing
    file at ``path`` untouched.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot save to '{path}': it is a directory.")
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(f"File '{path}' exists and overwrite=False.")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"Cannot save to '{path}': directory '{directory}' does not exist.")
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=directory)
    os.close(fd)
    try:
        yield tmp
        # mkstemp creates the file as 0600; give the result the usual permissions (0666 & ~umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


@contextlib.contextmanager
def atomic_h5(path, overwrite=True):
    """An ``h5py.File`` opened for writing on a temp file, renamed into place on success."""
    h5py = _h5py()
    with atomic_path(path, overwrite) as tmp:
        f = h5py.File(tmp, "w")
        try:
            yield f
        finally:
            f.close()


def write_array(group, name, value):
    """Contiguous, uncompressed dataset (as Keras writes)."""
    return group.create_dataset(name, data=np.asarray(value))
