"""The labs: ``_static/labs.js`` and ``_static/labs.css`` on every page.

A page's lab is a cell output written by ``rnn_notes.labs`` (a ``<div class="lab">`` with a
static table and its layer's data as JSON); the script turns it into the interactive lab,
computed in the browser. Both files ship in the site: nothing is fetched.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, bool]:
    """Add the labs' script (deferred: it reads the page once parsed) and stylesheet to every page."""
    app.add_js_file("labs.js", loading_method="defer")
    app.add_css_file("labs.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
