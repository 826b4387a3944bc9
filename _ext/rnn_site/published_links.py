"""The ``published-links`` directive: every link of ``tests/published_links.txt``, each with its section's title.

The instructors page shows it, so the links a course has published are listed where they are kept.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import WARNING_TYPE

logger = logging.getLogger(__name__)


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


def _links_from_confdir(app: Sphinx, config: Config) -> None:
    """Resolve a relative ``published_links_file`` against the configuration directory."""
    config.published_links_file = str(Path(app.confdir, config.published_links_file))


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the ``published-links`` directive and its ``published_links_file`` setting."""
    app.add_config_value("published_links_file", "tests/published_links.txt", "env")
    app.add_directive("published-links", PublishedLinks)
    app.connect("config-inited", _links_from_confdir)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
