"""What a user meets when a build goes wrong, and what each failure must leave behind (issue 10, section 1).

Every build here is the real sphinx-build command of `make html` (or `make` itself) in a throwaway
copy of the project whose docs/ holds only a few tiny notebook pages, so the builds take seconds.
"""

import os
import re
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from jupyter_cache.cache.main import JupyterCacheBase

from rnn_site import notebook_cache
from site_copy import HTML, SPHINX_BUILD, build, copy_project, notebook_page
from sphinx.errors import ExtensionError


GOOD = "total = 2 + 2\nprint(total)"
BAD = 'total = 2 + 2\nassert total == 5, f"la suma da {total}, no 5"'
# Lines a normal build must not print (issue 10, section 5).
NOISE = ["MdParserConfig", "NbParserConfig", "social cards", "Writing evaluated template",
         "The configuration has changed"]
INTERNAL_ERROR = ["Extension error", "Traceback (most recent call last)", "sphinx-doc/sphinx/issues"]


def write_page(project: Path, name: str, *cells: str) -> Path:
    """Write ``docs/<name>.md``, a MyST notebook with these code cells (each ends in a comment naming the page).

    Two pages with the same code would race to store the same cache record under -j
    ("hashkey already exists"), a jupyter-cache limitation the real pages never meet.
    """
    path = project / "docs" / f"{name}.md"
    path.write_text(notebook_page(f"Página {name}", *(f"{code}\n# {name}" for code in cells)), encoding="utf-8")
    return path


def small_site(tmp_path: Path, pages: dict[str, tuple[str, ...]]) -> Path:
    """A copy of the project whose docs/ holds an index and these notebook pages only."""
    project = copy_project(tmp_path / "site")
    for page in (project / "docs").glob("*.md"):
        page.unlink()
    toctree = "\n".join(pages)
    (project / "docs" / "index.md").write_text(f"# Sonda\n\n```{{toctree}}\n{toctree}\n```\n", encoding="utf-8")
    for name, cells in pages.items():
        write_page(project, name, *cells)
    return project


def cache_folder(project: Path) -> Path:
    """The keyed notebook cache of the copy (there is one: the copy's package never changes here)."""
    (folder,) = [p for p in (project / ".jupyter_cache").iterdir() if p.is_dir() and "." not in p.name]
    return folder


def assert_quiet(log: str) -> None:
    for noise in NOISE:
        assert noise not in log, f"{noise!r} in the build output:\n{log}"


def line_of(page: Path, text: str) -> int:
    """The 1-based line of ``page`` that is exactly ``text``."""
    return page.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.mark.slow
def test_failing_cells_fail_clearly_and_the_fixed_build_leaves_nothing_behind(tmp_path):
    pages = {"bien": (GOOD,), "mal": ("x = 1", GOOD), "sintaxis": (GOOD,), "importa": (GOOD,)}
    project = small_site(tmp_path, pages)
    site = project / "_build" / "html"
    first = build(project)
    assert first.returncode == 0, first.log
    assert len(first.execution_times) == 4 and (site / "mal.ipynb").is_file()
    assert_quiet(first.log)

    # A wrong number, a syntax error and a bad import.
    wrong = write_page(project, "mal", "x = 1", BAD)
    syntax = write_page(project, "sintaxis", "y = 1 +* 2")
    bad_import = write_page(project, "importa", "import no_such_module_here")
    broken = build(project)
    assert broken.returncode != 0, broken.log
    for text in INTERNAL_ERROR:
        assert text not in broken.log, broken.log
    summary = broken.log.strip().splitlines()
    heading = "3 notebook page(s) failed; the next build runs them again:"
    assert heading in summary, broken.log
    summary = summary[summary.index(heading):]
    assert summary[-1].startswith("build finished with problems"), broken.log
    assert summary[1:-1] == [
        f"docs/importa.md:{line_of(bad_import, 'import no_such_module_here')}: code cell 1 failed: "
        "ModuleNotFoundError: No module named 'no_such_module_here'",
        "    in: import no_such_module_here",
        f"docs/mal.md:{line_of(wrong, BAD.splitlines()[1])}: code cell 2 failed: AssertionError: la suma da 4, no 5",
        f"    in: {BAD.splitlines()[1]}",
        summary[-3],  # SyntaxError's message names a temporary file; checked below
        "    in: y = 1 +* 2",
    ], broken.log
    assert summary[-3].startswith(f"docs/sintaxis.md:{line_of(syntax, 'y = 1 +* 2')}: code cell 1 failed: SyntaxError: ")
    for name in ("mal", "sintaxis", "importa"):
        assert not (site / f"{name}.ipynb").exists() and not (site / f"{name}.md").exists(), f"{name} kept its download"
        assert (site / f"{name}.html").is_file() and (site / "reports" / f"{name}.err.log").is_file()
        assert f"{name}.ipynb" not in (site / f"{name}.html").read_text(encoding="utf-8"), f"{name} links a download"
    assert (site / "bien.ipynb").is_file() and "bien.ipynb" in (site / "bien.html").read_text(encoding="utf-8")

    again = build(project)  # nothing changed: the failed pages run again and fail again
    assert again.returncode != 0 and again.log.count("Executing notebook failed") == 3, again.log
    assert "la suma da 4, no 5" in again.log

    write_page(project, "mal", "x = 1", GOOD)
    write_page(project, "sintaxis", GOOD)
    write_page(project, "importa", GOOD)
    fixed = build(project)
    assert fixed.returncode == 0, fixed.log
    assert all((site / f"{name}.ipynb").is_file() for name in pages)
    assert not list(site.rglob("*.err.log")), "a report outlived the failure it describes"

    noop = build(project)
    assert noop.returncode == 0 and noop.execution_times == [], noop.log
    assert_quiet(noop.log)
    assert "The HTML pages are in _build/html." in noop.log


