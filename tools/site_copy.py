"""Throwaway copies of the project, built like `make html` with the project's .venv.

Used by the slow tests (tests/test_stale_output.py, ...) and benchmarks/bench.py, so none
touches the real _build/ or notebook cache. Test and benchmark tooling, not part of the site:
pytest finds it through the ``pythonpath`` setting in pyproject.toml, `make bench` through PYTHONPATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rnn_site.notebooks import is_notebook

ROOT = Path(__file__).resolve().parents[1]
SPHINX_BUILD = Path(sys.executable).with_name("sphinx-build")
# The same command as `make html`.
HTML = ["-j", "auto", "-c", ".", "-b", "html", "-nW", "--keep-going", "docs", "_build/html"]
_SKIP = shutil.ignore_patterns(".git", ".venv", "_build", ".jupyter_cache", "__pycache__", "*.egg-info",
                               ".pytest_cache", ".hypothesis", "jupyter_execute")
_EXECUTED = re.compile(r"Executed notebook in ([0-9.]+) seconds")
_PAGE_EXECUTED = re.compile(r"([^/\s]+)\.md: Executed notebook in ([0-9.]+) seconds")


_FRONT_MATTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
{extra}---
"""


def notebook_page(title: str, *cells: str, orphan: bool = False) -> str:
    """A MyST notebook page: front matter, a ``# title``, a paragraph, then these code cells."""
    front = _FRONT_MATTER.format(extra="orphan: true\n" if orphan else "")
    body = "\n".join(f"```{{code-cell}} python\n{code}\n```\n" for code in cells)
    return f"{front}\n# {title}\n\nUn párrafo.\n\n{body}"


def copy_project(dest: Path, source: Path = ROOT, with_cache: bool = False) -> Path:
    """Copy the sources (no .venv, _build or caches) to ``dest``; ``with_cache`` copies the notebook cache too."""
    shutil.copytree(source, dest, ignore=_SKIP)
    if with_cache and (source / ".jupyter_cache").is_dir():
        shutil.copytree(source / ".jupyter_cache", dest / ".jupyter_cache")
    return dest


def notebook_pages(project: Path) -> list[Path]:
    """The pages myst-nb executes (its own reader decides)."""
    return sorted(p for p in (project / "docs").rglob("*.md") if is_notebook(p))


@dataclass(frozen=True)
class Build:
    """What one `sphinx-build` run did."""

    returncode: int
    seconds: float
    log: str

    @property
    def execution_times(self) -> list[float]:
        """Seconds of each notebook executed in this build (cache hits are not listed)."""
        return [float(s) for s in _EXECUTED.findall(self.log)]

    @property
    def page_times(self) -> dict[str, float]:
        """Seconds of each notebook executed in this build, by page name (``bucle``)."""
        return {page: float(s) for page, s in _PAGE_EXECUTED.findall(self.log)}


def build(project: Path) -> Build:
    """Build ``project``'s site incrementally; its kernels import the copy's rnn_notes, not the installed one."""
    project = project.resolve()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(project), os.environ.get("PYTHONPATH")])),
               PYTHONUNBUFFERED="1",  # the log keeps the terminal's order of output and warnings
               NO_COLOR="1")  # plain text to compare; Sphinx colours its log when CI=true
    start = time.perf_counter()
    done = subprocess.run([str(SPHINX_BUILD), *HTML], cwd=project, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    return Build(done.returncode, time.perf_counter() - start, done.stdout)
