"""A wrong hand computation must fail the site build, and the output must name the check."""

import re

import pytest
from site_copy import build, copy_project

pytestmark = pytest.mark.slow


def test_a_wrong_manual_result_fails_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    ops = project / "rnn_notes" / "_ops.py"  # affine, used by every step and layer
    correct = "return out if b is None else out + b"
    assert correct in ops.read_text(), "the perturbation point moved; update this test"
    ops.write_text(ops.read_text().replace(correct, correct + " + 0.01"))

    result = build(project)  # as `make html` does, in the copy, from an empty cache

    assert result.returncode != 0, "the build passed although rnn_notes computes wrong results"
    assert re.search(r"docs/[\w-]+\.md", result.log), "the output does not name the failing page"
    assert "torch.testing.assert_close(" in result.log, "the output does not show the failed check"
    assert "Tensor-likes are not close!" in result.log
