"""Spanish labels for folded cells, chosen by the cell's tags; predictions get the class ``prediccion``.

myst-nb folds a cell tagged ``hide-input``, ``hide-output`` or ``hide-cell`` in a native
``<details>`` whose summary reads one label for the whole site. Here the label says what is
folded: an exercise's solution (tag ``solution``), the answer to a prediction (tag
``prediccion``: the question is the paragraph before the cell), or code that only typesets.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

# (tag, class added to the cell, label when closed, label when open); the first tag found wins.
PROMPTS = (
    ("solution", None, "Mostrar la solución", "Ocultar la solución"),
    ("prediccion", "prediccion", "Ver la respuesta", "Ocultar la respuesta"),
)
DEFAULT = ("Mostrar el código", "Ocultar el código")


def _is_cell(node: nodes.Node) -> bool:
    """A myst-nb code cell's container (``<div class="cell ...">``)."""
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def label_cells(app: Sphinx, doctree: nodes.document) -> None:
    """Give each folded cell the label of its first known tag, and predictions their class."""
    for cell in doctree.findall(_is_cell):
        if not cell.get("hide_mode"):
            continue
        tags = cell.get("classes", [])
        show, hide = DEFAULT
        for tag, css, tag_show, tag_hide in PROMPTS:
            if f"tag_{tag}" in tags:
                show, hide = tag_show, tag_hide
                if css:
                    cell["classes"].append(css)
                break
        cell["prompt_show"], cell["prompt_hide"] = show, hide


def setup(app: Sphinx) -> dict:
    """Label folded cells when each page is read (before myst-nb wraps them in ``<details>``)."""
    app.setup_extension("myst_nb")
    app.connect("doctree-read", label_cells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
