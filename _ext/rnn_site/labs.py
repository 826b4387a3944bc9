"""The labs: ``_static/labs-compute.js``, ``labs.js``, ``labs-gradient.js`` and ``labs.css`` on every page.

A page's lab is a cell output written by ``rnn_notes.labs`` (a ``<div class="lab">`` with a
static table and its layer's data as JSON); the scripts turn it into the interactive lab,
computed in the browser (the numbers in ``labs-compute.js``, the page in the other two). All
ship in the site: nothing is fetched.
"""

from __future__ import annotations

from sphinx.application import Sphinx

SCRIPTS = ("labs-compute.js", "labs.js", "labs-gradient.js")  # in this order: each uses the one before


def setup(app: Sphinx) -> dict[str, bool]:
    """Add the labs' scripts (deferred: they read the page once parsed, in order) and stylesheet to every page."""
    for script in SCRIPTS:
        app.add_js_file(script, loading_method="defer")
    app.add_css_file("labs.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
