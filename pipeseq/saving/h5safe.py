"""The one safe way pipeseq walks and reads an HDF5 file (as Keras 3's ``safe_get_h5_*``).

* :func:`get` walks a path one component at a time, asking HDF5 for the *link*
  of each component first (``getlink=True``): only hard links are followed;
  soft links and external links are refused, and so are empty, ``.`` or
  absolute components (a name read from the file can never point elsewhere).
* :func:`dataset_problem` says what is wrong with a dataset before anything is
  read: external storage (bytes in an outside file), virtual datasets
  (another file's data, or fill values), filters other than deflate, shuffle,
  fletcher32 and lzf (others load plugin code), non-numeric or odd dtypes,
  chunks out of proportion to the dataset, compressed data that would expand
  beyond :data:`pipeseq.limits.MAX_EXPANSION` times the bytes stored.
* :func:`attr` reads an attribute after checking its size and element count.
* :func:`scan` visits a whole file this way (hard-link cycles detected,
  object count bounded): every dataset with the weight bytes it can credibly
  hold (the allocation budget of a model rebuilt from it), and every problem.

Example
-------
>>> import h5py, numpy as np, io
>>> bio = io.BytesIO()
>>> with h5py.File(bio, "w") as f:
...     _ = f.create_dataset("layers/d/vars/0", data=np.zeros(3, "float32"))
...     f["alias"] = h5py.SoftLink("/layers/d/vars/0")
>>> with h5py.File(bio, "r") as f:
...     get(f, "layers/d/vars/0", "dataset").shape
...     r = scan(f)
(3,)
>>> r.credit, r.problems
(12, ["'/alias' is a soft link (to '/layers/d/vars/0')"])
"""
import numpy as np

from .. import limits
from ..errors import FileFormatError, short_repr


def _h5py():
    import h5py
    return h5py


def _where(obj):
    try:
        return f"'{obj.file.filename}'"
    except Exception:       # pragma: no cover - a closed or in-memory file
        return "the file"


def check_component(name, parent_name="/"):
    """Refuse a path component that is not one plain member name."""
    if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or \
            "\x00" in name or len(name) > limits.MAX_NAME_LENGTH:
        raise FileFormatError(f"Invalid member name {short_repr(name)} under '{parent_name}': a "
                              "name must be one non-empty HDF5 member name (no '/', '.', NUL, "
                              f"at most {limits.MAX_NAME_LENGTH} characters).")


def link_problem(parent, name):
    """Why the link ``name`` in ``parent`` must not be followed, or ``None``."""
    h5py = _h5py()
    link = parent.get(name, getlink=True)
    if isinstance(link, h5py.SoftLink):
        return f"'{_join(parent.name, name)}' is a soft link (to '{short_repr(link.path)[1:-1]}')"
    if isinstance(link, h5py.ExternalLink):
        return (f"'{_join(parent.name, name)}' is an external link (to "
                f"{short_repr(link.filename)}:{short_repr(link.path)})")
    if link is not None and not isinstance(link, h5py.HardLink):   # pragma: no cover
        return f"'{_join(parent.name, name)}' is a {type(link).__name__}"
    return None


def _join(a, b):
    return f"{(a or '').rstrip('/')}/{b}"


def has(parent, name):
    """Whether ``parent`` has a link called ``name`` (the link is not followed)."""
    check_component(name, parent.name)
    return parent.get(name, getlink=True) is not None


def child(parent, name):
    """Member ``name`` of group ``parent`` through a hard link, ``None`` if absent."""
    check_component(name, parent.name)
    if parent.get(name, getlink=True) is None:     # the link itself, never what it points to
        return None
    problem = link_problem(parent, name)
    if problem:
        raise FileFormatError(f"Not allowed: {problem} in {_where(parent)}. pipeseq (like "
                              "Keras 3) only follows hard links inside the file.")
    return parent[name]


