"""The notebook cache's key: one cache per state of rnn_notes, the lock and Python, wherever the tree lies."""

import shutil
import sys
from pathlib import Path

import pytest
from rnn_site.notebook_cache import cache_key

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


@pytest.mark.parametrize("change", ["package", "new module", "lock", "torch in the lock", "python"])
def test_cache_key_changes_with_what_outputs_depend_on(inputs, change, monkeypatch):
    package, lock = inputs
    before = cache_key(package, lock)
    if change == "package":
        (package / "layer.py").write_text((package / "layer.py").read_text() + "\n# edited\n")
    elif change == "new module":
        (package / "extra.py").write_text("")
    elif change == "lock":
        lock.write_text(lock.read_text().replace("\nnumpy==", "\nnumpy==0.0.0+"))
    elif change == "torch in the lock":
        lock.write_text(lock.read_text().replace("\ntorch==2.13.0", "\ntorch==2.13.1"))
    else:
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert lock.read_text() != (ROOT / "requirements.txt").read_text() or change in ("package", "new module", "python")
    assert cache_key(package, lock) != before
