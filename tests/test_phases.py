"""tests/phases.py: every test has one kind, the slowest kind runs first, and the run says what it is doing.

Each test runs pytest on a tiny suite of its own, in a subprocess, with the status line due
after half a second instead of 30.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
TESTS = Path(__file__).resolve().parent
INI = """[pytest]
markers =
    unit: u
    site: s
    browser: b
    slow: sl
"""
SUITE = '''
import os, time
import pytest


def ran(name):
    with open("ran.txt", "a") as f:
        f.write(f"{name} {os.environ.get('PYTEST_XDIST_WORKER', 'main')}\\n")


@pytest.mark.unit
def test_quick():
    ran("quick")


@pytest.mark.slow
def test_long():
    time.sleep(1.5)
    ran("long")


@pytest.mark.browser
@pytest.mark.xdist_group("page")
@pytest.mark.parametrize("n", range(4))
def test_page(n):
    time.sleep(0.2)
    ran(f"page{n}")
'''


def run_suite(folder: Path, body: str, *args: str) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    """Run pytest with phases.py on a one-file suite; return the run and the tests in the order they ran."""
    folder.mkdir(exist_ok=True)
    (folder / "pytest.ini").write_text(INI)
    (folder / "conftest.py").write_text('pytest_plugins = ["phases"]\n')
    (folder / "test_suite.py").write_text(body)
    env = dict(os.environ, PYTHONPATH=str(TESTS), RNN_NOTES_STATUS_SECONDS="0.5")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)
    ran = folder / "ran.txt"
    return done, [line.split() for line in ran.read_text().splitlines()] if ran.exists() else []


def test_each_kind_is_announced_slowest_first_with_status_lines_while_a_test_runs(tmp_path):
    done, ran = run_suite(tmp_path, SUITE)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert [name for name, _ in ran] == ["long", "page0", "page1", "page2", "page3", "quick"]
    lines = [line for line in out.splitlines() if line.startswith("[tests ")]
    assert "slow tests start: 1 (throwaway builds" in lines[0]
    assert "still running: slow 0/1; longest: test_suite.py::test_long" in lines[1]  # during the 1.5 s test
    assert [line.split("] ")[1].split(":")[0] for line in lines if " start: " in line or " done: " in line] == [
        "slow tests start", "slow tests done", "browser tests start", "browser tests done",
        "unit tests start", "unit tests done"]


def test_a_group_runs_on_one_worker_and_the_slow_test_starts_at_once(tmp_path):
    done, ran = run_suite(tmp_path, SUITE, "-n", "2", "--dist", "loadgroup", "--no-loadscope-reorder")
    assert done.returncode == 0, done.stdout + done.stderr
    workers = {name: worker for name, worker in ran}
    assert len({workers[f"page{n}"] for n in range(4)}) == 1, ran  # one worker opened "the page"
    assert workers["long"] != workers["page0"], ran  # the other worker took the group while long ran
    assert "slow tests start: 1" in done.stdout and "browser tests done: 4" in done.stdout


def test_a_test_without_exactly_one_kind_is_refused(tmp_path):
    body = "import pytest\n\ndef test_nothing():\n    pass\n\n@pytest.mark.unit\n@pytest.mark.slow\ndef test_both():\n    pass\n"
    done, _ = run_suite(tmp_path, body)
    assert done.returncode != 0
    assert "tests without exactly one of the markers ['browser', 'site', 'slow', 'unit']" in done.stderr
    assert "test_suite.py::test_nothing" in done.stderr and "test_suite.py::test_both" in done.stderr
