"""The first set-up (`make html` creating .venv/): said up front, never silent, clear when the index is unreachable.

The set-up runs for real in a throwaway copy, with pip pointed at a closed port on this machine
and its configuration, cache and find-links out of the way, so it fails in seconds.
"""

import os
import subprocess
import sys

import pytest

from install_lock import diagnosis, install
from site_copy import copy_project

CLOSED_PORT = "http://127.0.0.1:9/"  # the discard port: nothing listens there


def offline_env() -> dict[str, str]:
    """This environment with pip's settings replaced: no config file, no cache, no retries, a dead index."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    return env | {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1", "PIP_RETRIES": "0",
                  "PIP_TIMEOUT": "2", "PIP_INDEX_URL": CLOSED_PORT}


@pytest.mark.slow
def test_an_unreachable_index_says_the_first_set_up_needs_it_once(tmp_path):
    project = copy_project(tmp_path / "site")
    done = subprocess.run(["make", "html"], cwd=project,
                          env=offline_env(), capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    note = output.index("The first set-up needs the package index once")
    assert note < output.index("No matching distribution found"), "the note must come before pip's error"
    assert "torch is the large download" in output[:note + 200]
    assert "error: pip could not get the packages from the package index" in output, output
    assert "Once .venv/ is set up, builds work offline" in output, output
    assert not (project / ".venv" / ".installed").exists(), "a failed install must be tried again"
    assert "sphinx-build" not in output, "make went on to build without the packages"


@pytest.mark.unit
def test_pip_quiet_for_a_while_gets_a_line_and_its_exit_code_passes_through(tmp_path, capfd):
    quiet_pip = (sys.executable, "-c", "import sys, time; time.sleep(1.5); sys.exit(3)")  # writes no log
    code = install(["-r", "requirements.txt"], tmp_path / "pip.log", quiet=0.5, pip=quiet_pip)
    out, err = capfd.readouterr()
    assert code == 3
    assert out.startswith("Installing the locked packages")
    assert "... pip is still at work (0m0" in out, out
    assert err.strip() == f"error: pip could not install the lock; its full log is {tmp_path / 'pip.log'}"


@pytest.mark.unit
@pytest.mark.parametrize("line, offline", [
    ("2026-01-01T10:00:00,000 ERROR: No matching distribution found for torch==2.13.0", True),
    ("2026-01-01T10:00:00,000 WARNING: Retrying ... Failed to establish a new connection: [Errno 111] Connection refused", True),
    ("2026-01-01T10:00:00,000 ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device", False),
])
def test_the_diagnosis_tells_an_unreachable_index_from_other_failures(line, offline, tmp_path):
    said = diagnosis(line + "\n", tmp_path / "pip.log")
    assert said.startswith("error: pip could not get the packages from the package index") == offline
    assert ("builds work offline" in said) == offline
    assert str(tmp_path / "pip.log") in said
    if offline:
        assert line.split(" ", 1)[1] in said  # pip's own words, without the log's timestamp
