"""A wrong hand computation must fail the site build, and the output must name the check."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "_build", "dist", "__pycache__", ".*_cache", ".hypothesis", "*.egg-info"
)


def test_a_wrong_manual_result_fails_the_build(tmp_path):
    project = Path(shutil.copytree(ROOT, tmp_path / "project", ignore=NOT_SOURCES))
    step = project / "rnn_notes" / "step.py"
    correct = "return out if b is None else out + b"
    assert correct in step.read_text(), "the perturbation point moved; update this test"
    step.write_text(step.read_text().replace(correct, correct + " + 0.01"))

    # The copy's rnn_notes comes first on the path, in Sphinx and in the notebook kernels.
    env = {**os.environ, "PYTHONPATH": str(project)}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-c", ".", "-b", "html", "-nW", "--keep-going", "-T",
         "docs", "_build/html"],
        cwd=project, env=env, capture_output=True, text=True, timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, "the build passed although rnn_notes computes wrong results"
    assert re.search(r"docs/[\w-]+\.md", output), "the output does not name the failing page"
    assert "torch.testing.assert_close(" in output, "the output does not show the failed check"
    assert "Tensor-likes are not close!" in output