def get(parent, path, kind=None):
    """The object at ``path`` (relative, ``/``-separated) or ``None``; ``kind`` checks its type."""
    h5py = _h5py()
    obj = parent
    for part in str(path).split("/"):
        if not isinstance(obj, h5py.Group):
            raise FileFormatError(f"Invalid HDF5 file {_where(parent)}: '{obj.name}' should be a "
                                  f"group (it is a {type(obj).__name__}).")
        obj = child(obj, part)
        if obj is None:
            return None
    if kind == "group" and not isinstance(obj, h5py.Group):
        raise FileFormatError(f"Invalid HDF5 file {_where(parent)}: '{obj.name}' should be a "
                              f"group (it is a {type(obj).__name__}).")
    if kind == "dataset":
        if not isinstance(obj, h5py.Dataset):
            raise FileFormatError(f"Invalid HDF5 file {_where(parent)}: '{obj.name}' should be a "
                                  f"dataset (it is a {type(obj).__name__}).")
        check_dataset(obj)
    return obj


def members(group):
    """The member names of ``group`` (bounded count)."""
    n = len(group)
    if n > limits.MAX_GROUP_MEMBERS:
        raise FileFormatError(f"Refusing {_where(group)}: group '{group.name}' has {n:,} members "
                              f"(more than the limit of {limits.MAX_GROUP_MEMBERS:,}).")
    return list(group.keys())


# ------------------------------------------------------------------ datasets
def _filters(dcpl):
    out = []
    for i in range(dcpl.get_nfilters()):
        code, _flags, _values, name = dcpl.get_filter(i)
        out.append((int(code), name.decode("ascii", "replace") if isinstance(name, bytes)
                    else str(name)))
    return out


def declared_bytes(ds):
    shape = ds.id.shape
    if shape is None:         # a null dataspace
        return 0
    dt = ds.id.dtype
    return limits.nbytes(shape, dt if dt.kind in "fiubc" else "uint8") * (
        1 if dt.kind in "fiubc" else dt.itemsize) or 0


def dtype_problem(ds):
    """Why ``ds`` is not a numeric array dataset, or ``None``."""
    dt = ds.id.dtype
    if dt.kind not in "fiub" or dt.itemsize > limits.MAX_ITEMSIZE or dt.fields is not None or \
            dt.subdtype is not None:
        return f"dataset '{ds.name}' has dtype {short_repr(str(dt), 60)}, not a numeric array dtype"
    return None


def dataset_problem(ds):
    """Why ``ds`` must not be read, or ``None`` (checks metadata only; reads no data).
    The dtype is checked by :func:`dtype_problem` (a wrong dtype is a mismatch, not a danger)."""
    h5py = _h5py()
    dcpl = ds.id.get_create_plist()
    if dcpl.get_external_count():
        files = ", ".join(short_repr(dcpl.get_external(i)[0].decode("utf-8", "replace"), 60)
                          for i in range(min(3, dcpl.get_external_count())))
        return f"dataset '{ds.name}' uses external storage (its bytes live in {files})"
    layout = dcpl.get_layout()
    if layout == h5py.h5d.VIRTUAL:
        return (f"dataset '{ds.name}' is a virtual dataset (it maps data from other datasets "
                "or files)")
    if layout not in (h5py.h5d.COMPACT, h5py.h5d.CONTIGUOUS, h5py.h5d.CHUNKED):
        return f"dataset '{ds.name}' has an unsupported storage layout ({layout})"
    filters = _filters(dcpl)
    unknown = [f"{n or '?'} (id {c})" for c, n in filters if c not in limits.ALLOWED_FILTERS]
    if unknown:
        return (f"dataset '{ds.name}' uses the HDF5 filter(s) {', '.join(unknown)}; only "
                f"{', '.join(limits.ALLOWED_FILTERS.values())} are read (other filters load "
                "plugin code)")
    declared = declared_bytes(ds)
    if layout == h5py.h5d.CHUNKED:
        chunks = dcpl.get_chunk()
        item = ds.id.dtype.itemsize
        chunk = limits.nbytes(chunks, "uint8") * item
        if chunk > limits.MAX_CHUNK_BYTES or chunk > max(4 * declared, limits.EXPANSION_FLOOR):
            return (f"dataset '{ds.name}' of {limits.human(declared)} is stored in chunks of "
                    f"{tuple(chunks)} = {limits.human(chunk)} each, out of proportion to the data")
    if filters and declared > limits.EXPANSION_FLOOR:
        stored = ds.id.get_storage_size()
        if declared > limits.MAX_EXPANSION * stored:
            return (f"dataset '{ds.name}' declares {limits.human(declared)} but stores only "
                    f"{limits.human(stored)} compressed (more than {limits.MAX_EXPANSION}x "
                    "expansion: a decompression bomb)")
    return None


