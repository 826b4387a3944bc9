"""What a user meets when a build goes wrong, and what each failure must leave behind (issues 10 and 26).

Every build here is the real sphinx-build command of `make html` or `make serve`, either in a
throwaway copy of the project whose docs/ holds only a few tiny notebook pages, or, faster, in a
copy of tests/roots/test-notebook (the site's notebook extensions, no theme, no package pages).
"""

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from jupyter_cache.cache.main import JupyterCacheBase

from rnn_site import notebook_cache
from site_copy import HTML, ROOT, Build, build, copy_project, notebook_page
from sphinx.errors import ExtensionError


GOOD = "total = 2 + 2\nprint(total)"
BAD = 'total = 2 + 2\nassert total == 5, f"la suma da {total}, no 5"'
# Lines a normal build must not print (issue 10, section 5).
NOISE = ["MdParserConfig", "NbParserConfig", "social cards", "Writing evaluated template",
         "The configuration has changed"]
INTERNAL_ERROR = ["Extension error", "Traceback (most recent call last)", "sphinx-doc/sphinx/issues"]


def write_page(docs: Path, name: str, *cells: str) -> Path:
    """Write ``<docs>/<name>.md``, a MyST notebook with these code cells (each ends in a comment naming the page).

    Two pages with the same code would race to store the same cache record under -j
    ("hashkey already exists"), a jupyter-cache limitation the real pages never meet.
    """
    path = docs / f"{name}.md"
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
        write_page(project / "docs", name, *cells)
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
    wrong = write_page(project / "docs", "mal", "x = 1", BAD)
    syntax = write_page(project / "docs", "sintaxis", "y = 1 +* 2")
    bad_import = write_page(project / "docs", "importa", "import no_such_module_here")
    broken = build(project)
    assert broken.returncode != 0, broken.log
    for text in INTERNAL_ERROR:
        assert text not in broken.log, broken.log
    # Sphinx's own status line, then a summary per failed page, and last a line naming them all.
    summary = broken.log.strip().splitlines()[-8:]
    assert summary[0].startswith("build finished with problems"), broken.log
    assert summary[1:] == [
        f"docs/importa.md:{line_of(bad_import, 'import no_such_module_here')}: code cell 1 failed: "
        "ModuleNotFoundError: No module named 'no_such_module_here'",
        "    in: import no_such_module_here",
        f"docs/mal.md:{line_of(wrong, BAD.splitlines()[1])}: code cell 2 failed: AssertionError: la suma da 4, no 5",
        f"    in: {BAD.splitlines()[1]}",
        summary[5],  # SyntaxError's message names a temporary file; checked below
        "    in: y = 1 +* 2",
        "3 notebook pages failed (docs/importa.md, docs/mal.md, docs/sintaxis.md); the next build runs them again.",
    ], broken.log
    assert summary[5].startswith(f"docs/sintaxis.md:{line_of(syntax, 'y = 1 +* 2')}: code cell 1 failed: SyntaxError: ")
    for name in ("mal", "sintaxis", "importa"):
        assert not (site / f"{name}.ipynb").exists() and not (site / f"{name}.md").exists(), f"{name} kept its download"
        assert (site / f"{name}.html").is_file() and (site / "reports" / f"{name}.err.log").is_file()
        assert f"{name}.ipynb" not in (site / f"{name}.html").read_text(encoding="utf-8"), f"{name} links a download"
    assert (site / "bien.ipynb").is_file() and "bien.ipynb" in (site / "bien.html").read_text(encoding="utf-8")

    again = build(project)  # nothing changed: the failed pages run again and fail again
    assert again.returncode != 0 and again.log.count("Executing notebook failed") == 3, again.log
    assert "la suma da 4, no 5" in again.log

    write_page(project / "docs", "mal", "x = 1", GOOD)
    write_page(project / "docs", "sintaxis", GOOD)
    write_page(project / "docs", "importa", GOOD)
    fixed = build(project)
    assert fixed.returncode == 0, fixed.log
    assert all((site / f"{name}.ipynb").is_file() for name in pages)
    assert not list(site.rglob("*.err.log")), "a report outlived the failure it describes"

    noop = build(project)
    assert noop.returncode == 0 and noop.execution_times == [], noop.log
    assert_quiet(noop.log)
    assert "The HTML pages are in _build/html." in noop.log


@pytest.mark.slow
def test_a_cell_over_the_timeout_is_named_with_the_setting_and_the_kernel_stops_quietly(tmp_path):
    project = small_site(tmp_path, {"lento": ("import time\ntime.sleep(60)",)})
    conf = project / "conf.py"
    text = conf.read_text(encoding="utf-8")
    assert "nb_execution_timeout = 120" in text
    conf.write_text(text.replace("nb_execution_timeout = 120", "nb_execution_timeout = 2"), encoding="utf-8")
    result = build(project)
    assert result.returncode != 0
    for noise in ("Traceback", "ZMQError", "KeyboardInterrupt"):  # the kernel, stopped mid-cell, used to print these
        assert noise not in result.log, result.log
    page = project / "docs" / "lento.md"
    assert result.log.strip().splitlines()[-3:] == [
        f"docs/lento.md:{line_of(page, 'time.sleep(60)')}: code cell 1 ran longer than nb_execution_timeout = 2 s "
        "(conf.py) and was stopped",
        "    in: time.sleep(60)",
        "1 notebook page failed (docs/lento.md); the next build runs it again.",
    ], result.log


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


# -- Small notebook projects (tests/roots/test-notebook): seconds, not minutes -------------

