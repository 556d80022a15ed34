"""``RList``: an R named list in Python, for results the R front end returns.

R's ``mnist$train$x`` works as ``mnist["train"]["x"]`` and as ``mnist.train.x``; positions
work as in a Python sequence (``mnist[0]`` is ``train``), and an RList unpacks like the tuple
Python Keras returns: ``(x_train, y_train), (x_test, y_test) = dataset_mnist()``. Elements may
be unnamed (``RList.from_pairs``). Printing follows R's ``print(list)``.

Example
-------
>>> r = RList(train=RList(x=[1, 2], y=[0]), test=RList(x=[3], y=[1]))
>>> r.train.x, r["test"]["y"], r[1].x
([1, 2], [1], [3])
>>> (x_train, y_train), (x_test, y_test) = r
>>> r.names()
['train', 'test']
>>> print(RList(loss=0.25, accuracy=1.0))
$loss
[1] 0.25
<BLANKLINE>
$accuracy
[1] 1.0
<BLANKLINE>
"""
import numpy as np


class RList:
    """An ordered list of values, each with an optional name (R's ``list(a = 1, 2)``)."""

    __slots__ = ("_names", "_values")

    def __init__(self, *values, **named):
        object.__setattr__(self, "_names", [None] * len(values) + list(named))
        object.__setattr__(self, "_values", list(values) + list(named.values()))

    @classmethod
    def from_pairs(cls, pairs):
        """Build from ``[(name or None, value), ...]`` (any order of named and unnamed)."""
        out = cls()
        for name, value in pairs:
            out._names.append(None if name is None else str(name))
            out._values.append(value)
        return out

    # -- R's accessors --------------------------------------------------------------------
    def names(self):
        """The names, ``None`` where an element has none (R: ``names(x)``, with ``""``)."""
        return list(self._names)

    def keys(self):
        return [n for n in self._names if n is not None]

    def values(self):
        return list(self._values)

    def items(self):
        return [(n, v) for n, v in zip(self._names, self._values) if n is not None]

    def to_dict(self):
        """Named elements as a plain (nested) ``dict``; inner RLists are converted too."""
        return {n: v.to_dict() if isinstance(v, RList) else v for n, v in self.items()}

    def get(self, name, default=None):
        return self[name] if name in self else default

    def _position(self, key):
        if isinstance(key, str):
            if key not in self._names:
                raise KeyError(f"No element named {key!r} in this list. Names: "
                               f"{self.keys()}")
            return self._names.index(key)
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            n = len(self._values)
            if not -n <= key < n:
                raise IndexError(f"Position {key} is out of range for a list of {n} "
                                 "elements (positions are 0-based, as in Python).")
            return int(key) % n
        raise TypeError(f"List elements are selected by name (str) or position (int). "
                        f"Received: {key!r}")

    def __getitem__(self, key):
        if isinstance(key, slice):
            return RList.from_pairs(list(zip(self._names, self._values))[key])
        return self._values[self._position(key)]

    def __setitem__(self, key, value):
        if isinstance(key, str) and key not in self._names:
            self._names.append(key)
            self._values.append(value)
        else:
            self._values[self._position(key)] = value

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise AttributeError(f"This list has no element {name!r}. Names: "
                                 f"{self.keys()}") from None

    def __setattr__(self, name, value):
        if name.startswith("_"):
            raise AttributeError(f"Cannot set {name!r} on a list")
        self[name] = value

    def __contains__(self, name):
        return name in self._names

    def __len__(self):
        return len(self._values)

    def __iter__(self):
        return iter(self._values)

    def __eq__(self, other):
        if isinstance(other, RList):
            return self._names == other._names and _equal(self._values, other._values)
        return NotImplemented

    __hash__ = None

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self.keys()))

    def __getstate__(self):
        return (self._names, self._values)

    def __setstate__(self, state):
        object.__setattr__(self, "_names", list(state[0]))
        object.__setattr__(self, "_values", list(state[1]))

    def __repr__(self):
        return "\n".join(_r_print(self, "")) if self._values else "list()"


def _equal(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not np.array_equal(np.asarray(x, dtype=object), np.asarray(y, dtype=object)):
                return False
        elif x != y:
            return False
    return True


def _r_print(lst, prefix):
    lines = []
    for i, (name, value) in enumerate(zip(lst._names, lst._values)):
        tag = f"{prefix}${name}" if name is not None and name.isidentifier() else (
            f"{prefix}$`{name}`" if name is not None else f"{prefix}[[{i + 1}]]")
        if isinstance(value, RList):
            lines += _r_print(value, tag) if len(value) else [tag, "list()", ""]
            continue
        lines += [tag, _r_value(value), ""]
    return lines


def _r_value(value):
    if isinstance(value, np.ndarray) and value.dtype != object:
        if value.ndim <= 1:
            return "[1] " + np.array2string(value.ravel(), threshold=20, edgeitems=5,
                                            max_line_width=78)[1:-1].strip()
        flat = value.ravel()
        head = " ".join(str(v) for v in flat[:10]) + (" ..." if flat.size > 10 else "")
        return f"<{value.dtype} array, dim {' x '.join(map(str, value.shape))}> {head}"
    if isinstance(value, (bool, int, float, str, np.number, np.bool_)):
        return f"[1] {value!r}" if isinstance(value, str) else f"[1] {value}"
    if isinstance(value, (list, tuple, np.ndarray)) and len(value) > 6:
        head = ", ".join(_short(v) for v in value[:3])
        return f"<{type(value).__name__} of {len(value)} elements> {head}, ..."
    text = repr(value)
    return text if len(text) <= 300 else text[:297] + "..."


def _short(v):
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."
