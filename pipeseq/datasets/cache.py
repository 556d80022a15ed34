"""Keras's file cache: ``get_file``, hashes, archives and downloads.

The cache is Keras's own: ``$KERAS_HOME`` if set, else ``~/.keras`` (``/tmp/.keras`` when the
home folder is not writable); datasets go to ``<cache>/datasets``, application weights to
``<cache>/models``. A file already in the cache is used as it is: its hash is checked only
right after a download, so a copy brought in by hand (or by Keras) is never deleted, refused
or fetched again. A missing file is downloaded from its URL (progress bar, hash check, then an
atomic rename into the cache); when the machine is offline the error comes within seconds and
names the file and the folder to put it in.

Example
-------
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> with open(os.path.join(folder, "notes.txt"), "w") as fh:
...     _ = fh.write("cached")
>>> path = get_file("notes.txt", origin="http://127.0.0.1:9/notes.txt", cache_dir=folder,
...                 cache_subdir="")
>>> open(path).read()
'cached'
"""
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.parse
import warnings
import zipfile

KERAS_DATASETS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
#: seconds to wait for a server to answer before declaring the machine offline
DOWNLOAD_TIMEOUT = float(os.environ.get("PIPESEQ_DOWNLOAD_TIMEOUT", "15"))


class DownloadError(ConnectionError):
    """A file was missing from the cache and could not be downloaded."""


def keras_home():
    """Keras's cache folder: ``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` if home is read-only)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def cache_folder(cache_subdir="datasets", cache_dir=None, create=True):
    """The folder ``get_file`` uses: ``<cache_dir or keras_home()>/<cache_subdir>``.

    As in Keras, an unwritable ``cache_dir`` falls back to ``/tmp/.keras``; an absolute
    ``cache_subdir`` is used as it is.
    """
    base = os.path.expanduser(cache_dir if cache_dir is not None else keras_home())
    if create and not _writable(base):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    folder = os.path.join(base, cache_subdir) if cache_subdir else base
    if create:
        os.makedirs(folder, exist_ok=True)
    return folder


def _writable(path):
    while path and not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return os.access(path, os.W_OK)


def resolve_hasher(algorithm, file_hash=None):
    """``hashlib`` object for ``"sha256"``, ``"md5"`` or ``"auto"`` (64 hex digits -> sha256)."""
    if algorithm not in ("auto", "sha256", "md5"):
        raise ValueError("hash_algorithm must be 'auto', 'sha256' or 'md5'. "
                         f"Received: hash_algorithm={algorithm!r}")
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """Hex digest of a file (``algorithm``: ``"sha256"``, ``"md5"``, ``"auto"`` or a hashlib object)."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file's sha256 or md5 hash equals ``file_hash``."""
    return hash_file(fpath, resolve_hasher(algorithm, file_hash), chunk_size) == str(file_hash)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Path of ``fname`` in Keras's cache, downloading it from ``origin`` if it is not there.

    Keras's signature and cache layout. ``extract=True`` unpacks a tar/zip archive (Keras 3's
    layout: ``fname`` without a dot is the extraction folder and the archive is kept as
    ``<fname>_archive``; ``fname`` with a dot is the archive and ``<stem>_extracted`` the
    folder) and returns the folder. ``untar=True`` keeps Keras 2's layout, which its scripts
    expect: the archive is ``<fname>.tar.gz``, it is unpacked into the cache folder itself and
    ``<cache>/<fname>`` is returned.

    Differences from Keras, on purpose: a file (or extracted folder) already in the cache is
    used without hashing it, so a copy placed by hand is never replaced; the download goes
    to a temporary file that is renamed into place only after its hash matched; and when the
    server cannot be reached the :class:`DownloadError` names the file and the folder.
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download). '
                         f"Received: origin=None, fname={fname!r}")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    resolve_hasher(hash_algorithm)
    provided = os.fspath(fname) if fname is not None else None
    if not provided:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: {origin!r}. "
                             "Please specify the `fname` argument.")
    else:
        fname = provided
        if os.sep in fname or (os.altsep and os.altsep in fname):
            raise ValueError("Paths are no longer accepted as the `fname` argument. To specify "
                             f"the file's parent directory, use `cache_dir`. Received: fname={fname}")

    def layout(datadir):
        """(folder or None, file to download, where to unpack) in ``datadir``."""
        if untar:                                  # Keras 2: <fname>.tar.gz unpacked in datadir
            return os.path.join(datadir, fname), os.path.join(datadir, fname) + ".tar.gz", datadir
        if extract:                                # Keras 3: a folder of its own
            if provided and "." in fname:
                folder = os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
                return folder, os.path.join(datadir, fname), folder
            folder = os.path.join(datadir, fname)
            return folder, folder + "_archive", folder
        return None, os.path.join(datadir, fname), None

    def unpacked(folder):
        return folder is not None and os.path.isdir(folder) and (untar or os.listdir(folder))

    # A read-only cache (a shared folder on an offline cluster) is read where it is; only a
    # download needs a writable folder (Keras's /tmp/.keras fallback).
    primary = cache_folder(cache_subdir, cache_dir, create=False)
    folder, archive, into = layout(primary)
    if not force_download and (unpacked(folder) or os.path.exists(archive)):
        datadir = primary
    else:
        datadir = cache_folder(cache_subdir, cache_dir)
        folder, archive, into = layout(datadir)
    if not force_download and unpacked(folder):
        return folder
    if force_download or not os.path.exists(archive):
        download(origin, archive, file_hash, hash_algorithm)
    if folder is None:
        return archive
    if not extract_archive(archive, into, "tar" if untar else archive_format):
        warnings.warn(f"Could not extract archive {archive}.", stacklevel=2)
    return folder


