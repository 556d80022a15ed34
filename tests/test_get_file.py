"""get_file: Keras's signature and cache layout, downloads from a local HTTP server."""
import hashlib
import http.server
import io
import os
import tarfile
import threading
import zipfile

import pytest

from pipeseq.datasets import cache
from pipeseq.datasets.cache import get_file

PAYLOAD = b"pipeseq " * 5000


def _tar_bytes(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


FILES = {"/data.bin": PAYLOAD,
         "/aclImdb_v1.tar.gz": _tar_bytes({"aclImdb/train/a.txt": b"good", "aclImdb/README": b"r"}),
         "/flowers.zip": _zip_bytes({"flowers/rose/1.txt": b"rose"})}


@pytest.fixture(scope="module")
def server():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = FILES.get(self.path)
            if self.path == "/truncated.bin":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"only a part")
                return
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()
    httpd.server_close()


def test_download_hash_check_and_cache_reuse(server, tmp_path, capsys):
    url, hits = server
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    n = len(hits)
    path = get_file("data.bin", origin=url + "/data.bin", file_hash=sha, cache_dir=str(tmp_path))
    assert path == str(tmp_path / "datasets" / "data.bin")
    assert open(path, "rb").read() == PAYLOAD
    out = capsys.readouterr().out
    assert f"Downloading data from {url}/data.bin" in out and f"{len(PAYLOAD)}/{len(PAYLOAD)}" in out
    assert os.listdir(tmp_path / "datasets") == ["data.bin"]          # no temporary left
    assert get_file("data.bin", origin=url + "/data.bin", file_hash=sha,
                    cache_dir=str(tmp_path)) == path
    assert len(hits) == n + 1                                          # the second call: cache
    get_file("data.bin", origin=url + "/data.bin", cache_dir=str(tmp_path), force_download=True)
    assert len(hits) == n + 2


def test_fname_defaults_to_url_name_and_md5(server, tmp_path):
    url, _ = server
    md5 = hashlib.md5(PAYLOAD).hexdigest()
    path = get_file(origin=url + "/data.bin", md5_hash=md5, cache_dir=str(tmp_path),
                    cache_subdir="models")
    assert path == str(tmp_path / "models" / "data.bin")
    assert cache.validate_file(path, md5) and cache.hash_file(path, "md5") == md5


def test_wrong_hash_writes_nothing(server, tmp_path):
    url, _ = server
    with pytest.raises(ValueError, match="Incomplete or corrupted file.*expected 0{64}"):
        get_file("data.bin", origin=url + "/data.bin", file_hash="0" * 64, cache_dir=str(tmp_path))
    assert os.listdir(tmp_path / "datasets") == []


def test_http_error_names_file_folder_and_status(server, tmp_path):
    url, _ = server
    with pytest.raises(cache.DownloadError, match=r"'missing.bin'.*HTTP 404") as err:
        get_file("missing.bin", origin=url + "/missing.bin", cache_dir=str(tmp_path))
    assert str(tmp_path / "datasets") in str(err.value)
    assert isinstance(err.value, ConnectionError)


def test_truncated_download_writes_nothing(server, tmp_path):
    url, _ = server
    with pytest.raises(cache.DownloadError, match="interrupted.*announced 1000 bytes but sent 11"):
        get_file("truncated.bin", origin=url + "/truncated.bin", cache_dir=str(tmp_path))
    assert os.listdir(tmp_path / "datasets") == []


def test_extract_keras3_layouts(server, tmp_path):
    url, _ = server
    folder = get_file("aclImdb", origin=url + "/aclImdb_v1.tar.gz", extract=True,
                      cache_dir=str(tmp_path))
    assert folder == str(tmp_path / "datasets" / "aclImdb")
    assert open(os.path.join(folder, "aclImdb", "train", "a.txt")).read() == "good"
    assert os.path.isfile(tmp_path / "datasets" / "aclImdb_archive")
    folder = get_file("flowers.zip", origin=url + "/flowers.zip", extract=True,
                      cache_dir=str(tmp_path))
    assert folder == str(tmp_path / "datasets" / "flowers_extracted")
    assert os.path.isfile(os.path.join(folder, "flowers", "rose", "1.txt"))
    folder = get_file(origin=url + "/flowers.zip", extract=True, cache_dir=str(tmp_path / "b"))
    assert folder == str(tmp_path / "b" / "datasets" / "flowers.zip")


def test_untar_keeps_keras2_layout(server, tmp_path):
    url, hits = server
    path = get_file("aclImdb", origin=url + "/aclImdb_v1.tar.gz", untar=True,
                    cache_dir=str(tmp_path))
    assert path == str(tmp_path / "datasets" / "aclImdb")
    assert open(os.path.join(path, "train", "a.txt")).read() == "good"
    assert os.path.isfile(tmp_path / "datasets" / "aclImdb.tar.gz")
    n = len(hits)
    get_file("aclImdb", origin=url + "/aclImdb_v1.tar.gz", untar=True, cache_dir=str(tmp_path))
    assert len(hits) == n


def test_keras_home_and_absolute_subdir(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert cache.keras_home() == str(tmp_path / "kh")
    (tmp_path / "abs").mkdir()
    (tmp_path / "abs" / "f.txt").write_text("x")
    assert get_file("f.txt", origin="http://127.0.0.1:9/f.txt",
                    cache_subdir=str(tmp_path / "abs")) == str(tmp_path / "abs" / "f.txt")
    monkeypatch.delenv("KERAS_HOME")
    assert cache.keras_home().endswith(".keras")


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="origin"):
        get_file("x.npz", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        get_file(os.path.join("a", "b.npz"), origin="http://127.0.0.1:9/b", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file("x.npz", origin="http://127.0.0.1:9/x", hash_algorithm="sha1",
                 cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Can't parse the file name"):
        get_file(origin="http://127.0.0.1:9/", cache_dir=str(tmp_path))


def test_front_ends_share_get_file(server, tmp_path):
    from compat.utils import get_file as k3
    from compat.utils.data_utils import get_file as k2
    import compat.utils.data_utils as du
    from pipeseq import get_file as r_get_file
    assert k3 is get_file and k2 is get_file and du.validate_file is cache.validate_file
    url, _ = server
    assert r_get_file("data.bin", url + "/data.bin", cache_dir=str(tmp_path)) == \
        str(tmp_path / "datasets" / "data.bin")
