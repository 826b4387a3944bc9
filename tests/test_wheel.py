"""The wheel `make dist` builds installs into a fresh venv with what it declares, and computes like nn.RNN.

pip resolves the wheel's own requirements, held to the lock's versions (``-c requirements.txt``),
so torch is the locked 2.13.0; the test stops before installing if pip would download it
instead of taking the local CPU wheel (on this machine pip finds it through its find-links).
"""

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import rnn_notes

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
CHECK = """
import importlib.metadata, torch, rnn_notes
from torch import nn
torch.manual_seed(0)
rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True, batch_first=True)
x = torch.randn(2, 5, 3)
torch.testing.assert_close(rnn_notes.manual_rnn(rnn, x), rnn(x))
print(rnn_notes.__version__, importlib.metadata.version("rnn_notes"), torch.__version__)
"""


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; fail the test with its output if it fails."""
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built like `make dist` from a copy of the sources (the tree gets no build/ folder)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(ROOT / "rnn_notes", source / "rnn_notes", ignore=shutil.ignore_patterns("__pycache__"))
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp / "dist"), str(source))
    (built,) = (tmp / "dist").glob("*.whl")
    return built


def test_wheel_is_named_after_the_package_version(wheel):
    assert wheel.name == f"rnn_notes-{rnn_notes.__version__}-py3-none-any.whl"


def test_wheel_installs_in_a_fresh_venv_and_matches_nn_rnn(wheel, tmp_path):
    venv.create(tmp_path / "venv", with_pip=True)  # no system site-packages: only what the wheel pulls in
    python = str(tmp_path / "venv" / "bin" / "python")
    # --no-compile: no .pyc files for torch's thousands of modules (a minute here); Python compiles on import.
    install = ["-m", "pip", "install", "--no-compile", "--disable-pip-version-check", "-c", str(ROOT / "requirements.txt"),
               str(wheel)]
    run(python, *install[:3], "--dry-run", "--quiet", "--report", str(tmp_path / "plan.json"), *install[3:])
    plan = {item["metadata"]["name"]: item for item in json.loads((tmp_path / "plan.json").read_text())["install"]}
    assert {"torch", "numpy"} <= set(plan), f"the wheel does not pull in torch and numpy: {sorted(plan)}"
    torch_url = plan["torch"]["download_info"]["url"]
    assert torch_url.startswith("file:"), f"pip would download torch from {torch_url}; refusing (GBs)"

    run(python, *install)
    done = run(python, "-c", CHECK, cwd=tmp_path)  # not the tree: rnn_notes comes from the wheel
    assert done.stderr == "", f"importing printed:\n{done.stderr}"  # e.g. "Failed to initialize NumPy"
    assert done.stdout.split() == [rnn_notes.__version__, rnn_notes.__version__, plan["torch"]["metadata"]["version"]]
    assert plan["torch"]["metadata"]["version"].startswith("2.13.0")