def download(origin, target, file_hash=None, hash_algorithm="auto", verbose=True):
    """Download ``origin`` to ``target``: temp file, progress bar, hash check, atomic rename."""
    folder, name = os.path.split(target)
    if verbose:
        print(f"Downloading data from {origin}")
    import http.client
    import urllib.error
    import urllib.request
    fd, part = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(origin, timeout=DOWNLOAD_TIMEOUT)
            except (urllib.error.URLError, OSError, ValueError) as e:
                reason = getattr(e, "reason", e)
                code = getattr(e, "code", None)
                raise DownloadError(
                    f"{name!r} is not in the cache and could not be downloaded from {origin} "
                    f"({f'HTTP {code}: ' if code else ''}{reason}). If this machine is offline, "
                    f"copy the file {name!r} into the folder {folder} (the same file Keras "
                    "downloads; a Keras cache can be copied as it is), or set KERAS_HOME to a "
                    "folder whose cache holds it.") from None
            try:
                with response:
                    _copy_with_progress(response, out, verbose)
            except (OSError, http.client.HTTPException) as e:   # connection lost mid-download
                raise DownloadError(f"The download of {name!r} from {origin} was interrupted "
                                    f"({e}). Nothing was written to {folder}; try again, or copy "
                                    "the file there by hand.") from None
        if file_hash is not None and not validate_file(part, file_hash, hash_algorithm):
            got = hash_file(part, resolve_hasher(hash_algorithm, file_hash))
            raise ValueError(f"Incomplete or corrupted file detected: the downloaded {name!r} "
                             f"has hash {got}, expected {file_hash}. Nothing was written to "
                             f"{folder}.")
        os.replace(part, target)
    finally:
        if os.path.exists(part):
            os.remove(part)
    return target


def _copy_with_progress(response, out, verbose):
    total = response.headers.get("Content-Length") if hasattr(response, "headers") else None
    total = int(total) if total and total.isdigit() else None
    bar = None
    if verbose and total:
        from ..training.progbar import Progbar
        bar = Progbar(total)
    done = 0
    while True:
        chunk = response.read(1 << 16)
        if not chunk:
            break
        out.write(chunk)
        done += len(chunk)
        if bar is not None:
            bar.update(min(done, total))
    if total is not None and done != total:
        raise ConnectionResetError(f"the server announced {total} bytes but sent {done}")
    if bar is not None:
        bar.update(done, finalize=True)
    elif verbose:
        sys.stdout.write(f"{done} bytes\n")


def extract_archive(file_path, path=".", archive_format="auto"):
    """Unpack a tar (``.tar``, ``.tar.gz``, ``.tar.bz2``) or zip archive into ``path``.

    Members whose path (or link target) would land outside ``path`` are skipped with a
    warning. Returns whether the file was an archive of an allowed format.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise ValueError(f"archive_format must be 'auto', 'tar', 'zip' or None. "
                             f"Received: archive_format={archive_format!r}")
        if kind == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                _extract_safely(archive, path, archive.getmembers(), lambda m: m.name)
            return True
        if kind == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                _extract_safely(archive, path, archive.infolist(), lambda m: m.filename)
            return True
    return False


def _extract_safely(archive, path, members, name_of):
    """Extract into a temporary sibling folder, then move each top-level entry into ``path``
    (so an interrupted extraction never leaves a half-filled folder that looks complete)."""
    base = os.path.realpath(path)
    os.makedirs(os.path.dirname(base), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".extracting-", dir=os.path.dirname(base))
    try:
        safe = []
        for m in members:
            dest = os.path.realpath(os.path.join(tmp, name_of(m)))
            ok = os.path.commonpath([dest, tmp]) == tmp
            if ok and isinstance(m, tarfile.TarInfo) and (m.issym() or m.islnk()):
                root = tmp if m.islnk() else os.path.dirname(dest)
                link = os.path.realpath(os.path.join(root, m.linkname))
                ok = os.path.commonpath([link, tmp]) == tmp
            if ok:
                safe.append(m)
            else:
                warnings.warn(f"Skipping invalid path during archive extraction: {name_of(m)!r}.",
                              stacklevel=3)
        if isinstance(archive, tarfile.TarFile) and hasattr(tarfile, "data_filter"):
            archive.extractall(tmp, members=safe, filter="data")
        else:
            archive.extractall(tmp, members=safe)
        os.makedirs(base, exist_ok=True)
        for entry in os.listdir(tmp):
            dest = os.path.join(base, entry)
            if not os.path.exists(dest):
                os.replace(os.path.join(tmp, entry), dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
