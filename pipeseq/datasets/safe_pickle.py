"""Reading Keras's pickled dataset files without running code from them.

imdb.npz and reuters.npz hold ragged sequences as ``dtype=object`` arrays (a pickle stream
inside the ``.npy``); the CIFAR batches are pickled dicts of arrays. Rebuilding them needs
only NumPy's array constructors, so the unpickler refuses every other global (no
``os.system`` or ``eval`` through a crafted file).
"""
import io
import pickle
import zipfile

import numpy as np

_ALLOWED = frozenset({
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
})


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that can rebuild NumPy arrays and plain Python containers, nothing else."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` from a dataset file: only NumPy arrays and "
            "plain lists/dicts are expected there. The file may be corrupted or malicious.")


def load_pickle(path, encoding="bytes"):
    """Unpickle a file with :class:`RestrictedUnpickler` (CIFAR batches use ``encoding="bytes"``)."""
    with open(path, "rb") as fh:
        return RestrictedUnpickler(fh, encoding=encoding).load()


def _read_npy(fp):
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:
        fp.seek(0)
        version = np.lib.format.read_magic(fp)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(fp)
        elif version[0] in (2, 3):
            np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"Unsupported .npy format version {version}.") from None
        return RestrictedUnpickler(fp, encoding="latin1").load()


def load_npz(path):
    """``{name: array}`` of an ``.npz`` whose members may be pickled object arrays."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[:-4]] = _read_npy(io.BytesIO(raw.read()))
    return arrays
