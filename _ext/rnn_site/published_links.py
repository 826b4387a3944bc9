"""The ``published-links`` directive: every link of ``tests/published_links.txt``, each with its section's title.

The instructors page shows it, so the links a course has published are listed where they are kept.
The list follows the site's table of contents and, within a page, the order of its sections; a
title keeps its math and code (a ``{ref}`` alone would show ``$D \\cdot H_{out}$`` as raw LaTeX).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import WARNING_TYPE

logger = logging.getLogger(__name__)
LIST_CLASS = "published-links"


def read_contract(path: Path) -> list[str]:
    """Return the links of a published-links file, skipping blank lines and # comments."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class PublishedLinks(SphinxDirective):
    """List every link of the published-links file, each with the title of its section."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.config.published_links_file)  # made absolute by _links_from_confdir
        if not path.is_file():
            logger.warning(f"published-links: {path} does not exist", location=self.get_location(),
                           type=WARNING_TYPE, subtype="published_links")
            return []
        self.env.note_dependency(str(path))  # re-read this page when the file changes
        self.env.metadata[self.env.docname][LIST_CLASS] = True  # written again when another page is read
        items = nodes.bullet_list(classes=[LIST_CLASS])
        for link in read_contract(path):
            anchor = link.partition("#")[2]
            title = addnodes.pending_xref(
                "", nodes.inline("", anchor), refdomain="std", reftype="ref",
                reftarget=anchor, refdoc=self.env.docname, refexplicit=False, refwarn=True,
            )
            line = nodes.paragraph("", "", title, nodes.Text(": "), nodes.literal(link, link))
            items += nodes.list_item("", line)
        return [items]


def page_order(env: BuildEnvironment) -> dict[str, int]:
    """Each page's position in the table of contents, read depth first from the root page."""
    order: dict[str, int] = {}

    def visit(docname: str) -> None:
        if docname not in order:
            order[docname] = len(order)
            for child in env.toctree_includes.get(docname, []):
                visit(child)

    visit(env.config.root_doc)
    return order


def _section(env: BuildEnvironment, anchor: str, trees: dict[str, list[nodes.section]]) -> tuple[int, nodes.title | None]:
    """The position, in its page, of the section labelled ``anchor`` and its title; (0, None) if there is none."""
    docname, section_id, _ = env.get_domain("std").labels.get(anchor, ("", "", ""))
    if not docname:
        return 0, None
    if docname not in trees:
        trees[docname] = list(env.get_doctree(docname).findall(nodes.section))
    for position, section in enumerate(trees[docname]):
        if section_id in section["ids"]:
            return position, section.next_node(nodes.title)
    return 0, None


def _link(item: nodes.Node) -> str:
    """The ``page.html#anchor`` a list item shows: its paragraph's last node (the title may hold code too)."""
    return item[0][-1].astext()


def _order_and_title(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Sort each published-links list as the site reads; give the titles with math or code their nodes."""
    order = page_order(app.env)
    trees: dict[str, list[nodes.section]] = {}
    for links in doctree.findall(nodes.bullet_list):
        if LIST_CLASS not in links["classes"]:
            continue
        found = []
        for number, item in enumerate(links.children):
            page, _, anchor = _link(item).partition("#")
            position, title = _section(app.env, anchor, trees)
            found.append(((order.get(page.removesuffix(".html"), len(order)), position, number), item, title))
        links[:] = [item for _, item, _ in sorted(found, key=lambda entry: entry[0])]
        for _, item, title in found:
            shown = item.next_node(nodes.reference)
            if title is None or shown is None or all(isinstance(c, nodes.Text) for c in title.children):
                continue
            inner = shown.next_node(nodes.inline)
            text = shown if inner is None else inner
            text[:] = [child.deepcopy() for child in title.children]


def _note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Remember whether this build reads any page: one of them may have a new section title."""
    app.published_links_reading = bool(docnames)


def _with_the_list(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The pages with a list, written again (their titles resolved anew) when this build read any other page."""
    if not getattr(app, "published_links_reading", False):
        return []
    return sorted(doc for doc, meta in env.metadata.items() if meta.get(LIST_CLASS) and doc in env.found_docs)


def _links_from_confdir(app: Sphinx, config: Config) -> None:
    """Resolve a relative ``published_links_file`` against the configuration directory."""
    config.published_links_file = str(Path(app.confdir, config.published_links_file))


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the ``published-links`` directive and its ``published_links_file`` setting."""
    app.add_config_value("published_links_file", "tests/published_links.txt", "env")
    app.add_directive("published-links", PublishedLinks)
    app.connect("config-inited", _links_from_confdir)
    app.connect("doctree-resolved", _order_and_title)
    app.connect("env-before-read-docs", _note_reading)
    app.connect("env-get-updated", _with_the_list)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
