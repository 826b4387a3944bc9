"""Keep myst-nb's execution cache fast and never stale.

jupyter-cache keys an executed notebook on its code cells only, so by itself a change to
rnn_notes would leave every page showing outputs of the old package. ``keyed_cache_path``
names one cache folder per state of everything else the outputs depend on: the imported
rnn_notes sources, the lock (requirements.txt, which pins torch and every other package
.venv/ holds) and the Python version. conf.py
passes it to ``nb_execution_cache_path``; that is an ``env`` setting, so when the key
changes Sphinx also re-reads every page and each notebook runs again against the new state.

The Sphinx extension part creates the cache database before ``-j`` workers fork (two
workers creating it at once crash with "table settings already exists"), spreads the
notebooks evenly over the workers, reads pages whose notebook failed again on the next
build (conf.py reports a failed cell as a warning, which -W turns into a failed build),
and trims the build log to one line per executed notebook.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import shutil
import sys
from pathlib import Path

from jupyter_cache import get_cache
from jupyter_cache.cache.main import JupyterCacheBase
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.parallel import make_chunks

KEPT_CACHES = 4  # older keyed caches are deleted; a few stay so reverting an edit is free

# After each write jupyter-cache trims old records with two unsynchronised queries, so under -j
# it deletes a record another worker has just added ("Notebook file does not exist for cache
# record"). Whole keyed caches are pruned by keyed_cache_path instead.
JupyterCacheBase.truncate_caches = lambda self: None


def imported_package() -> Path:
    """The rnn_notes folder that ``import rnn_notes`` finds here, and so in the kernels."""
    spec = importlib.util.find_spec("rnn_notes")
    if spec is None or spec.origin is None:
        raise RuntimeError("rnn_notes is not importable; `make html` installs it into .venv/")
    return Path(spec.origin).parent


def cache_key(package: Path, lock: Path) -> str:
    """Hash of the package's files, the lock file and Python's version."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    digest.update(lock.read_bytes() + b"\0")
    digest.update(f"python {sys.version}".encode())
    return digest.hexdigest()[:16]


def keyed_cache_path(root: Path, lock: Path) -> str:
    """``root/<key>`` for the current state, marked most recently used; older ones beyond a few go."""
    key = cache_key(imported_package(), lock)
    path = root / key
    path.mkdir(parents=True, exist_ok=True)
    os.utime(path)
    by_age = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in by_age[:-KEPT_CACHES]:
        shutil.rmtree(old, ignore_errors=True)
    return str(path)


class _OnlyExecutionTimes(logging.Filter):
    """Drop myst-nb's per-notebook info lines except "Executed notebook in N seconds"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("sphinx.mystnb-") and record.levelno == logging.INFO:
            return str(record.msg).startswith("Executed notebook in")
        return True


def _create_database(app: Sphinx) -> None:
    """Create the cache's sqlite database once, in the main process, before workers fork."""
    if app.config.nb_execution_mode == "cache" and app.config.nb_execution_cache_path:
        get_cache(app.config.nb_execution_cache_path).db.dispose()  # no connection crosses the fork


def is_notebook(source: Path) -> bool:
    """Whether myst-nb executes ``source``: a Markdown file whose front matter names a kernel."""
    text = source.read_text(encoding="utf8")
    return text.startswith("---") and "\nkernelspec:" in text.split("\n---", 1)[0]


def _spread_notebooks(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Reorder the pages to read so every ``-j`` chunk holds about as many notebooks as the others.

    Sphinx hands each worker a contiguous slice of this list; in alphabetical order the
    notebooks may pile up in one slice while the other worker idles.
    """
    if app.parallel <= 1:
        return
    sizes = [len(chunk) for chunk in make_chunks(docnames, app.parallel)]
    chunks: list[list[str]] = [[] for _ in sizes]
    notebooks = [d for d in docnames if is_notebook(env.doc2path(d))]
    for doc in notebooks + [d for d in docnames if d not in notebooks]:
        min((c for c, size in zip(chunks, sizes) if len(c) < size), key=len).append(doc)
    docnames[:] = [doc for chunk in chunks for doc in chunk]


def _reread_failed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose notebook failed are read and executed again, so a rebuild never passes on them."""
    data = NbMetadataCollector.get_doc_data(env)
    return [doc for doc in env.found_docs if not data.get(doc, {}).get("exec_data", {"succeeded": True})["succeeded"]]


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the database set-up, the balanced reading order, the failed-page re-read and the quieter log."""
    app.connect("builder-inited", _create_database)
    app.connect("env-before-read-docs", _spread_notebooks)
    app.connect("env-get-outdated", _reread_failed)
    for handler in logging.getLogger("sphinx").handlers:
        handler.addFilter(_OnlyExecutionTimes())
    logging.getLogger("traitlets").setLevel(logging.WARNING)  # nbclient's "Executing notebook with kernel"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
