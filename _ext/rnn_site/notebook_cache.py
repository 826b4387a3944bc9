"""Keep myst-nb's execution cache fast and never stale.

jupyter-cache keys an executed notebook on its code cells only, so by itself a change to
rnn_notes would leave every page showing outputs of the old package. ``keyed_cache_path``
names one cache folder per state of everything else the outputs depend on: the imported
rnn_notes sources, the lock (requirements.txt, which pins torch and every other package
.venv/ holds) and the Python version. conf.py passes it to ``nb_execution_cache_path``; that
is an ``env`` setting, so when the key changes Sphinx also re-reads every page and each
notebook runs again against the new state.

The Sphinx extension part:

- makes the cache folder when the build starts (conf.py only names it), and stops with what to
  do when it cannot be written (a full disk, its permissions, a read-only mount);
- checks the cache database and, if it is damaged, moves the cache aside and starts a new one;
  it creates the database before ``-j`` workers fork (two workers creating it at once crash
  with "table settings already exists");
- reads again every notebook page whose outputs are not in the cache: pages whose notebook
  failed (conf.py reports a failed cell as a warning, which -W turns into a failed build),
  and every page after ``make clean-cache`` or a damaged cache;
- spreads the notebooks evenly over the workers;
- trims the build log to one line per executed notebook.

What a failed or interrupted build says is in failure_report.py.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

import sqlalchemy.exc
from jupyter_cache import get_cache
from jupyter_cache.cache.main import JupyterCacheBase
from myst_nb.core.read import create_nb_reader
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging as sphinx_logging
from sphinx.util.console import bold
from sphinx.util.parallel import make_chunks

from .notebooks import is_notebook

KEPT_CACHES = 4  # older keyed caches are deleted; a few stay so reverting an edit is free
CLEAN_CACHE_HINT = "run `make clean-cache`, then build again"
logger = sphinx_logging.getLogger(__name__)


class CacheUnusable(SystemExit):
    """The notebook cache cannot be used: the build stops with this message and nothing else.

    Sphinx reports any exception, a ConfigError or ExtensionError too, as a crash with its
    traceback and "please open an issue" for Sphinx; a full disk or a folder's permissions
    are for the user to fix, so this exits as ``sys.exit(message)`` does.
    """

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}")


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
    """``root/<key>`` for the current state; only a name: the folder is made when the build starts."""
    return str(root / cache_key(imported_package(), lock))


# The likeliest fix for an OS error, named first; the others follow.
FIXES = {"space": "free disk space",
         "permissions": "make it writable by you (chmod -R u+w it; on a read-only disk, build from a writable copy)",
         "clean": "delete it with `make clean-cache`"}
FIX_FOR = {errno.ENOSPC: "space", errno.EDQUOT: "space", errno.EFBIG: "space",
           errno.EACCES: "permissions", errno.EPERM: "permissions", errno.EROFS: "permissions"}


def unwritable(root: Path, error: OSError) -> CacheUnusable:
    """The error for a cache folder that cannot be written: the folder, the OS error and the fixes."""
    first = FIX_FOR.get(error.errno, "clean")
    fixes = [FIXES[first]] + [fix for name, fix in FIXES.items() if name != first]
    return CacheUnusable(f"cannot write the notebook cache {root}: {error}. "
                         f"To fix it, {fixes[0]}, {fixes[1]}, or {fixes[2]}; then build again.")


def prepare_cache(folder: Path) -> None:
    """Make the keyed cache ``folder``, mark it most recently used, prune older ones; CacheUnusable if unwritable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)
        with tempfile.TemporaryFile(dir=folder) as probe:  # as jupyter-cache will: make a file, write to it
            probe.write(bytes(4096))
            probe.flush()
        database = folder / "global.db"
        if database.exists():
            database.open("r+b").close()
    except OSError as error:
        raise unwritable(folder.parent, error) from error
    by_age = sorted((p for p in folder.parent.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in by_age[:-KEPT_CACHES]:
        shutil.rmtree(old, ignore_errors=True)


class _OnlyExecutionTimes(logging.Filter):
    """Drop myst-nb's per-notebook info lines except "Executed notebook in N seconds"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("sphinx.mystnb-") and record.levelno == logging.INFO:
            return str(record.msg).startswith("Executed notebook in")
        return True


def disable_truncation() -> None:
    """Stop jupyter-cache from trimming old records after each write; the cache is pruned whole instead.

    After each write ``JupyterCacheBase.truncate_caches`` trims old records with two
    unsynchronised queries, so under -j it deletes a record another worker has just added
    ("Notebook file does not exist for cache record"). keyed_cache_path prunes whole keyed
    caches instead. The patch can go when jupyter-cache either takes a lock around the
    trimming or lets callers turn it off (a cache limit of "none", or a ``truncate=False``
    argument to ``cache_notebook_bundle`` that myst-nb passes).
    """
    if not callable(getattr(JupyterCacheBase, "truncate_caches", None)):
        version = importlib.metadata.version("jupyter-cache")
        raise ExtensionError(
            f"jupyter-cache {version} has no JupyterCacheBase.truncate_caches, which "
            "_ext/rnn_site/notebook_cache.py replaces to keep the cache safe under -j (written against "
            "jupyter-cache 1.0.1); install the locked versions, or update the patch"
        )
    JupyterCacheBase.truncate_caches = lambda self: None


def database_problem(folder: Path) -> str | None:
    """Why the cache database in ``folder`` cannot be used, or None if it can (or does not exist yet)."""
    db = folder / "global.db"
    if not db.exists():
        return None
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        connection.close()
    return None if result == "ok" else result


def heal_cache(folder: Path) -> None:
    """If the cache database in ``folder`` is damaged, move the cache aside (one log line); raise if that fails."""
    problem = database_problem(folder)
    if problem is None:
        return
    aside = folder.with_name(folder.name + ".damaged")
    try:
        shutil.rmtree(aside, ignore_errors=True)
        folder.rename(aside)
        folder.mkdir()
    except OSError as error:
        raise CacheUnusable(f"the notebook cache {folder} is damaged ({problem}) and could not be "
                            f"moved aside ({error}); {CLEAN_CACHE_HINT}") from error
    if database_problem(folder) is not None:
        raise CacheUnusable(f"the notebook cache {folder} is still damaged; {CLEAN_CACHE_HINT}")
    logger.info(bold(f"notebook cache damaged ({problem}): moved to {aside}; every notebook runs again"))


def _open_cache(app: Sphinx) -> None:
    """Make the cache folder, heal a damaged cache, then create its database once, in the main process (before -j forks)."""
    if app.config.nb_execution_mode != "cache" or not app.config.nb_execution_cache_path:
        return
    folder = Path(app.config.nb_execution_cache_path)
    prepare_cache(folder)
    heal_cache(folder)
    try:
        get_cache(folder).db.dispose()  # no connection crosses the fork
    except sqlalchemy.exc.DatabaseError as error:
        raise CacheUnusable(f"cannot open the notebook cache {folder} ({error.orig}); {CLEAN_CACHE_HINT}") from error


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


def _has_cached_outputs(env: BuildEnvironment, cache: JupyterCacheBase, docname: str) -> bool:
    """Whether the cache holds this page's executed notebook (a failed notebook is never cached)."""
    path = Path(env.doc2path(docname))
    text = path.read_text(encoding="utf8")
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    if reader is None:
        return True  # no longer a notebook: nothing to execute
    try:
        cache.match_cache_notebook(reader.read(text))
    except KeyError:
        return False
    return True


def _reread_uncached(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose notebook was executed but has no cached outputs now are read and executed again.

    That is every page whose notebook failed (so a rebuild never passes on them), and every
    notebook page after ``make clean-cache`` or a damaged cache, when Sphinx itself sees
    nothing out of date.
    """
    if app.config.nb_execution_mode != "cache":
        return []
    data = NbMetadataCollector.get_doc_data(env)
    executed = [d for d in sorted(env.found_docs - added - changed) if data.get(d, {}).get("exec_data")]
    cache = get_cache(env.mystnb_config.execution_cache_path)
    return [d for d in executed if not _has_cached_outputs(env, cache, d)]


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the cache set-up, the balanced reading order, the uncached-page re-read and the quieter log."""
    disable_truncation()
    app.connect("builder-inited", _open_cache)
    app.connect("env-before-read-docs", _spread_notebooks)
    app.connect("env-get-outdated", _reread_uncached)
    for handler in logging.getLogger("sphinx").handlers:
        handler.addFilter(_OnlyExecutionTimes())
    logging.getLogger("traitlets").setLevel(logging.WARNING)  # nbclient's "Executing notebook with kernel"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
