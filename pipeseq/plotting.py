"""``plot(history)``: training curves, one panel per metric, like R's plot of a history.

matplotlib is the optional ``plot`` extra (``pip install pipeseq[plot]``); it
is imported only when a plot is drawn.

Example
-------
>>> fig = plot_history(history, filename="history.png")   # doctest: +SKIP
"""


def _require_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "Plotting a training history needs matplotlib, which is not installed. Install "
            "pipeseq's plot extra: pip install pipeseq[plot]  (or: pip install matplotlib)."
        ) from e


def history_metrics(history):
    """The metric names to plot: training names whose ``val_`` twin may also exist.

    Example
    -------
    >>> history_metrics(history)          # doctest: +SKIP
    ['loss', 'accuracy']
    """
    keys = list(getattr(history, "history", history).keys())
    names = [k for k in keys if not k.startswith("val_")]
    names += [k[4:] for k in keys if k.startswith("val_") and k[4:] not in names]
    return names


def plot_history(history, metrics=None, filename=None, smooth=None, theme_bw=False, **kwargs):
    """Draw a training history: one panel per metric, training and validation against epoch.

    Parameters
    ----------
    history : History
        What ``fit()`` returns (or a dict ``{metric: [values per epoch]}``).
    metrics : str or list of str, optional
        Which metrics to draw (default all, e.g. ``["loss", "accuracy"]``).
        ``val_*`` curves are drawn in the panel of their metric.
    filename : str, optional
        Also save the figure there (PNG unless the extension says otherwise).
    smooth : bool, optional
        Add a smoothed line (a centred moving average) to each curve; by
        default only when there are at least 10 epochs, as R does.
    **kwargs :
        Passed to ``matplotlib.pyplot.subplots`` (e.g. ``figsize``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ImportError
        matplotlib missing: ``pip install pipeseq[plot]``.
    ValueError
        An unknown metric name (the message lists the recorded ones), or an empty history.

    Example
    -------
    >>> fig = plot_history(history, metrics=["loss"])     # doctest: +SKIP
    """
    data = dict(getattr(history, "history", history))
    if not data or not any(len(v) for v in data.values()):
        raise ValueError("plot(history): the history is empty (fit() ran no epochs).")
    available = history_metrics(data)
    if metrics is None:
        metrics = available
    elif isinstance(metrics, str):
        metrics = [metrics]
    unknown = [m for m in metrics if m not in available]
    if unknown:
        raise ValueError(f"plot(history): unknown metric(s) {unknown}. Recorded metrics: "
                         f"{available}")
    _require_matplotlib()
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np

    epochs_list = getattr(history, "epoch", None)
    n = max(len(v) for v in data.values())
    epochs = np.asarray([e + 1 for e in epochs_list]) if epochs_list and len(epochs_list) == n \
        else np.arange(1, n + 1)
    if smooth is None:
        smooth = n >= 10
    kwargs.setdefault("figsize", (6.4, 2.6 * len(metrics)))
    fig, axes = plt.subplots(len(metrics), 1, sharex=True, squeeze=False, **kwargs)
    colors = {"training": "#F8766D", "validation": "#00BFC4"}   # R ggplot2's two hues
    for ax, name in zip(axes[:, 0], metrics):
        for label, key in (("training", name), ("validation", "val_" + name)):
            values = data.get(key)
            if not values:
                continue
            y = np.asarray(values, dtype=float)
            x = epochs[:len(y)]
            ax.plot(x, y, "o", color=colors[label], markersize=3, label=label)
            if smooth and len(y) >= 3:
                k = max(3, len(y) // 5) | 1
                pad = k // 2
                yp = np.pad(y, pad, mode="edge")
                ax.plot(x, np.convolve(yp, np.ones(k) / k, mode="valid"), "-",
                        color=colors[label], linewidth=1)
            else:
                ax.plot(x, y, "-", color=colors[label], linewidth=1)
        ax.set_ylabel(name)
        ax.grid(not theme_bw, alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    axes[-1, 0].set_xlabel("epoch")
    fig.tight_layout()
    if filename is not None:
        fig.savefig(filename)
    if matplotlib.get_backend().lower() == "agg":
        plt.close(fig)   # headless: nothing to show; don't accumulate open figures
    return fig


__all__ = ["plot_history", "history_metrics"]
