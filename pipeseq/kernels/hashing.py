"""The string hashes TensorFlow uses for Keras's ``Hashing``, ``HashedCrossing`` and the
lookup layers' out-of-vocabulary buckets, so that pipeseq puts every value in the same bin:

* :func:`fingerprint64` -- FarmHash ``Fingerprint64`` (``tf.strings.to_hash_bucket_fast``),
  from the ``pyfarmhash`` package;
* :func:`siphash` -- keyed SipHash-2-4 (``tf.strings.to_hash_bucket_strong``; the key is
  the two 64-bit halves of Keras's ``salt``), from the ``siphashc`` package;
* :func:`cross_hashed` -- ``tf.sparse.cross_hashed``: FingerprintCat64 chained over the
  features from the key ``0xDECAFCAFFE``;
* :func:`as_string` -- ``tf.strings.as_string`` for integers (how numbers are hashed).

Example
-------
>>> import numpy as np
>>> hash_bucket_fast(np.array(["a", "hello"], dtype=object), 1000).tolist()
[939, 296]
>>> hash_bucket_strong(np.array(["a", "hello"], dtype=object), 1000, (1, 2)).tolist()
[646, 622]
"""
import struct

import numpy as np

_MASK = (1 << 64) - 1
_MUL = 0xC6A4A7935BD1E995
CROSS_HASH_KEY = 0xDECAFCAFFE        # tf.sparse.cross_hashed's default hash_key


def _farmhash():
    try:
        import farmhash
    except ImportError:   # pragma: no cover - a core dependency
        raise ImportError("Hashing strings as Keras does needs FarmHash: "
                          "`pip install pyfarmhash`.") from None
    return farmhash


def _bytes(s):
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)


def fingerprint64(s):
    """FarmHash Fingerprint64 of a ``str`` (as UTF-8) or ``bytes``, an unsigned 64-bit int."""
    return _farmhash().fingerprint64(_bytes(s))


def siphash(key, s):
    """SipHash-2-4 of ``s`` under the 128-bit ``key = (k0, k1)`` (TF's StrongKeyedHash)."""
    import siphashc
    k0, k1 = (int(k) & _MASK for k in key)
    return siphashc.siphash(struct.pack("<QQ", k0, k1), _bytes(s))


def as_string(x):
    """Decimal strings for integers (``tf.strings.as_string``); strings pass through."""
    x = np.asarray(x)
    if x.dtype.kind in "OUS":
        return x
    out = np.empty(x.size, dtype=object)
    out[:] = [str(int(v)) for v in x.ravel()]
    return out.reshape(x.shape)


def _buckets(values, num_buckets, fn):
    values = np.asarray(values, dtype=object)
    out = np.fromiter((fn(v) % num_buckets for v in values.ravel()), "int64", values.size)
    return out.reshape(values.shape)


def hash_bucket_fast(values, num_buckets):
    """``Fingerprint64(s) % num_buckets`` for every string of ``values``."""
    fp = _farmhash().fingerprint64
    return _buckets(values, num_buckets, lambda v: fp(_bytes(v)))


def hash_bucket_strong(values, num_buckets, key):
    """``SipHash(key, s) % num_buckets`` for every string of ``values``."""
    return _buckets(values, num_buckets, lambda v: siphash(key, v))


def _shift_mix(v):
    return v ^ (v >> 47)


def fingerprint_cat64(fp1, fp2):
    """TF's ``FingerprintCat64``: combine two 64-bit fingerprints."""
    result = fp1 ^ _MUL
    result ^= (_shift_mix((fp2 * _MUL) & _MASK) * _MUL) & _MASK
    result = (result * _MUL) & _MASK
    result = (_shift_mix(result) * _MUL) & _MASK
    return _shift_mix(result)


def _feature_hash(v):
    if isinstance(v, (str, bytes, np.str_, np.bytes_)):
        return fingerprint64(v)
    return int(v) & _MASK                 # an int64 feature enters as its own bit pattern


def cross_hashed(columns, num_bins):
    """Hashed cross of equally long 1-D columns (``tf.sparse.cross_hashed``, one value per
    row and column): ``int64`` bins in ``[0, num_bins)``."""
    cols = [np.asarray(c, dtype=object).ravel() for c in columns]
    out = np.empty(len(cols[0]), "int64")
    for i in range(len(out)):
        h = CROSS_HASH_KEY
        for c in cols:
            h = fingerprint_cat64(h, _feature_hash(c[i]))
        out[i] = h % num_bins
    return out
