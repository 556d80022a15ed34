"""HDF5 plumbing shared by the weight and model formats: safe opening, attribute
decoding, checked dataset reads, atomic writes.

Nothing here opens anything but a regular file, and nothing reads a dataset
before :mod:`.h5safe` has checked it and its shape matches the variable it is
meant for; every h5py failure becomes a :class:`FileFormatError` naming the file.

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
import io
import os
import stat
import tempfile

import numpy as np

from ..errors import FILE_ERRORS, FileFormatError, WeightMismatchError, short_repr
from . import h5safe

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _h5py():
    import h5py
    return h5py


def check_regular_file(path, what="file"):
    """Refuse anything but an existing regular file (FIFOs, devices, sockets hang or never end)
    before it is opened; a directory gets :class:`IsADirectoryError`."""
    path = os.fspath(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"No such {what}: '{path}'.") from None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(f"'{path}' is a directory, not a {what} (a TensorFlow "
                                "SavedModel?). pipeseq reads .keras archives and .h5 files.")
    if not stat.S_ISREG(st.st_mode):
        kind = "FIFO" if stat.S_ISFIFO(st.st_mode) else "device" if (
            stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)) else "socket" if \
            stat.S_ISSOCK(st.st_mode) else "special file"
        raise FileFormatError(f"Refusing to read '{path}': it is a {kind}, not a regular file.")
    return st.st_size


def signature(path, n=8):
    """The first ``n`` bytes of a regular file (``b""`` for anything else)."""
    try:
        check_regular_file(path)
        with open(path, "rb") as fh:
            return fh.read(n)
    except (OSError, FileFormatError):
        return b""


def is_hdf5(path):
    """True if ``path`` is a regular file starting with the HDF5 signature."""
    return signature(path) == HDF5_SIGNATURE


@contextlib.contextmanager
def open_h5(path, what="weights file"):
    """Open ``path`` read-only; turn every low-level failure into a clear error."""
    path = os.fspath(path)
    size = check_regular_file(path, what)
    if size == 0:
        raise FileFormatError(f"Cannot read {what} '{path}': the file is empty.")
    if not is_hdf5(path):
        raise FileFormatError(f"Cannot read {what} '{path}': it is not an HDF5 file "
                              "(no HDF5 signature at the start of the file).")
    with _opened(lambda: _h5py().File(path, "r"), f"{what} '{path}'") as f:
        yield f


@contextlib.contextmanager
def open_h5_bytes(data, source):
    """An in-memory read-only ``h5py.File`` over ``data`` (no path on disk is derived from it)."""
    if not bytes(data[:8]) == HDF5_SIGNATURE:
        raise FileFormatError(f"{source} is not an HDF5 file.")
    with _opened(lambda: _h5py().File(io.BytesIO(data), "r"), source) as f:
        yield f


@contextlib.contextmanager
def _opened(open_fn, label):
    try:
        f = open_fn()
    except Exception as e:   # truncated/corrupt superblock, etc.
        raise FileFormatError(f"Cannot read {label}: the HDF5 file is damaged or truncated "
                              f"({type(e).__name__}: {_short(e)}).") from None
    try:
        yield f
    except FILE_ERRORS:
        raise
    except (KeyError, RuntimeError, TypeError, AttributeError, ValueError, IndexError,
            OverflowError, UnicodeDecodeError) as e:
        # h5py raises these when metadata or data blocks are corrupt.
        if isinstance(e, (TypeError, AttributeError, IndexError, ValueError)) and \
                not _from_h5py(e):
            raise
        raise FileFormatError(f"Cannot read {label}: the HDF5 file is damaged "
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


def get_attr(obj, name, default=None):
    """Decoded attribute ``name`` of ``obj`` or ``default`` (size-checked, see h5safe.attr)."""
    return h5safe.attr(obj, name, default)


def str_list(values):
    """A list of str as an HDF5 vlen string array (what Keras writes); empty -> float64 (0,)."""
    if not values:
        return np.zeros((0,), dtype="float64")
    return np.array([str(v) for v in values], dtype=_h5py().string_dtype("utf-8"))


def check_dataset(obj, expected_shape, expected_dtype, where, var_name):
    """Raise unless ``obj`` is a safe numeric dataset of ``expected_shape`` (reads no data)."""
    h5py = _h5py()
    if not isinstance(obj, h5py.Dataset):
        raise WeightMismatchError(f"{where}: weight '{var_name}' should be a dataset, found a "
                                  f"{type(obj).__name__} at '{obj.name}'.")
    h5safe.check_dataset(obj)
    if h5safe.dtype_problem(obj):
        raise WeightMismatchError(f"{where}: weight '{var_name}' must be numeric ({expected_dtype}), "
                                  f"but the file has dtype {short_repr(str(obj.dtype), 60)} "
                                  f"(dataset '{obj.name}').")
    shape = tuple(obj.shape) if obj.shape is not None else None
    if shape != tuple(expected_shape):
        raise WeightMismatchError(f"{where}: weight '{var_name}' has shape {tuple(expected_shape)} "
                                  f"in the model, but the file has shape "
                                  f"{short_repr(shape, 100)} (dataset '{obj.name}').")


def read_checked(obj, expected_shape, expected_dtype, where, var_name):
    """Check, then read ``obj`` into a new array of ``expected_dtype``."""
    check_dataset(obj, expected_shape, expected_dtype, where, var_name)
    arr = np.empty(tuple(expected_shape), dtype=obj.dtype)
    if arr.size:
        obj.read_direct(arr)
    return arr.astype(expected_dtype, copy=False)


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
