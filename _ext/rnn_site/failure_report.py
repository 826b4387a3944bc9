"""What a build whose notebooks failed says, and what it leaves behind.

- It ends with one summary per failed page (its ``.md`` line, code cell and message, then the
  failing line), and its very last line names the failed pages: after Sphinx's own
  "build finished with problems" line, so `make serve`, which is not run with -W, does not end
  on "build succeeded". A failed page makes the build's exit status 1, with -W or without.
- It deletes the ``reports/*.err.log`` of pages that no longer fail.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.console import bold, red

logger = logging.getLogger(__name__)


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


def failure_summary(source: Path, notebook: nbformat.NotebookNode, source_map: list[int] | None,
                    timeout: float | None = None) -> list[str]:
    """Where and why a notebook failed: ``path:line: code cell N failed: Error: message``, then the failing line.

    ``timeout``: the notebook was stopped after that many seconds in one cell (its error output
    is then the KeyboardInterrupt the kernel got as it was shut down, not the reason).
    """
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
        where = f"{source}{f':{line}' if line else ''}: code cell {code_cells}"
        if timeout is not None:
            lines = [f"{where} ran longer than nb_execution_timeout = {timeout:g} s (conf.py) and was stopped"]
        else:
            lines = [f"{where} failed: {errors[0].get('ename')}: {message[0]}"]
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


def _delete_stale_reports(reports: Path, failed: dict[str, dict]) -> None:
    """Delete the ``<page>.err.log`` of pages that no longer fail, and folders left empty."""
    if not reports.is_dir():
        return
    for report in sorted(reports.rglob("*.err.log")):
        if report.relative_to(reports).as_posix().removesuffix(".err.log") not in failed:
            report.unlink()
    for folder in [*sorted(reports.rglob("*"), reverse=True), reports]:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def failure_lines(app: Sphinx, failed: dict[str, dict]) -> list[str]:
    """A summary per failed page, then one line naming them all."""
    env = app.env
    executed = Path(env.mystnb_config.output_folder)
    lines, sources = [], []
    for docname, exec_data in failed.items():
        source = Path(os.path.relpath(env.doc2path(docname)))
        sources.append(source.as_posix())
        path = executed / f"{docname}.ipynb"
        notebook = nbformat.read(path, as_version=4) if path.is_file() else nbformat.v4.new_notebook()
        timeout = env.mystnb_config.execution_timeout if exec_data.get("error") == "CellTimeoutError" else None
        summary = failure_summary(source, notebook, env.metadata.get(docname, {}).get("source_map"), timeout)
        lines += summary or [f"{source}: {exec_data.get('error')} (see {Path(app.outdir, 'reports', docname)}.err.log)"]
    pages, them = ("page", "it") if len(failed) == 1 else ("pages", "them")
    return lines + [red(bold(f"{len(failed)} notebook {pages} failed ({', '.join(sources)}); "
                             f"the next build runs {them} again."))]


def log_after_status(app: Sphinx, lines: list[str]) -> None:
    """Log ``lines`` after Sphinx's "build succeeded/finished with problems" line, as the build's last words.

    Sphinx logs that line after build-finished, its last event, and then calls
    ``builder.cleanup()``: the lines are logged from that call, for this build only.
    """
    builder = app.builder

    def cleanup_then_log() -> None:
        del builder.cleanup  # the builder's own method again
        builder.cleanup()
        for line in lines:
            logger.info(line)

    builder.cleanup = cleanup_then_log


def report_failures(app: Sphinx, exception: Exception | None) -> None:
    """Delete the reports of pages that no longer fail; end a failed build with its summary and a failed status."""
    if app.builder.format != "html":
        return
    failed = failed_pages(app.env)
    _delete_stale_reports(Path(app.outdir, "reports"), failed)
    if failed and exception is None:
        app.statuscode = 1  # Sphinx then says "build finished with problems", not "build succeeded"
        log_after_status(app, failure_lines(app, failed))


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the failure report."""
    app.setup_extension("myst_nb")
    app.connect("build-finished", report_failures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
