"""The notebook cache: keyed on rnn_notes, the lock and Python, wherever the tree lies; an unwritable one says what to do."""

import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from rnn_site.notebook_cache import CacheUnusable, cache_key, keyed_cache_path, prepare_cache

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def inputs(tmp_path):
    """A copy of the package and of the lock to edit."""
    shutil.copytree(ROOT / "rnn_notes", tmp_path / "rnn_notes", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    return tmp_path / "rnn_notes", tmp_path / "requirements.txt"


def test_cache_key_depends_on_contents_not_location(inputs):
    package, lock = inputs
    assert cache_key(package, lock) == cache_key(ROOT / "rnn_notes", ROOT / "requirements.txt")
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "layer.cpython-311.pyc").write_bytes(b"\0bytecode")
    assert cache_key(package, lock) == cache_key(ROOT / "rnn_notes", ROOT / "requirements.txt")


def edit_package(package: Path, lock: Path) -> None:
    (package / "layer.py").write_text((package / "layer.py").read_text() + "\n# edited\n")


def add_module(package: Path, lock: Path) -> None:
    (package / "extra.py").write_text("")


def edit_the_lock(package: Path, lock: Path, old: str = "\nnumpy==", new: str = "\nnumpy==0.0.0+") -> None:
    assert old in lock.read_text(), f"{old!r} is not in the lock"
    lock.write_text(lock.read_text().replace(old, new))


def move_torch(package: Path, lock: Path) -> None:
    torch = next(line for line in lock.read_text().splitlines() if line.startswith("torch=="))
    edit_the_lock(package, lock, f"\n{torch}\n", f"\n{torch}.post1\n")


@pytest.mark.parametrize("change", [edit_package, add_module, edit_the_lock, move_torch, "python"])
def test_cache_key_changes_with_what_outputs_depend_on(inputs, change, monkeypatch):
    package, lock = inputs
    before = cache_key(package, lock)
    if change == "python":
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    else:
        change(package, lock)
    assert cache_key(package, lock) != before


def test_the_cache_path_is_only_a_name_made_when_the_build_starts(tmp_path):
    root = tmp_path / "cache"
    path = Path(keyed_cache_path(root, ROOT / "requirements.txt"))
    assert path.parent == root and not root.exists()  # conf.py's call writes nothing
    prepare_cache(path)
    assert path.is_dir()


@pytest.mark.parametrize(("error", "first_fix"), [
    (errno.ENOSPC, "free disk space"),
    (errno.EACCES, "make it writable by you"),
    (errno.EROFS, "make it writable by you"),
    (errno.ENOTDIR, "delete it with `make clean-cache`"),
])
def test_an_unwritable_cache_names_the_folder_the_error_and_the_likeliest_fix_first(
    tmp_path, monkeypatch, error, first_fix,
):
    def refuse(*args, **kwargs):
        raise OSError(error, os.strerror(error), str(tmp_path / "cache" / "key"))

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    with pytest.raises(CacheUnusable) as stopped:
        prepare_cache(tmp_path / "cache" / "key")
    message = str(stopped.value)
    folder = tmp_path / "cache"
    assert message.startswith(f"error: cannot write the notebook cache {folder}: [Errno {error}] {os.strerror(error)}")
    assert f"To fix it, {first_fix}" in message
    for fix in ("free disk space", "make it writable by you", "make clean-cache"):
        assert fix in message
    assert isinstance(stopped.value, SystemExit)  # Sphinx lets it through: no crash report
