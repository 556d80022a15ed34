"""Connectionist temporal classification: the loss with its gradient (forward-backward in
log space) and greedy / beam-search decoding. No state; float64 inside, callers cast.

``blank`` is the index of the blank class: 0 for Keras 3's ``CTC`` loss and
``ops.ctc_decode`` (``mask_index=0``), the last class for Keras 2's
``K.ctc_batch_cost`` / ``K.ctc_decode``.

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels.ctc import ctc_loss_and_grad
>>> logits = np.zeros((1, 3, 3))                 # uniform over {blank, a, b}
>>> loss, grad = ctc_loss_and_grad(logits, np.array([[1, 2]]), np.array([2]), np.array([3]), blank=0)
>>> round(float(loss[0]), 4)                     # -log(5 paths / 27)
1.6864
"""
import numpy as np

_NEG = -np.inf


def _logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis) if axis is not None else out.reshape(())


def log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    s = x - m
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


def ctc_loss_and_grad(logits, labels, label_length, input_length, blank=0, want_grad=True):
    """Negative log-likelihood per sample and its gradient w.r.t. the (unnormalised) logits.

    ``logits``: ``(batch, time, classes)``; ``labels``: ``(batch, max_label_len)`` integers
    (entries past ``label_length`` are ignored).
    """
    logits = np.asarray(logits, dtype="float64")
    b, t_max, c = logits.shape
    logp = log_softmax(logits)
    losses = np.zeros(b)
    grads = np.zeros_like(logits) if want_grad else None
    for i in range(b):
        tl = int(input_length[i])
        lab = [int(v) for v in np.asarray(labels[i])[:int(label_length[i])]]
        ext = [blank]
        for v in lab:
            ext += [v, blank]
        s = len(ext)
        lp = logp[i, :tl]
        alpha = np.full((tl, s), _NEG)
        alpha[0, 0] = lp[0, ext[0]]
        if s > 1:
            alpha[0, 1] = lp[0, ext[1]]
        skip = np.array([j >= 2 and ext[j] != blank and ext[j] != ext[j - 2] for j in range(s)])
        for t in range(1, tl):
            prev = alpha[t - 1]
            a1 = np.concatenate([[_NEG], prev[:-1]])
            a2 = np.where(skip, np.concatenate([[_NEG, _NEG], prev[:-2]]), _NEG)
            alpha[t] = np.logaddexp(np.logaddexp(prev, a1), a2) + lp[t, ext]
        ll = np.logaddexp(alpha[tl - 1, s - 1], alpha[tl - 1, s - 2]) if s > 1 else alpha[tl - 1, 0]
        losses[i] = -ll
        if not want_grad:
            continue
        beta = np.full((tl, s), _NEG)
        beta[tl - 1, s - 1] = lp[tl - 1, ext[s - 1]]
        if s > 1:
            beta[tl - 1, s - 2] = lp[tl - 1, ext[s - 2]]
        skip_next = np.array([j + 2 < s and ext[j] != blank and ext[j] != ext[j + 2]
                              for j in range(s)])
        for t in range(tl - 2, -1, -1):
            nxt = beta[t + 1]
            b1 = np.concatenate([nxt[1:], [_NEG]])
            b2 = np.where(skip_next, np.concatenate([nxt[2:], [_NEG, _NEG]]), _NEG)
            beta[t] = np.logaddexp(np.logaddexp(nxt, b1), b2) + lp[t, ext]
        ab = alpha + beta                                   # log(alpha * beta), counts lp twice
        occ = np.full((tl, c), _NEG)
        for j, k in enumerate(ext):
            occ[:, k] = np.logaddexp(occ[:, k], ab[:, j])
        with np.errstate(invalid="ignore"):
            post = np.exp(occ - lp - ll) if np.isfinite(ll) else np.zeros_like(occ)
        grads[i, :tl] = np.exp(lp) - np.nan_to_num(post)
    return losses, grads


def greedy_decode(inputs, lengths, blank=0, merge_repeated=True):
    """Best path: argmax per step, repeats merged, blanks dropped. Returns (paths, scores);
    a score is the negative sum of the best input value per step (TensorFlow's)."""
    paths, scores = [], []
    for i in range(len(inputs)):
        tl = int(lengths[i])
        best = np.argmax(inputs[i, :tl], axis=-1)
        scores.append(-float(np.max(inputs[i, :tl], axis=-1).sum()))
        out, prev = [], None
        for k in best:
            if k != blank and not (merge_repeated and k == prev):
                out.append(int(k))
            prev = k
        paths.append(out)
    return paths, np.array(scores)


def beam_search_decode(logp, lengths, beam_width=100, top_paths=1, blank=0):
    """CTC prefix beam search. Returns ``top_paths`` lists of paths and their log-probabilities."""
    all_paths, all_scores = [], []
    for i in range(len(logp)):
        beams = {(): (0.0, _NEG)}                    # prefix -> (log p ending in blank, non-blank)
        for t in range(int(lengths[i])):
            lp = logp[i, t]
            nxt = {}

            def add(prefix, pb, pnb):
                ob, onb = nxt.get(prefix, (_NEG, _NEG))
                nxt[prefix] = (np.logaddexp(ob, pb), np.logaddexp(onb, pnb))
            for prefix, (pb, pnb) in beams.items():
                total = np.logaddexp(pb, pnb)
                add(prefix, total + lp[blank], _NEG)
                for k in range(logp.shape[-1]):
                    if k == blank:
                        continue
                    if prefix and prefix[-1] == k:
                        add(prefix, _NEG, pnb + lp[k])              # repeat, no new symbol
                        add(prefix + (k,), _NEG, pb + lp[k])        # new symbol after a blank
                    else:
                        add(prefix + (k,), _NEG, total + lp[k])
            ranked = sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))
            beams = dict(ranked[:beam_width])
        ranked = sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))[:top_paths]
        all_paths.append([list(p) for p, _ in ranked])
        all_scores.append([float(np.logaddexp(*v)) for _, v in ranked])
    return all_paths, all_scores
