"""The prose checks on a small project (tests/roots/test-prose): PyTorch names in code spans, folded cells' labels."""

import shutil

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from rnn_site.api_names import problems

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def prose(rootdir, tmp_path_factory):
    """tests/roots/test-prose built once; the app and its warnings."""
    srcdir = shutil.copytree(rootdir / "test-prose", tmp_path_factory.mktemp("prose") / "src")
    app = SphinxTestApp("html", srcdir=srcdir, freshenv=True)
    app.build()
    yield app
    app.cleanup()


def _line(app, text: str) -> int:
    """The 1-based line of the page's source that holds ``text``."""
    lines = (app.srcdir / "index.md").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize("code, wrong", [
    ("rnn(x, h0=h0)", "keyword `h0`"),
    ("lstm(x, hidden=state)", "keyword `hidden`"),
    ("nn.GRU(5, 2, proj_size=2)", "keyword `proj_size`"),
    ("nn.RNN(5, 2, nonlinearity='relu', batchfirst=True)", "keyword `batchfirst`"),
    ("torch.backends.cudnn.determinstic", "no attribute `determinstic`"),
    ("torch.nn.utils.rnn.pack_paded_sequence", "no attribute `pack_paded_sequence`"),
    ("pack_padded_sequence(x, lengths, sorted=False)", "keyword `sorted`"),
])
def test_a_wrong_name_or_keyword_is_found(code, wrong):
    assert any(wrong in problem for problem in problems(code))


@pytest.mark.parametrize("code", [
    "rnn(x, hx=h0)", "nn.LSTM(..., proj_size=2)", "nn.RNN(5, 2, batch_first=True, nonlinearity='relu')",
    "torch.backends.cudnn.deterministic", "torch.use_deterministic_algorithms(True)",
    "pack_padded_sequence(x, lengths, enforce_sorted=False)", "F.cross_entropy(logits, y, ignore_index=-100)",
    "rnn.weight_ih_l0", "(N, L, H_in)", "h_n[-1]", "x.detach()", "np.zeros(3)", "no es Python",
])
def test_a_right_name_or_something_else_passes(code):
    assert list(problems(code)) == []


def test_the_build_warns_at_the_page_and_line_of_each_mistake(prose):
    warnings = prose.warning.getvalue()
    assert f"index.md:{_line(prose, 'Mal por descuido')}: WARNING: `rnn` takes no keyword `h0`" in warnings
    assert f"index.md:{_line(prose, 'determinstic')}: WARNING: `torch.backends.cudnn` has no attribute" in warnings
    assert warnings.count("[rnn_site.api]") == 2  # typed: suppress_warnings = ["rnn_site.api"] silences it


def test_a_mistake_shown_on_purpose_is_not_a_warning(prose):
    line = _line(prose, "Mal a propósito")
    assert f"index.md:{line}:" not in prose.warning.getvalue()
    page = BeautifulSoup((prose.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one("code.incorrecto").get_text() == "rnn(x, h0=h0)"


def test_folded_cells_say_what_they_hide(prose):
    page = BeautifulSoup((prose.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    labels = {}
    for cell in page.select("div.cell"):
        tags = [c for c in cell["class"] if c.startswith("tag_")]
        labels[tags[0]] = (cell.select_one("p.collapsed").get_text(strip=True), "prediccion" in cell["class"])
    assert labels == {
        "tag_prediccion": ("Ver la respuesta", True),
        "tag_solution": ("Mostrar la solución", False),
        "tag_hide-input": ("Mostrar el código", False),
    }
