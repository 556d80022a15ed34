"""Keras-style progress output.

verbose=1: ``32/32 [==============================] - 0s 1ms/step - loss: 0.4972 - accuracy: 0.9490``
redrawn in place on a terminal or in Jupyter (at most every 0.1 s, so a notebook
gets a handful of updates, not thousands of lines); when the output is a file or
pipe, only the finished line of each epoch is written. verbose=2: one line per
epoch, ``32/32 - 0s - loss: ... - 94ms/epoch - 3ms/step``.

An unknown total (a generator without ``steps_per_epoch``) shows as Keras shows it,
``     12/Unknown - 1s 5ms/step - loss: ...``; the finished line gives the count.
"""
import os
import sys
import time


def _dynamic(stream):
    if "ipykernel" in sys.modules:
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def format_value(v):
    v = float(v)
    return f"{v:.4f}" if abs(v) > 1e-3 or v == 0 else f"{v:.4e}"


def format_logs(logs):
    return "".join(f" - {k}: {format_value(v)}" for k, v in logs.items())


def _per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


class _LogStream:
    """Lines to ``logging`` (logger ``pipeseq``) when interactive logging is disabled."""

    def write(self, text):
        import logging
        text = text.strip("\r\n ")
        if text:
            logging.getLogger("pipeseq").info(text)

    def flush(self):
        pass

    def isatty(self):
        return False


class Progbar:
    """Progress bar over ``target`` steps; ``update(current, logs, finalize)``."""

    def __init__(self, target, verbose=1, width=30, interval=0.1, stream=None,
                 stateful_metrics=None, unit_name="step"):
        self.target, self.verbose, self.width, self.interval = target, verbose, width, interval
        self.stateful_metrics, self.unit_name = set(stateful_metrics or ()), unit_name
        self._sums, self._seen = {}, 0
        self.stream = stream or sys.stdout
        from ..utils import is_interactive_logging_enabled
        if not is_interactive_logging_enabled():
            self.stream = _LogStream()
        self.dynamic = _dynamic(self.stream) and not os.environ.get("PIPESEQ_PROGRESS_PLAIN")
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._prev_width = 0
        self._first_step_time = None

    def _head(self, current):
        if self.target is None:
            return f"{current:7d}/Unknown"
        return f"{current:>{len(str(self.target))}}/{self.target} [{self._bar(current)}]"

    def _bar(self, current):
        done = int(self.width * current / self.target) if self.target else self.width
        if current >= self.target:
            return "=" * self.width
        return ("=" * max(done - 1, 0) + ">" if done else ">") + "." * (self.width - max(done, 1))

    def add(self, n, values=None):
        """Keras's ``Progbar.add``: advance by ``n`` steps."""
        self.update(self._seen + n, values, finalize=None)

    def _averaged(self, current, values):
        """Keras's ``values=[(name, value), ...]``: running means over steps (except
        ``stateful_metrics``, shown as given)."""
        step = max(current - self._seen, 1)
        out = {}
        for k, v in values:
            if k in self.stateful_metrics:
                out[k] = v
            else:
                total, count = self._sums.get(k, (0.0, 0))
                self._sums[k] = (total + float(v) * step, count + step)
                out[k] = self._sums[k][0] / self._sums[k][1]
        return out

    def update(self, current, logs=None, finalize=False):
        if isinstance(logs, (list, tuple)):
            logs = self._averaged(current, logs)
        self._seen = current
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        logs = logs or {}
        now = time.perf_counter()
        if self._first_step_time is None and current >= 1:
            self._first_step_time = now
        if self.verbose == 0:
            return
        if finalize and self.target is None:
            self.target = current
        elapsed = now - self.start
        digits = len(str(self.target))
        if self.verbose == 2:
            if finalize:
                per_step = elapsed / max(current, 1)
                line = (f"{current:>{digits}}/{self.target} - {elapsed:.0f}s{format_logs(logs)} - "
                        f"{elapsed * 1e3:.0f}ms/epoch - {_per_step(per_step)}")
                self.stream.write(line + "\n")
                self.stream.flush()
            return
        if not finalize and (not self.dynamic or now - self._last_draw < self.interval):
            return
        self._last_draw = now
        head = self._head(current)
        per_step = elapsed / max(current, 1)
        if finalize:
            line = f"{head} - {elapsed:.0f}s {_per_step(per_step)}{format_logs(logs)}"
        elif self.target is None:
            line = f"{head} - {elapsed:.0f}s {_per_step(per_step)}{format_logs(logs)}"
        else:
            eta = per_step * (self.target - current)
            eta_s = (f"{eta:.0f}s" if eta < 60 else
                     f"{int(eta // 60)}:{int(eta % 60):02d}")
            line = f"{head} - ETA: {eta_s}{format_logs(logs)}"
        if self.dynamic:
            pad = max(self._prev_width - len(line), 0)
            self.stream.write("\r" + line + " " * pad)
            self._prev_width = len(line)
            if finalize:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