@pytest.mark.slow
def test_clean_cache_and_a_damaged_cache_run_every_notebook_again(tmp_path):
    project = small_site(tmp_path, {"uno": (GOOD,), "dos": (GOOD,)})
    assert build(project).returncode == 0

    subprocess.run(["make", "clean-cache"], cwd=project, check=True, capture_output=True)
    after_clean = build(project)
    assert after_clean.returncode == 0, after_clean.log
    assert len(after_clean.execution_times) == 2, after_clean.log

    db = cache_folder(project) / "global.db"
    db.write_bytes(b"not a database at all " * 8 + db.read_bytes()[176:])  # a garbled header
    healed = build(project)
    assert healed.returncode == 0, healed.log
    assert len(healed.execution_times) == 2, healed.log
    assert healed.log.count("notebook cache damaged") == 1, healed.log
    assert (cache_folder(project).parent / (cache_folder(project).name + ".damaged")).is_dir()

    # A truncated database is caught by the same check (heal_cache then does as above).
    truncated = tmp_path / "truncated"
    truncated.mkdir()
    data = (cache_folder(project) / "global.db").read_bytes()
    (truncated / "global.db").write_bytes(data[: len(data) // 3])
    assert notebook_cache.database_problem(cache_folder(project)) is None
    assert notebook_cache.database_problem(truncated) is not None


@pytest.mark.unit
def test_a_cache_that_cannot_be_moved_aside_fails_naming_clean_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "global.db").write_bytes(b"garbage" * 100)
    assert "not a database" in notebook_cache.database_problem(folder)

    def refuse(self, target):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(Path, "rename", refuse)
    with pytest.raises(notebook_cache.CacheUnusable, match="make clean-cache"):
        notebook_cache.heal_cache(folder)


@pytest.mark.slow
def test_ctrl_c_then_a_build_passes_with_nothing_stale(tmp_path):
    slow = "import os, pathlib, time\nif os.environ.get('PROBE_STARTED'):\n    pathlib.Path(os.environ['PROBE_STARTED']).touch()\n    time.sleep(120)"
    project = small_site(tmp_path, {"lenta": (GOOD,), "rapida": (GOOD,)})
    assert build(project).returncode == 0
    write_page(project, "lenta", slow, "print('segunda versión')")
    started = tmp_path / "started"
    env = dict(os.environ, PROBE_STARTED=str(started), PYTHONPATH=str(project), NO_COLOR="1")
    process = subprocess.Popen([str(SPHINX_BUILD), *HTML], cwd=project, env=env, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 90
    while not started.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert started.exists(), "the slow cell never started"
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0, output
    # Sphinx's own last word is one line. (The kernel, shut down mid-cell by nbclient, may still
    # log a ZMQ error of its own: see the report of issue 10.)
    assert "\nInterrupted!\n" in output, output
    for text in [*INTERNAL_ERROR[::2], "parallel build error"]:
        assert text not in output, output

    after = build(project)
    assert after.returncode == 0, after.log
    assert len(after.execution_times) == 1, after.log
    site = project / "_build" / "html"
    assert "segunda versión" in (site / "lenta.ipynb").read_text(encoding="utf-8")
    assert "segunda versión" in (site / "lenta.html").read_text(encoding="utf-8")
    assert (site / "rapida.ipynb").is_file()
    assert not list(site.rglob("*.err.log")), after.log
    noop = build(project)
    assert noop.returncode == 0 and noop.execution_times == [], noop.log


def python_unlike(venv_python: Path) -> str:
    """A Python 3 on this machine that is not the one ``venv_python`` was made from."""
    made_with = subprocess.run([venv_python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True).stdout
    for candidate in ["/root/.pyenv/versions/3.12.1/bin/python3.12", "/usr/bin/python3.12", "/usr/bin/python3.11"]:
        done = subprocess.run([candidate, "-c", "import sys; print(sys.version)"], capture_output=True, text=True) \
            if Path(candidate).is_file() else None
        if done and done.returncode == 0 and done.stdout != made_with:
            return candidate
    pytest.fail("no second Python interpreter on this machine to test with")


@pytest.mark.slow
def test_make_refuses_a_python_other_than_the_venvs_and_says_how(tmp_path):
    project = copy_project(tmp_path / "site")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", project / ".venv"], check=True)
    (project / ".venv" / ".installed").touch()  # a complete install, as far as make knows
    other = python_unlike(project / ".venv" / "bin" / "python")

    done = subprocess.run(["make", f"PYTHON={other}", "html"], cwd=project, capture_output=True, text=True)
    assert done.returncode != 0
    assert f"rm -rf .venv && make PYTHON={other} html" in done.stdout + done.stderr, done.stdout + done.stderr
    assert "sphinx-build" not in done.stdout, "make built the site with the wrong interpreter's venv"

    missing = subprocess.run(["make", "PYTHON=no-such-python3", "html"], cwd=project, capture_output=True, text=True)
    assert missing.returncode != 0 and "'no-such-python3' not found" in missing.stdout, missing.stdout


@pytest.mark.unit
def test_the_truncation_patch_names_the_installed_jupyter_cache_when_it_cannot_apply(monkeypatch):
    monkeypatch.setattr(JupyterCacheBase, "truncate_caches", JupyterCacheBase.truncate_caches)  # restored after
    notebook_cache.disable_truncation()
    assert JupyterCacheBase.truncate_caches(None) is None
    monkeypatch.delattr(JupyterCacheBase, "truncate_caches")
    with pytest.raises(ExtensionError, match=re.escape(f"jupyter-cache {version('jupyter-cache')} has no")):
        notebook_cache.disable_truncation()
