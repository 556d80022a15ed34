"""Categorical encodings and Keras's quantile summaries (``Discretization.adapt``).

* :func:`encode` -- ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` over the last axis,
  as Keras's ``encode_categorical_inputs``;
* :func:`summarize`, :func:`merge_summaries`, :func:`compress_summary`,
  :func:`bin_boundaries` -- Keras's approximate-quantile summary, ported line by line so
  ``adapt`` finds the same boundaries.

Example
-------
>>> import numpy as np
>>> encode(np.array([[0, 2, 2]]), "count", 4).tolist()
[[1.0, 0.0, 2.0, 0.0]]
"""
import numpy as np

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def encode(indices, output_mode, depth, dtype="float32", count_weights=None):
    indices = np.asarray(indices)
    if output_mode == "int":
        return indices.astype("int64")
    if indices.size and (indices.min() < 0 or indices.max() >= depth):
        raise ValueError(f"Input values must be in the range 0 <= values < {depth} (num_tokens). "
                         f"Received values in [{indices.min()}, {indices.max()}]")
    if indices.ndim == 0:
        indices = indices[None]
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        out = np.zeros(indices.shape + (depth,), dtype)
        np.put_along_axis(out, indices[..., None].astype(int), 1, axis=-1)
        return out
    flat = indices.reshape(-1, indices.shape[-1]).astype(int)
    out = np.zeros((flat.shape[0], depth), dtype)
    rows = np.repeat(np.arange(flat.shape[0]), flat.shape[1])
    if output_mode == "multi_hot":
        out[rows, flat.ravel()] = 1
    else:
        w = np.ones(flat.size) if count_weights is None else \
            np.asarray(count_weights).reshape(-1)
        np.add.at(out, (rows, flat.ravel()), w)
    return out.reshape(indices.shape[:-1] + (depth,))


def summarize(values, epsilon):
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def compress_summary(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_pct = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_pct, summary[0])
    cum_weights = np.interp(percents, cum_pct, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")


def merge_summaries(prev, nxt, epsilon):
    merged = np.concatenate((prev, nxt), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return compress_summary(merged, epsilon)


def bin_boundaries(summary, num_bins):
    return compress_summary(summary, 1.0 / num_bins)[0, :-1]
