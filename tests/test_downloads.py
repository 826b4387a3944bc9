"""Each chapter offers its executed notebook and its MyST source; the notebook runs in plain Jupyter."""

import ast
import re
import shutil
import sys
from importlib.metadata import requires, version
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient

import rnn_notes
from site_contract import DOCS, SITE

from notebook_cache import is_notebook

pytestmark = pytest.mark.site
CHAPTERS = sorted(p.stem for p in DOCS.glob("*.md") if is_notebook(p))
MYST_ONLY = {
    "label line": re.compile(r"^\([^()\s]+\)=\s*$", re.MULTILINE),
    "role": re.compile(r"\{[a-z][\w:-]*\}`"),
    "directive": re.compile(r"^\s*(```+|:::+)\s*\{", re.MULTILINE),
}
ADDRESS = re.compile(r"0x[0-9a-f]+")


def download(name: str, suffix: str) -> Path:
    """Return the file the chapter page offers for download with that suffix."""
    soup = BeautifulSoup((SITE / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.select("a.download") if a["href"].endswith(suffix)]
    assert hrefs == [f"{name}{suffix}"], f"{name}.html should offer one {suffix} download"
    return SITE / hrefs[0]


def allowed_modules() -> set[str]:
    """Modules a plain Jupyter kernel with rnn_notes installed can import."""
    deps = {re.split(r"[^\w-]", req, maxsplit=1)[0].replace("-", "_") for req in requires("rnn_notes") or []}
    return set(sys.stdlib_module_names) | deps | {"rnn_notes", "IPython"}


def imported_modules(notebook: nbformat.NotebookNode) -> set[str]:
    """Top-level modules the notebook's code cells import."""
    names = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names.add(node.module.split(".")[0])
    return names


def text_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    """The plain-text outputs of every code cell, with memory addresses blanked."""
    texts = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            texts.append(ADDRESS.sub("0x", text))
    return texts


def test_the_site_has_chapters():
    assert "parametros" in CHAPTERS


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_offers_its_myst_source(name):
    assert download(name, ".md").read_bytes() == (DOCS / f"{name}.md").read_bytes()


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_reads_well_in_jupyter(name):
    notebook = nbformat.read(download(name, ".ipynb"), as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for what, pattern in MYST_ONLY.items():
                assert not pattern.search(cell.source), f"MyST {what} left in a Markdown cell:\n{cell.source}"
    assert imported_modules(notebook) <= allowed_modules()


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_runs_top_to_bottom_in_an_empty_folder(name, tmp_path):
    path = Path(shutil.copy(download(name, ".ipynb"), tmp_path))
    downloaded = nbformat.read(path, as_version=4)
    fresh = nbformat.read(path, as_version=4)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(fresh, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    assert text_outputs(fresh) == text_outputs(downloaded)  # the reader gets the site's numbers


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_names_the_rnn_notes_it_ran_with(name):
    first = nbformat.read(download(name, ".ipynb"), as_version=4).cells[0]
    assert first.cell_type == "markdown"
    assert f"`rnn_notes` {rnn_notes.__version__}" in first.source
    assert f"pip install rnn_notes-{version('rnn_notes')}-py3-none-any.whl" in first.source


# -- The built site and its downloads ---------------------------------------------------


def test_each_chapters_notebook_holds_the_figures_its_page_shows(site):
    for name in CHAPTERS:
        notebook = nbformat.read(download(name, ".ipynb"), as_version=4)
        outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
        figures = [out.data for out in outputs if "rnn-figure" in out.get("data", {}).get("text/html", "")]
        assert figures, f"{name}.ipynb has no figure"
        page = (site / f"{name}.html").read_text(encoding="utf-8")
        for data in figures:
            assert data["image/svg+xml"] in page  # the same SVG, byte for byte
            assert data["text/plain"] and data["text/html"].count("<svg") == 1