def check_dataset(ds):
    problem = dataset_problem(ds)
    if problem:
        raise FileFormatError(f"Not allowed: {problem}, in {_where(ds)}. Refusing to read it.")


def credit(ds):
    """Weight bytes ``ds`` can credibly fill: its bytes on disk (x the expansion limit if
    compressed), never more than it declares."""
    declared = declared_bytes(ds)
    dcpl = ds.id.get_create_plist()
    if dcpl.get_layout() == _h5py().h5d.COMPACT:
        return declared
    stored = ds.id.get_storage_size()
    if dcpl.get_nfilters():
        stored *= limits.MAX_EXPANSION
    return min(declared, stored)


# ------------------------------------------------------------------ attributes
def attr(obj, name, default=None, max_items=limits.MAX_NAMES):
    """Attribute ``name`` of ``obj`` decoded (str / list of str / numbers), after size checks."""
    if name not in obj.attrs:
        return default
    aid = obj.attrs.get_id(name)
    shape = aid.shape or ()
    count = int(np.prod(shape, dtype=object)) if shape else 1
    if count > max_items:
        raise FileFormatError(f"Refusing {_where(obj)}: attribute '{name}' of '{obj.name}' has "
                              f"{count:,} entries (more than the limit of {max_items:,}).")
    try:
        stored = aid.get_storage_size()
    except RuntimeError:          # HDF5 reports an empty attribute's size as an error
        stored = 0
    if stored > limits.MAX_ATTRIBUTE_BYTES:
        raise FileFormatError(f"Refusing {_where(obj)}: attribute '{name}' of '{obj.name}' is "
                              f"{limits.human(stored)} (more than "
                              f"{limits.human(limits.MAX_ATTRIBUTE_BYTES)}).")
    kind = aid.dtype.kind
    if kind not in "SUOfiub" or aid.dtype.fields is not None:
        raise FileFormatError(f"Invalid attribute '{name}' of '{obj.name}' in {_where(obj)}: "
                              f"unexpected dtype {short_repr(str(aid.dtype), 60)}.")
    try:
        value = obj.attrs[name]
    except (OSError, TypeError, ValueError, KeyError) as e:
        raise FileFormatError(f"Cannot read attribute '{name}' of '{obj.name}' in "
                              f"{_where(obj)}: the file is damaged ({short_repr(str(e), 200)})."
                              ) from None
    return decode(value, name)


def decode(value, name="?"):
    """An HDF5 string attribute (bytes/str, scalar or array) as ``str`` or list of ``str``."""
    try:
        if isinstance(value, (bytes, np.bytes_)):
            return bytes(value).decode("utf-8")
        if isinstance(value, np.ndarray):
            if value.dtype.kind in "SUO":
                return [decode(v, name) for v in value.ravel().tolist()]
            if value.size == 0:
                return []
            raise FileFormatError(f"Expected a string attribute '{name}', found an array of "
                                  f"{value.dtype}.")
    except UnicodeDecodeError:
        raise FileFormatError(f"Attribute '{name}' is not valid UTF-8 text.") from None
    if isinstance(value, (str, np.str_)):
        return str(value)
    if value is not None and not isinstance(value, (int, float, np.number, np.bool_)):
        raise FileFormatError(f"Unexpected value in attribute '{name}': {short_repr(value)}.")
    return value


