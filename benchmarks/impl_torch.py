"""The workloads as hand-written PyTorch CPU loops (only when importable).

What a PyTorch user would write: ``nn.Sequential`` models, a shuffled
mini-batch loop, ``CrossEntropyLoss``/``BCEWithLogitsLoss`` on logits (the
softmax/sigmoid is fused into the loss, as is idiomatic), and the optimizers
configured like Keras's defaults (RMSprop ``alpha=0.9, eps=1e-7``; Adam
``eps=1e-7``). Images are channels-first, as PyTorch expects.
"""
import time

from .workloads import make_data, sizes

NAME = "torch"


def setup(threads):
    import torch
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:
        pass


def version():
    import torch
    return f"torch {torch.__version__}"


def build(wid, quick, seed):
    """Return ``(model, optimizer, loss_fn, target_kind)``."""
    import torch
    from torch import nn
    torch.manual_seed(seed)
    s = sizes(wid, quick)

    class LastOutput(nn.Module):
        def forward(self, out):
            return out[0][:, -1] if isinstance(out, tuple) else out[:, -1]

    class FirstOutput(nn.Module):
        def forward(self, out):
            return out[0]

    if wid in ("W1", "W5"):
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 512),
                              nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10))
        opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        return model, opt, nn.CrossEntropyLoss(), "class"
    if wid == "W2":
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
                              nn.Linear(64 * 12 * 12, 128), nn.ReLU(), nn.Dropout(0.5),
                              nn.Linear(128, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        return model, opt, nn.CrossEntropyLoss(), "class"
    if wid == "W3":
        model = nn.Sequential(nn.Embedding(s["vocab"], 128), nn.LSTM(128, 128, batch_first=True),
                              LastOutput(), nn.Linear(128, 1))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        return model, opt, nn.BCEWithLogitsLoss(), "float"
    if wid == "W4":
        model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 4), nn.Tanh(),
                              nn.Linear(4, 1))
        opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        return model, opt, nn.BCEWithLogitsLoss(), "float"
    if wid == "W6":
        model = nn.Sequential(nn.GRU(s["features"], 64, batch_first=True), FirstOutput(),
                              nn.GRU(64, 64, batch_first=True), LastOutput(), nn.Linear(64, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        return model, opt, nn.CrossEntropyLoss(), "class"
    raise KeyError(wid)


def _tensors(wid, x, y, kind):
    import numpy as np
    import torch
    if wid == "W2":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    xt = torch.from_numpy(x.astype(np.int64) if wid == "W3" else x)
    yt = torch.from_numpy(y.argmax(axis=1)) if kind == "class" else torch.from_numpy(y)
    return xt, yt


def _fit(model, opt, loss_fn, xt, yt, batch, epochs):
    import torch
    n = len(xt)
    model.train()
    total = 0.0
    for _ in range(epochs):
        order = torch.randperm(n)
        total = 0.0
        for lo in range(0, n, batch):
            idx = order[lo:lo + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
    return total / n


def _predict(model, xt, batch):
    import torch
    model.eval()
    with torch.no_grad():
        return torch.cat([torch.softmax(model(xt[lo:lo + batch]), dim=1)
                          for lo in range(0, len(xt), batch)])


def run(wid, quick=False, seed=0, data=None):
    x, y = data if data is not None else make_data(wid, quick, seed=0)
    s = sizes(wid, quick)
    model, opt, loss_fn, kind = build(wid, quick, seed)
    xt, yt = _tensors(wid, x, y, kind)
    times, check = [], None
    for _ in range(2):
        t0 = time.perf_counter()
        if wid == "W5":
            check = float(_predict(model, xt, s["batch"])[:, 0].mean())
        else:
            check = _fit(model, opt, loss_fn, xt, yt, s["batch"], s["epochs"])
        times.append(time.perf_counter() - t0)
    return {"cold": times[0], "warm": times[1], "check": check}