MAKE_HTML = HTML[:-2]  # `make html`'s options, without its source and output folders
MAKE_SERVE = ["-c", ".", "-n", "--keep-going"]  # what `make serve` has sphinx-autobuild run
SLOW_CELL = ("import os, pathlib, time\nif os.environ.get('PROBE_STARTED'):\n"
             "    pathlib.Path(os.environ['PROBE_STARTED']).touch()\n    time.sleep(120)")


def notebook_root(tmp_path: Path, pages: dict[str, tuple[str, ...]]) -> Path:
    """A copy of tests/roots/test-notebook with these notebook pages."""
    project = shutil.copytree(Path(__file__).parent / "roots" / "test-notebook", tmp_path / "root")
    for name, cells in pages.items():
        write_page(project, name, *cells)
    return project


def root_command(options: list[str]) -> list[str]:
    """sphinx-build with ``options`` on a notebook root, from its folder."""
    return [sys.executable, "-m", "sphinx", "build", *options, ".", "_build/html"]


def root_env(**extra: str) -> dict[str, str]:
    """The environment of a root's build: rnn_site importable, plain text out."""
    return dict(os.environ, PYTHONPATH=str(ROOT / "_ext"), NO_COLOR="1", PYTHONUNBUFFERED="1", **extra)


def build_root(project: Path, options: list[str], **popen) -> Build:
    """Build a notebook root with ``options``; stdout and stderr in one log."""
    start = time.perf_counter()
    done = subprocess.run(root_command(options), cwd=project, env=root_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **popen)
    return Build(done.returncode, time.perf_counter() - start, done.stdout)


def last_lines(log: str, count: int) -> list[str]:
    """The last ``count`` non-empty lines of a log."""
    return [line for line in log.splitlines() if line.strip()][-count:]


@pytest.mark.slow
def test_make_serve_ends_by_naming_the_failed_page_not_build_succeeded(tmp_path):
    project = notebook_root(tmp_path, {"bien": (GOOD,), "mal": ("x = 1", BAD)})
    served = build_root(project, MAKE_SERVE)  # no -W: a failed cell alone is only a warning
    assert served.returncode == 1, served.log
    assert "build succeeded" not in served.log and "The HTML pages are in" not in served.log
    status, *summary = last_lines(served.log, 4)
    assert status.startswith("build finished with problems"), served.log
    assert summary == [
        f"mal.md:{line_of(project / 'mal.md', BAD.splitlines()[1])}: code cell 2 failed: "
        "AssertionError: la suma da 4, no 5",
        f"    in: {BAD.splitlines()[1]}",
        "1 notebook page failed (mal.md); the next build runs it again.",
    ], served.log


def limit_file_size() -> None:
    """In the child: any write to a file fails with EFBIG, as a full disk fails it (root ignores permissions)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


@pytest.mark.unit
@pytest.mark.parametrize("unwritable", ["a file in its place", "no room to write"])
def test_an_unwritable_cache_stops_the_build_with_the_folder_the_error_and_the_fix(tmp_path, unwritable):
    project = notebook_root(tmp_path, {})
    cache = project / ".jupyter_cache"
    if unwritable == "a file in its place":
        cache.write_text("not a folder")
        error, fix = "[Errno 20] Not a directory", "To fix it, delete it with `make clean-cache`"
    else:
        error, fix = "[Errno 27] File too large", "To fix it, free disk space"
    stopped = build_root(project, MAKE_HTML, preexec_fn=limit_file_size if unwritable == "no room to write" else None)
    assert stopped.returncode == 1, stopped.log
    (last,) = last_lines(stopped.log, 1)
    assert last.startswith(f"error: cannot write the notebook cache {cache}: {error}"), stopped.log
    assert fix in last and "make clean-cache" in last and "then build again" in last, last
    for text in [*INTERNAL_ERROR, "programmable error", "Configuration error"]:
        assert text not in stopped.log, stopped.log


def processes_in(folder: Path) -> list[int]:
    """The processes whose working folder is ``folder`` (the kernels of its notebooks), read from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == folder:
                pids.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            continue
    return pids


@pytest.mark.slow
@pytest.mark.parametrize("command", ["make html", "make serve"])
def test_ctrl_c_ends_in_one_line_and_the_next_build_runs_the_page_again(tmp_path, command):
    options = MAKE_HTML if command == "make html" else MAKE_SERVE  # -j auto: in workers; serve: in the main process
    project = notebook_root(tmp_path, {"lenta": (GOOD,), "rapida": (GOOD,)})
    assert build_root(project, options).returncode == 0
    write_page(project, "lenta", SLOW_CELL, "print('segunda versión')")
    started = tmp_path / "started"
    process = subprocess.Popen(root_command(options), cwd=project, env=root_env(PROBE_STARTED=str(started)),
                               start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 90
    while not started.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert started.exists(), "the slow cell never started"
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2, output
    assert last_lines(output, 1) == ["Interrupted!"], output  # Sphinx's own, and nothing after it
    for text in ["Traceback", "ZMQError", "Task exception", "Exception ignored", "parallel build error"]:
        assert text not in output, output
    assert not processes_in(project), "a kernel outlived the build"

    after = build_root(project, options)
    assert after.returncode == 0, after.log
    assert "lenta.md: Executed notebook" in after.log, after.log
    assert "segunda versión" in (project / "_build" / "html" / "lenta.html").read_text(encoding="utf-8")
    assert not list((project / "_build" / "html").rglob("*.err.log")), after.log
    noop = build_root(project, options)
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
