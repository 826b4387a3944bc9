"""Course features of the site: chapter downloads and the list of published links.

- Each chapter (a page executed as a notebook) gets a box with two downloads, written next
  to its HTML page: ``<page>.ipynb`` (the executed notebook, readable in plain Jupyter, its
  Markdown rewritten by _ext/jupyter_markdown.py, and opening with the rnn_notes version it
  ran with; a chapter with exercises has them unanswered there, and its solutions in
  ``<page>-soluciones.ipynb``, for instructors) and ``<page>.md`` (its MyST source).
- The ``published-links`` directive lists the links of ``tests/published_links.txt``.
"""

import importlib.metadata
import json
import shutil
from pathlib import Path

import nbformat
from docutils import nodes
from jupyter_cache import get_cache
from markdown_it import MarkdownIt
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from exercises import download_links, exercises, students_notebook
from jupyter_markdown import Warn, markdown_parser, plain_markdown
from notebook_cache import failed_pages, is_notebook

logger = logging.getLogger(__name__)


def read_contract(path: Path) -> list[str]:
    """Return the links of a published-links file, skipping blank lines and # comments."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def is_chapter(env: BuildEnvironment, docname: str) -> bool:
    """Tell whether a page is executed as a notebook (myst-nb's reader decides)."""
    return is_notebook(Path(env.doc2path(docname)))


def glued_values(path: Path) -> dict[str, str]:
    """The text/plain of every value a page glued, from the ``<page>.glue.json`` myst-nb writes."""
    if not path.is_file():
        return {}
    records = json.loads(path.read_text(encoding="utf-8"))
    return {name: record["data"]["text/plain"] for name, record in records.items()}


def version_note(version: str, torch_version: str) -> dict:
    """The first cell of a downloaded notebook: the rnn_notes it ran with, and how to install it."""
    wheel = f"rnn_notes-{version}-py3-none-any.whl"
    source = (
        f"> Este cuaderno se ejecutó con `rnn_notes` {version} y PyTorch {torch_version}. "
        f"Para ejecutarlo de nuevo, instala esa versión de `rnn_notes` con el archivo `{wheel}` "
        "que publica tu curso:\n"
        ">\n"
        f"> ```sh\n> pip install {wheel}\n> ```\n"
        ">\n"
        "> En Linux, añade `--extra-index-url https://download.pytorch.org/whl/cpu` para instalar "
        "el PyTorch solo para CPU, mucho más pequeño que el que pip elige por defecto."
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
    notebook = json.loads(json.dumps(notebook))
    notebook["metadata"].pop("source_map", None)  # myst-nb's bookkeeping, not for readers
    md = md or markdown_parser()
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        if "remove-cell" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell_warn = warn and (lambda message, line, index=index: warn(message, index, line))
            cell["source"] = plain_markdown(source, titles, local, glued, cell_warn, md)
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
    """Write each chapter's readable notebook and its MyST source next to its HTML page.

    A chapter whose notebook failed gets no downloads (and loses those of an earlier build).
    """
    if exception or app.builder.format != "html":
        return
    env = app.env
    labels = env.domains.standard_domain.labels  # label -> (docname, anchor, title)
    titles = {label: title for label, (_, _, title) in labels.items() if title}
    executed = Path(env.mystnb_config.output_folder)
    failed = failed_pages(env)
    md = markdown_parser(env.myst_config)  # the parser the site's pages were read with
    import rnn_notes  # autodoc imported it already: the package the kernels ran

    note = version_note(rnn_notes.__version__, importlib.metadata.version("torch"))
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
            logger.warning(message, location=(docname, cell_line(page, source_map, cell, line)))

        readable = readable_notebook(notebook, titles, local, glued, warn, md, note)
        if exercises(env).get(docname):
            write_notebook(readable, solutions)
            write_notebook(students_notebook(readable), target.with_suffix(".ipynb"))
        else:
            solutions.unlink(missing_ok=True)
            write_notebook(readable, target.with_suffix(".ipynb"))
        shutil.copyfile(env.doc2path(docname), target.with_suffix(".md"))


def write_notebook(notebook: dict, path: Path) -> None:
    """Write a notebook as readable JSON (indented, accents as they are)."""
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class PublishedLinks(SphinxDirective):
    """List every link of the published-links file, each with the title of its section."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.config.published_links_file)  # made absolute by _links_from_confdir
        if not path.is_file():
            raise self.error(f"published-links: {path} does not exist")
        self.env.note_dependency(str(path))  # re-read this page when the file changes
        items = nodes.bullet_list()
        for link in read_contract(path):
            anchor = link.partition("#")[2]
            title = addnodes.pending_xref(
                "", nodes.inline("", anchor), refdomain="std", reftype="ref",
                reftarget=anchor, refdoc=self.env.docname, refexplicit=False, refwarn=True,
            )
            line = nodes.paragraph("", "", title, nodes.Text(": "), nodes.literal(link, link))
            items += nodes.list_item("", line)
        return [items]


def _links_from_confdir(app: Sphinx, config) -> None:
    """Resolve a relative ``published_links_file`` against the configuration directory."""
    config.published_links_file = str(Path(app.confdir, config.published_links_file))


def setup(app: Sphinx) -> dict:
    """Register the download box, the download files and the published-links directive."""
    app.add_config_value("published_links_file", "tests/published_links.txt", "env")
    app.add_directive("published-links", PublishedLinks)
    app.connect("config-inited", _links_from_confdir)
    app.connect("doctree-resolved", add_download_box)
    app.connect("build-finished", write_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
