"""Each chapter's downloads, written next to its HTML page and offered in a box under its title.

- ``<page>.ipynb``: the executed notebook, readable in plain Jupyter (its Markdown rewritten by
  jupyter_markdown.py), opening with the versions it ran with and the two lines that install
  them; a chapter with exercises has them unanswered there, and its solutions in
  ``<page>-soluciones.ipynb``, for instructors (exercise_list.py).
- ``<page>.md``: its MyST source.

A chapter whose notebook failed gets no downloads (and loses those of an earlier build).
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from pathlib import Path

import nbformat
from docutils import nodes
from jupyter_cache import get_cache
from markdown_it import MarkdownIt
from packaging.requirements import Requirement
from packaging.version import Version
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

import rnn_notes  # the package the kernels run (rnn_site.mathml and autodoc import it too)

from . import WARNING_TYPE
from .exercise_list import download_links, exercises, students_notebook
from .jupyter_markdown import Warn, markdown_parser, plain_markdown
from .failure_report import failed_pages
from .notebooks import cell_source, copy_notebook, is_notebook, write_notebook

logger = logging.getLogger(__name__)
CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # PyTorch's CPU-only wheels, much smaller on Linux


def is_chapter(env: BuildEnvironment, docname: str) -> bool:
    """Tell whether a page is executed as a notebook (myst-nb's reader decides)."""
    return is_notebook(Path(env.doc2path(docname)))


def glued_values(path: Path) -> dict[str, str]:
    """The text/plain of every value a page glued, from the ``<page>.glue.json`` myst-nb writes."""
    if not path.is_file():
        return {}
    records = json.loads(path.read_text(encoding="utf-8"))
    return {name: record["data"]["text/plain"] for name, record in records.items()}


def torch_versions() -> tuple[str, str | None]:
    """The PyTorch this build runs (the lock's; without a local tag such as ``+cpu``) and rnn_notes' declared range."""
    built_with = Version(importlib.metadata.version("torch")).public
    try:
        requirements = [Requirement(line) for line in importlib.metadata.requires("rnn_notes") or []]
    except importlib.metadata.PackageNotFoundError:  # imported from a source tree, not installed
        requirements = []
    declared = next((str(r.specifier) for r in requirements if r.name == "torch" and r.specifier), None)
    return built_with, declared


def version_note(version: str, torch_version: str, torch_declared: str | None = None) -> dict:
    """The first cell of a downloaded notebook: the versions it ran with, and two lines that install them."""
    wheel = f"rnn_notes-{version}-py3-none-any.whl"
    tested = (f"`rnn_notes` declara `torch{torch_declared}`, pero solo se prueba con PyTorch {torch_version}. "
              if torch_declared else "")
    source = (
        f"> Este cuaderno se ejecutó con `rnn_notes` {version} y PyTorch {torch_version}. {tested}"
        f"Para ejecutarlo de nuevo, instala Jupyter, ese PyTorch y esa versión de `rnn_notes` (el archivo "
        f"`{wheel}` lo publica tu curso):\n"
        ">\n"
        f"> ```sh\n> pip install jupyterlab torch=={torch_version}\n> pip install {wheel}\n> ```\n"
        ">\n"
        f"> En Linux, añade `--extra-index-url {CPU_INDEX}` a la primera línea para instalar "
        "el PyTorch solo para CPU, mucho más pequeño que el que pip elige por defecto. "
        "Después, abre el cuaderno con `jupyter lab`."
    )
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": ["rnn-notes-version"]})


def readable_notebook(
    notebook: dict, titles: dict[str, str], local: set[str], glued: dict[str, str],
    warn: Warn | None = None, md: MarkdownIt | None = None, note: dict | None = None,
) -> dict:
    """Return a copy of an executed notebook that reads well and runs in plain Jupyter.

    Cells tagged ``remove-cell`` (hidden on the site too, e.g. myst-nb's ``glue``) are left
    out, and the values they glued are written into the prose as the site shows them.
    ``warn(message, cell index, line in the cell)`` gets each reference that cannot be resolved;
    ``note`` becomes the first cell.
    """
    notebook = copy_notebook(notebook)
    notebook["metadata"].pop("source_map", None)  # myst-nb's bookkeeping, not for readers
    md = md or markdown_parser()
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        if "remove-cell" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell["cell_type"] == "markdown":
            cell_warn = warn and (lambda message, line, index=index: warn(message, index, line))
            cell["source"] = plain_markdown(cell_source(cell), titles, local, glued, cell_warn, md)
        cells.append(cell)
    notebook["cells"] = ([note] if note else []) + cells
    return notebook


def cell_line(source: list[str], source_map: list[int], cell: int, line: int) -> int | None:
    """The line (from 1) of ``source``, the page's .md lines, where line ``line`` of cell ``cell`` is."""
    if cell >= len(source_map):
        return None
    start = source_map[cell]
    while start < len(source) and not source[start].strip():
        start += 1  # myst-nb strips a Markdown cell's leading blank lines
    return start + line + 1


def add_download_box(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the two download links of a chapter right after its title (none if its notebook failed)."""
    if app.builder.format != "html" or not is_chapter(app.env, docname) or docname in failed_pages(app.env):
        return
    name = Path(docname).name
    notebook = "cuaderno, con los ejercicios por resolver" if exercises(app.env).get(docname) else "cuaderno ejecutado"
    links = download_links([(f"{name}.ipynb", notebook), (f"{name}.md", "fuente MyST")])
    box = nodes.admonition("", nodes.title("", "Ejecuta este capítulo"), classes=["tip", "downloads"])
    box += nodes.paragraph("", "Descarga el cuaderno y ábrelo en Jupyter con rnn_notes instalado:")
    box += links
    title_section = next(iter(doctree.findall(nodes.section)))
    title_section.insert(title_section.first_child_matching_class(nodes.title) + 1, box)


def executed_notebook(app: Sphinx, path: Path) -> dict:
    """The notebook myst-nb wrote for a page, with its outputs.

    On a cache hit myst-nb writes the notebook without outputs, so they come from jupyter-cache.
    """
    notebook = nbformat.read(path, as_version=4)
    if app.config.nb_execution_mode == "cache":
        cache = get_cache(app.config.nb_execution_cache_path)
        _, notebook = cache.merge_match_into_notebook(notebook)
    return notebook


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Write each chapter's readable notebook and its MyST source next to its HTML page."""
    if exception or app.builder.format != "html":
        return
    env = app.env
    labels = env.domains.standard_domain.labels  # label -> (docname, anchor, title)
    titles = {label: title for label, (_, _, title) in labels.items() if title}
    executed = Path(env.mystnb_config.output_folder)
    failed = failed_pages(env)
    md = markdown_parser(env.myst_config)  # the parser the site's pages were read with
    note = version_note(rnn_notes.__version__, *torch_versions())
    for docname in sorted(env.found_docs):
        if not is_chapter(env, docname):
            continue
        target = Path(app.outdir, docname)
        solutions = target.with_name(target.name + "-soluciones.ipynb")
        if docname in failed:
            for stale in (target.with_suffix(".ipynb"), target.with_suffix(".md"), solutions):
                stale.unlink(missing_ok=True)
            continue
        local = {label for label, (doc, _, _) in labels.items() if doc == docname}
        notebook = executed_notebook(app, executed / f"{docname}.ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        glued = glued_values(executed / f"{docname}.glue.json")
        page = env.doc2path(docname).read_text(encoding="utf-8").splitlines()
        source_map = notebook["metadata"].get("source_map", [])

        def warn(message: str, cell: int, line: int, docname: str = docname) -> None:
            logger.warning(message, location=(docname, cell_line(page, source_map, cell, line)),
                           type=WARNING_TYPE, subtype="download")

        readable = readable_notebook(notebook, titles, local, glued, warn, md, note)
        if exercises(env).get(docname):
            write_notebook(readable, solutions)
            write_notebook(students_notebook(readable), target.with_suffix(".ipynb"))
        else:
            solutions.unlink(missing_ok=True)
            write_notebook(readable, target.with_suffix(".ipynb"))
        shutil.copyfile(env.doc2path(docname), target.with_suffix(".md"))


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the download box and the writing of the download files."""
    app.setup_extension("rnn_site.exercise_list")  # it finds the exercises the notebooks leave out
    app.connect("doctree-resolved", add_download_box)
    app.connect("build-finished", write_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