def names_attr(obj, name, paths=False):
    """A list-of-names attribute (``layer_names``; ``weight_names`` with ``paths=True``, whose
    entries are ``/``-separated paths): a list of valid names. Keras splits a list beyond
    HDF5's 64 kB header limit into ``name0``, ``name1``, ...: read too, within the same
    ``limits.MAX_NAMES`` in total."""
    if name in obj.attrs:
        parts = [attr(obj, name, [])]
    else:
        parts, i, total = [], 0, 0
        while f"{name}{i}" in obj.attrs:
            part = attr(obj, f"{name}{i}", [], max_items=limits.MAX_NAMES - total)
            parts.append(part)
            total += 1 if isinstance(part, str) else len(part) if isinstance(part, list) else 1
            i += 1
            if i > limits.MAX_NAMES:
                raise FileFormatError(f"Refusing {_where(obj)}: attribute '{name}' of "
                                      f"'{obj.name}' is split into more than "
                                      f"{limits.MAX_NAMES:,} parts.")
    value = []
    for part in parts:
        if isinstance(part, str):
            part = [part]
        if not isinstance(part, list):
            raise FileFormatError(f"Attribute '{name}' of '{obj.name}' in {_where(obj)} should "
                                  f"list names; found {short_repr(part)}.")
        value.extend(part)
    for v in value:
        for part in (v.split("/") if paths and isinstance(v, str) else [v]):
            check_component(part, obj.name)
    return value


# ------------------------------------------------------------------ whole file
class ScanResult:
    """``datasets``: ``[(path, dataset)]`` that passed; ``problems``: ``[str]``; ``credit``: bytes."""

    def __init__(self):
        self.datasets, self.problems, self.credit = [], [], 0


def scan(group, skip=()):
    """Visit everything under ``group`` safely; never raises on content.

    HDF5's own link iteration lists every link (soft and external ones are reported, never
    followed); its object iteration then reaches each object once through hard links only
    (cycles and aliases included), and each dataset is checked by :func:`dataset_problem`.
    """
    h5py = _h5py()
    out, counts, seen = ScanResult(), {}, [0]
    base = group.name.rstrip("/")

    def on_link(name, info):
        seen[0] += 1
        if seen[0] > limits.MAX_OBJECTS:
            out.problems.append(f"more than {limits.MAX_OBJECTS:,} links in the file")
            return 1                                   # stops the iteration
        path = name.decode("utf-8", "replace")
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        counts[parent] = counts.get(parent, 0) + 1
        if info.type != h5py.h5l.TYPE_HARD:
            parent_group = group[parent] if parent else group
            problem = link_problem(parent_group, path.rsplit("/", 1)[-1])
            out.problems.append(problem or f"'{base}/{path}' is not a hard link")
        return None

    group.id.links.visit(on_link, info=True)
    for parent, n in counts.items():
        if n > limits.MAX_GROUP_MEMBERS:
            out.problems.append(f"group '{base}/{parent}' has {n:,} members (more than the "
                                f"limit of {limits.MAX_GROUP_MEMBERS:,})")
    if seen[0] > limits.MAX_OBJECTS:
        return out
    found = []

    def on_object(name, info):
        path = name.decode("utf-8", "replace")
        if info.type == h5py.h5o.TYPE_DATASET:
            found.append(path)
        elif info.type != h5py.h5o.TYPE_GROUP:
            out.problems.append(f"'{base}/{path}' is a committed datatype or other non-data object")
        return None

    h5py.h5o.visit(group.id, on_object, info=True)
    for path in found:
        if any(path == s or path.startswith(s + "/") for s in skip):
            continue
        try:
            ds = group[path]        # reached through hard links only (h5o.visit)
        except (KeyError, OSError, RuntimeError, ValueError) as e:
            out.problems.append(f"'{base}/{path}' cannot be opened ({short_repr(str(e), 120)})")
            continue
        problem = dataset_problem(ds)
        if problem:
            out.problems.append(problem)
            continue
        out.datasets.append((path, ds))
        if dtype_problem(ds) is None:
            out.credit += credit(ds)
    return out
