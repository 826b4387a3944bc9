"""Course features of the site: chapter downloads and the list of published links.

- Each chapter (a page executed as a notebook) gets a box with two downloads, written next
  to its HTML page: ``<page>.ipynb`` (the executed notebook, readable in plain Jupyter) and
  ``<page>.md`` (its MyST source).
- The ``published-links`` directive lists the links of ``tests/published_links.txt``.
"""

import ast
import json
import re
import shutil
from pathlib import Path

import nbformat
from docutils import nodes
from jupyter_cache import get_cache
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from notebook_cache import failed_pages, is_notebook

LABEL_LINE = re.compile(r"^\(([^()\s]+)\)=[ \t]*$", re.MULTILINE)
REF_ROLE = re.compile(r"\{(?:ref|doc)\}`([^`]*)`")
EXPLICIT_TITLE = re.compile(r"^(.*?)\s*<([^<>]+)>$")
LABEL_LINK = re.compile(r"\[([^\]]+)\]\(#?([A-Za-z0-9_-]+)\)")
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::([^`]*))?`")


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


def glued_text(values: dict[str, str], name: str, spec: str | None) -> str:
    """A glued value as the site shows it, formatted with ``spec`` as {glue:text} does."""
    text = values[name]
    return format(ast.literal_eval(text), spec) if spec else text


def plain_markdown(
    text: str, titles: dict[str, str], local: set[str], glued: dict[str, str] | None = None
) -> str:
    """Rewrite the MyST-only markup of a Markdown cell into Markdown that Jupyter renders."""

    def ref(match: re.Match) -> str:
        explicit = EXPLICIT_TITLE.match(match[1])
        return explicit[1] if explicit else titles.get(match[1].lower(), match[1])

    def link(match: re.Match) -> str:
        text, target = match[1], match[2].lower()
        if target in local:
            return f"[{text}](#{target})"  # the anchor exists in this notebook too
        return text if target in titles else match[0]

    text = GLUE_ROLE.sub(lambda m: glued_text(glued or {}, m[1], m[2]), text)
    text = LABEL_LINE.sub(r'<a id="\1"></a>', text)
    text = REF_ROLE.sub(ref, text)
    return LABEL_LINK.sub(link, text)


def student_notebook(
    notebook: dict, titles: dict[str, str], local: set[str], glued: dict[str, str]
) -> dict:
    """Return a copy of an executed notebook that reads well and runs in plain Jupyter.

    Cells tagged ``remove-cell`` (hidden on the site too, e.g. myst-nb's ``glue``) are left
    out, and the values they glued are written into the prose as the site shows them.
    """
    notebook = json.loads(json.dumps(notebook))
    notebook["metadata"].pop("source_map", None)  # myst-nb's bookkeeping, not for readers
    notebook["cells"] = [
        c for c in notebook["cells"] if "remove-cell" not in c.get("metadata", {}).get("tags", [])
    ]
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = plain_markdown(source, titles, local, glued)
    return notebook


def add_download_box(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the two download links of a chapter right after its title."""
    if app.builder.format != "html" or not is_chapter(app.env, docname):
        return
    name = Path(docname).name
    links = nodes.paragraph()
    for filename, text in ((f"{name}.ipynb", "cuaderno ejecutado"), (f"{name}.md", "fuente MyST")):
        if len(links):
            links += nodes.Text(" · ")
        ref = addnodes.download_reference("", "", refuri=filename)
        ref += nodes.inline("", f"{text} ({filename})")
        links += ref
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
    for docname in sorted(env.found_docs):
        if not is_chapter(env, docname):
            continue
        target = Path(app.outdir, docname)
        if docname in failed:
            target.with_suffix(".ipynb").unlink(missing_ok=True)
            target.with_suffix(".md").unlink(missing_ok=True)
            continue
        local = {label for label, (doc, _, _) in labels.items() if doc == docname}
        notebook = executed_notebook(app, executed / f"{docname}.ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        glued = glued_values(executed / f"{docname}.glue.json")
        readable = student_notebook(notebook, titles, local, glued)
        readable = json.dumps(readable, indent=1, ensure_ascii=False)
        target.with_suffix(".ipynb").write_text(readable + "\n", encoding="utf-8")
        shutil.copyfile(env.doc2path(docname), target.with_suffix(".md"))


class PublishedLinks(SphinxDirective):
    """List every link of the published-links file, each with the title of its section."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.config.published_links_file)
        if not path.is_absolute():
            path = Path(self.env.app.confdir, path)
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


def setup(app: Sphinx) -> dict:
    """Register the download box, the download files and the published-links directive."""
    app.add_config_value("published_links_file", "tests/published_links.txt", "env")
    app.add_directive("published-links", PublishedLinks)
    app.connect("doctree-resolved", add_download_box)
    app.connect("build-finished", write_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
