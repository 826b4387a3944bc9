"""Keep myst-nb's execution cache fast and never stale.

jupyter-cache keys an executed notebook on its code cells only, so by itself a change to
rnn_notes would leave every page showing outputs of the old package. ``keyed_cache_path``
names one cache folder per state of everything else the outputs depend on: the imported
rnn_notes sources, the lock (requirements.txt, which pins torch and every other package
.venv/ holds) and the Python version. conf.py
passes it to ``nb_execution_cache_path``; that is an ``env`` setting, so when the key
changes Sphinx also re-reads every page and each notebook runs again against the new state.

The Sphinx extension part:

- checks the cache database and, if it is damaged, moves the cache aside and starts a new one;
  it creates the database before ``-j`` workers fork (two workers creating it at once crash
  with "table settings already exists");
- reads again every notebook page whose outputs are not in the cache: pages whose notebook
  failed (conf.py reports a failed cell as a warning, which -W turns into a failed build),
  and every page after ``make clean-cache`` or a damaged cache;
- spreads the notebooks evenly over the workers;
- ends a failed build with one summary per failed page (cell, line in the ``.md``, message)
  and deletes the ``reports/*.err.log`` of pages that no longer fail;
- trims the build log to one line per executed notebook.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import nbformat
import sqlalchemy.exc
from jupyter_cache import get_cache
from jupyter_cache.cache.main import JupyterCacheBase
from myst_nb.core.config import NbParserConfig
from myst_nb.core.read import create_nb_reader
from myst_nb.sphinx_ import NbMetadataCollector
from myst_parser.config.main import MdParserConfig
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging as sphinx_logging
from sphinx.util.console import bold, red
from sphinx.util.parallel import make_chunks

KEPT_CACHES = 4  # older keyed caches are deleted; a few stay so reverting an edit is free
CLEAN_CACHE_HINT = "run `make clean-cache`, then `make html`"
logger = sphinx_logging.getLogger(__name__)


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
            "_ext/notebook_cache.py replaces to keep the cache safe under -j (written against "
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
        raise ExtensionError(f"the notebook cache {folder} is damaged ({problem}) and could not be "
                             f"moved aside ({error}); {CLEAN_CACHE_HINT}") from error
    if database_problem(folder) is not None:
        raise ExtensionError(f"the notebook cache {folder} is still damaged; {CLEAN_CACHE_HINT}")
    logger.info(bold(f"notebook cache damaged ({problem}): moved to {aside}; every notebook runs again"))


def _open_cache(app: Sphinx) -> None:
    """Heal a damaged cache, then create its database once, in the main process, before workers fork."""
    if app.config.nb_execution_mode != "cache" or not app.config.nb_execution_cache_path:
        return
    folder = Path(app.config.nb_execution_cache_path)
    heal_cache(folder)
    try:
        get_cache(folder).db.dispose()  # no connection crosses the fork
    except sqlalchemy.exc.DatabaseError as error:
        raise ExtensionError(f"cannot open the notebook cache {folder} ({error.orig}); {CLEAN_CACHE_HINT}") from error


def is_notebook(source: Path) -> bool:
    """Whether myst-nb reads ``source`` as a notebook, decided by myst-nb's own reader."""
    text = source.read_text(encoding="utf8") if source.suffix == ".md" else None
    return create_nb_reader(str(source), MdParserConfig(), NbParserConfig(), text) is not None


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


def failed_pages(env: BuildEnvironment) -> dict[str, dict]:
    """``{docname: exec_data}`` of every page whose notebook failed in the last build that read it."""
    data = NbMetadataCollector.get_doc_data(env)
    failed = {}
    for docname in sorted(env.found_docs):
        exec_data = data.get(docname, {}).get("exec_data")
        if exec_data and not exec_data["succeeded"]:
            failed[docname] = exec_data
    return failed


_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def failure_summary(source: Path, notebook: nbformat.NotebookNode, source_map: list[int] | None) -> list[str]:
    """Where and why a notebook failed: ``path:line: code cell N failed: Error: message``, then the failing line."""
    code_cells = 0
    for index, cell in enumerate(notebook.cells):
        code_cells += cell.cell_type == "code"
        errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
        if not errors:
            continue
        traceback = _ANSI.sub("", "\n".join(errors[0].get("traceback", [])))
        in_cell = [int(n) for n in _CELL_LINE.findall(traceback)]
        code = cell.source.splitlines()
        failing = code[in_cell[0] - 1] if in_cell and 0 < in_cell[0] <= len(code) else None
        line = _source_line(source, source_map[index] if source_map and index < len(source_map) else None, failing)
        message = (errors[0].get("evalue") or "").strip().splitlines() or [""]
        lines = [f"{source}{f':{line}' if line else ''}: code cell {code_cells} failed: {errors[0].get('ename')}: {message[0]}"]
        lines += [f"    {text}" for text in [text for text in message[1:] if text.strip()][:3]]
        return lines + ([f"    in: {failing.strip()}"] if failing else [])
    return []


def _source_line(source: Path, cell_start: int | None, failing: str | None) -> int | None:
    """The line of ``source`` holding the failing code (searched from the cell's start), else the cell's start."""
    if cell_start is None:
        return None
    lines = source.read_text(encoding="utf8").splitlines()
    for number in range(cell_start, len(lines) + 1):
        if failing is not None and lines[number - 1].rstrip() == failing.rstrip():
            return number
    return cell_start


def _report_failures(app: Sphinx, exception: Exception | None) -> None:
    """Delete the reports of pages that no longer fail; end a failed build with a summary per failed page."""
    if app.builder.format != "html":
        return
    env = app.env
    failed = failed_pages(env)
    reports = Path(app.outdir, "reports")
    for report in sorted(reports.rglob("*.err.log")) if reports.is_dir() else []:
        if report.relative_to(reports).as_posix().removesuffix(".err.log") not in failed:
            report.unlink()
    for folder in sorted(reports.rglob("*"), reverse=True) if reports.is_dir() else []:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if reports.is_dir() and not any(reports.iterdir()):
        reports.rmdir()
    if not failed:
        return
    executed = Path(env.mystnb_config.output_folder)
    lines = [red(bold(f"{len(failed)} notebook page(s) failed; the next build runs them again:"))]
    for docname, exec_data in failed.items():
        source = Path(os.path.relpath(env.doc2path(docname)))
        path = executed / f"{docname}.ipynb"
        notebook = nbformat.read(path, as_version=4) if path.is_file() else nbformat.v4.new_notebook()
        summary = failure_summary(source, notebook, env.metadata.get(docname, {}).get("source_map"))
        lines += summary or [f"{source}: {exec_data.get('error')} (see {reports / docname}.err.log)"]
    for line in lines:
        logger.info(line)


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the cache set-up, the balanced reading order, the uncached-page re-read, the failure summary and the quieter log."""
    disable_truncation()
    app.connect("builder-inited", _open_cache)
    app.connect("env-before-read-docs", _spread_notebooks)
    app.connect("env-get-outdated", _reread_uncached)
    app.connect("build-finished", _report_failures, priority=900)  # last words of the build
    for handler in logging.getLogger("sphinx").handlers:
        handler.addFilter(_OnlyExecutionTimes())
    logging.getLogger("traitlets").setLevel(logging.WARNING)  # nbclient's "Executing notebook with kernel"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
