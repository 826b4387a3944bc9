"""Each chapter offers its executed notebook and its MyST source; the notebook runs in plain Jupyter."""

import ast
import asyncio
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import requires, version
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient

import rnn_notes
from helpers import locked_version
from rnn_site.notebooks import is_notebook
from site_contract import DOCS, SITE

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


def text_outputs(cells: list[nbformat.NotebookNode], skip: list[int] = ()) -> list[str]:
    """The plain-text outputs of the code cells (but those at ``skip``), memory addresses blanked."""
    texts = []
    for cell in (cell for index, cell in enumerate(cells) if index not in skip):
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


def solutions(name: str) -> Path | None:
    """The instructors' notebook of a chapter with exercises (listed on the instructors page), else None."""
    path = SITE / f"{name}-soluciones.ipynb"
    return path if path.is_file() else None


def exercise_id(cell: nbformat.NotebookNode) -> str:
    """The id an answer or solution cell checks: the first argument of its last statement, a check call."""
    return ast.parse(cell.source).body[-1].value.args[0].value


def tagged(notebook: nbformat.NotebookNode, tag: str) -> list[int]:
    """Indices of the code cells with a tag."""
    return [i for i, cell in enumerate(notebook.cells) if tag in cell.metadata.get("tags", [])]


def run_afresh(paths: list[Path], folder: Path) -> list[nbformat.NotebookNode]:
    """Run notebooks at once, each with its outputs cleared, from ``folder``: one kernel each."""

    async def run_all():
        clients = []
        for path in paths:
            notebook = nbformat.read(shutil.copy(path, folder), as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            clients.append(NotebookClient(notebook, timeout=120, kernel_name="python3",
                                          resources={"metadata": {"path": str(folder)}}))
        await asyncio.gather(*(client.async_execute() for client in clients))
        return [client.nb for client in clients]

    # In a thread of its own: a worker that ran the browser tests holds Playwright's event loop,
    # and asyncio.run refuses to start inside a running loop.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run_all()).result()


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebooks_run_top_to_bottom_in_an_empty_folder(name, tmp_path):
    """The students' notebook runs to the end with its exercises unanswered; the instructors' one passes."""
    students = download(name, ".ipynb")
    paths = [students] + ([solutions(name)] if solutions(name) else [])
    shipped = [nbformat.read(path, as_version=4) for path in paths]
    fresh = run_afresh(paths, tmp_path)
    answers = tagged(shipped[0], "answer")
    assert text_outputs(fresh[0].cells, answers) == text_outputs(shipped[0].cells, answers)  # the site's numbers
    for index in answers:
        cell = fresh[0].cells[index]
        texts = text_outputs([cell])
        assert len(texts) == 1 and f"Ejercicio {exercise_id(cell)}: sin responder" in texts[0], texts
    if len(paths) == 2:
        assert text_outputs(fresh[1].cells) == text_outputs(shipped[1].cells)
        for index in tagged(shipped[1], "solution"):
            cell = fresh[1].cells[index]
            assert text_outputs([cell])[-1] == f"✔ Ejercicio {exercise_id(cell)}: correcto."  # after any print


@pytest.mark.parametrize("name", CHAPTERS)
def test_students_notebook_is_the_instructors_one_without_the_solutions(name):
    path = solutions(name)
    if path is None:
        assert not tagged(nbformat.read(download(name, ".ipynb"), as_version=4), "answer")
        return
    students = nbformat.read(download(name, ".ipynb"), as_version=4)
    instructors = nbformat.read(path, as_version=4)
    solved = tagged(instructors, "solution")
    assert len(solved) >= 2 and tagged(students, "answer") == solved
    assert len(students.cells) == len(instructors.cells)
    for index, (student, instructor) in enumerate(zip(students.cells, instructors.cells)):
        if index in solved:
            assert student.source == f'answer = None\ncheck("{exercise_id(instructor)}", answer)'
            assert not student.outputs
        else:
            assert student == instructor
    shipped = "\n".join(cell.source for cell in students.cells)
    for index in solved:
        assert instructors.cells[index].source not in shipped


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebooks_name_the_versions_they_ran_with_and_install_them_in_two_lines(name):
    torch = locked_version("torch")  # what the site is built and tested with
    wheel = f"rnn_notes-{version('rnn_notes')}-py3-none-any.whl"
    install = f"> pip install jupyterlab torch=={torch}\n> pip install {wheel}\n"
    for path in filter(None, (download(name, ".ipynb"), solutions(name))):
        first = nbformat.read(path, as_version=4).cells[0]
        assert first.cell_type == "markdown"
        assert f"`rnn_notes` {rnn_notes.__version__} y PyTorch {torch}." in first.source
        assert f"> ```sh\n{install}> ```" in first.source


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


# What the declared minimum (pyproject's torch>=2.3) lacks that the locked torch has, and the
# chapter that reads it: each notebook must run with it absent (it says so and carries on).
RECENT_APIS = {"bucle": ("torch.backends.cudnn.rnn", "fp32_precision")}


@pytest.mark.parametrize("name", sorted(RECENT_APIS))
def test_notebook_runs_on_an_older_torch_without_a_recent_api(name, tmp_path):
    """The notebook, run where the recent attribute is missing (as in torch 2.3), ends without an error."""
    module, attribute = RECENT_APIS[name]
    notebook = nbformat.read(download(name, ".ipynb"), as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(
        f"import importlib\n_m = importlib.import_module({module!r})\n"
        f"delattr(type(_m), {attribute!r})  # a module object's property lives on its class\n"
        f"assert not hasattr(_m, {attribute!r})"))
    path = tmp_path / "source" / f"{name}-older.ipynb"
    path.parent.mkdir()
    nbformat.write(notebook, path)
    fresh = run_afresh([path], tmp_path)[0]
    errors = [o for cell in fresh.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    code = "".join(cell.source for cell in fresh.cells if cell.cell_type == "code")
    assert f"getattr({module}, \"{attribute}\", None)" in code  # the guard the notebook relies on
