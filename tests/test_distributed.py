"""MPI data parallelism equals single-process training; Dask prediction equals predict()."""
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

from pipeseq.layers import Dense
from pipeseq.layers.base import get_layer_class
from pipeseq.models import Sequential

HERE = os.path.dirname(os.path.abspath(__file__))


def _mpiexec():
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return None
    exe = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return exe if os.path.exists(exe) else shutil.which("mpiexec")


MPIEXEC = _mpiexec()
needs_mpi = pytest.mark.skipif(MPIEXEC is None, reason="the 'mpi' extra (mpi4py + mpich) is not installed")


@needs_mpi
@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_two_ranks_match_single_process(kind, tmp_path):
    if kind == "conv" and get_layer_class("Conv2D") is None:
        pytest.skip("Conv2D not available")
    out = tmp_path / "result.npz"
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([MPIEXEC, "-n", "2", sys.executable,
                           os.path.join(HERE, "distributed", "mpi_equivalence.py"), kind, str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = np.load(out)
    n = len([k for k in data.files if k.startswith("single_w")])
    for i in range(n):
        np.testing.assert_allclose(data[f"rank0_w{i}"], data[f"single_w{i}"], atol=1e-6, rtol=0)
        np.testing.assert_array_equal(data[f"rank0_w{i}"], data[f"rank1_w{i}"])
    np.testing.assert_allclose(data["rank0_loss"], data["single_loss"], rtol=1e-6)
    np.testing.assert_array_equal(data["rank0_loss"], data["rank1_loss"])


@needs_mpi
def test_ranks_disagreeing_on_data_get_a_clear_error(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text(f"""
import sys; sys.path.insert(0, {os.path.dirname(HERE)!r})
import numpy as np
from pipeseq.distributed import MPIStrategy, DistributedError
from pipeseq.models import Sequential
from pipeseq.layers import Dense
s = MPIStrategy()
m = Sequential([Dense(2, input_shape=(3,))]); m.compile(optimizer='sgd', loss='mse')
n = 10 + s.rank
try:
    m.fit(np.ones((n, 3)), np.ones((n, 2)), verbose=0, strategy=s)
except DistributedError as e:
    print('ERR', s.rank, e)
""")
    proc = subprocess.run([MPIEXEC, "-n", "2", sys.executable, str(script)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count("ERR") == 2 and "number of training samples" in proc.stdout


@needs_mpi
def test_single_rank_falls_back_with_warning():
    from pipeseq.distributed import MPIStrategy
    with pytest.warns(UserWarning, match="single rank"):
        s = MPIStrategy()
    m = Sequential([Dense(2, input_shape=(3,))])
    m.compile(optimizer="sgd", loss="mse")
    m.fit(np.ones((8, 3)), np.ones((8, 2)), verbose=0, strategy=s)


def test_dask_predict_matches_predict():
    da = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    from pipeseq.distributed import predict
    model = Sequential([Dense(5, activation="relu", input_shape=(4,)), Dense(2)])
    x = np.random.default_rng(0).normal(size=(1000, 4)).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster):
            out = predict(model, da.from_array(x, chunks=(300, 2))).compute()
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-6)


def test_dask_predict_rejects_numpy():
    pytest.importorskip("dask.array")
    from pipeseq.distributed import predict
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(TypeError, match="dask.array"):
        predict(model, np.ones((3, 2)))
