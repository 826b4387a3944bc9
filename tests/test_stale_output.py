"""No stale output: after any change to rnn_notes, the next incremental build re-runs every notebook;
and a wrong hand computation fails that build, naming the page and the check that caught it.

The builds run in a throwaway copy of the project (its kernels import the copy's rnn_notes),
never in the real tree. One copy and four builds check both, since the package change that must
re-run every notebook can just as well be the wrong computation.
"""

import nbformat
import pytest

from site_copy import build, copy_project, notebook_page, notebook_pages

pytestmark = pytest.mark.slow

# A page whose code never changes: only a re-execution can notice that the package did.
PROBE = notebook_page(
    "Sonda de resultados obsoletos",
    "import torch\n"
    "from rnn_notes import manual_rnn, seed_rnn, seed_sequence\n\n"
    "rnn = seed_rnn()\n"
    "x = seed_sequence()\n"
    "torch.testing.assert_close(manual_rnn(rnn, x)[0], rnn(x)[0])",
    orphan=True,
)

WRONG = '''
_exact_manual_rnn = manual_rnn


def manual_rnn(rnn, x, h0=None):
    """The stale-output test's deliberate bug: the output is off by 1e-3."""
    output, h_n = _exact_manual_rnn(rnn, x, h0)
    return output + 1e-3, h_n
'''


def test_package_change_reruns_every_notebook_and_a_wrong_result_fails_the_build_naming_page_and_check(tmp_path):
    project = copy_project(tmp_path / "site", with_cache=True)
    (project / "docs" / "stale-probe.md").write_text(PROBE)
    init = project / "rnn_notes" / "__init__.py"

    first = build(project)
    assert first.returncode == 0, first.log
    noop = build(project)
    assert noop.returncode == 0, noop.log
    assert noop.execution_times == [], "a rebuild with nothing changed executed notebooks"

    page = project / "docs" / "parametros.md"
    page.write_text(page.read_text() + "\nUna frase nueva.\n")
    prose = build(project)
    assert prose.returncode == 0, prose.log
    assert prose.execution_times == [], "a prose edit executed notebooks"
    download = nbformat.read(project / "_build" / "html" / "parametros.ipynb", as_version=4)
    assert any(cell.get("outputs") for cell in download.cells), "cached outputs missing from the download"

    # One package change both proves that every notebook runs again and that a wrong result
    # fails the build (a second, harmless change would run them all once more for nothing).
    init.write_text(init.read_text() + WRONG)
    broken = build(project)
    assert broken.returncode != 0, "the build passed with a wrong manual_rnn:\n" + broken.log
    assert "docs/stale-probe.md" in broken.log, "the output does not name the failing page:\n" + broken.log
    assert "torch.testing.assert_close(" in broken.log, "the output does not show the failed check:\n" + broken.log
    assert "Tensor-likes are not close!" in broken.log, broken.log
    ran = len(broken.execution_times) + broken.log.count("Executing notebook failed")
    assert ran == len(notebook_pages(project)), broken.log
