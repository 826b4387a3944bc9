"""The one mechanism every figure goes through: a matplotlib figure becomes a :class:`SiteFigure`.

Its SVG is

- deterministic: fixed ``svg.hashsalt``, no date or creator metadata, glyphs as paths, so the
  same inputs write the same bytes (and a rebuild does not touch unchanged pages);
- themed: whatever is drawn in :data:`INK` (black) becomes ``currentColor``, so lines and text
  take the colour of the text around them in furo's light and dark themes (and in Jupyter);
  the background is transparent;
- accessible and self-contained: ``role="img"``, Spanish alternative text (``aria-label`` and
  ``<title>``) and a caption, no fonts or scripts to fetch.

matplotlib's SVG is rewritten as XML, with :mod:`xml.etree.ElementTree`: ids made unique on a
page, INK made ``currentColor``, the size made responsive and the alternative text added.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

INK = "#000000"  # drawn in this colour, shown in the text colour of the page (currentColor)
SALT = "rnn_notes"  # svg.hashsalt: the ids matplotlib generates are the same on every run

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"


@dataclass(frozen=True)
class SiteFigure:
    """An SVG figure with alternative text and a caption; shows itself in Jupyter and on the site."""

    svg: str
    alt: str
    caption: str
    figure: object = field(default=None, repr=False, compare=False)  # the matplotlib Figure, for tests

    def html(self) -> str:
        """A ``<figure>`` with the inline SVG and its caption."""
        return (
            '<figure class="rnn-figure" style="margin: 1rem 0; max-width: 100%;">'
            f'{self.svg}<figcaption style="font-size: 0.9em; margin-top: 0.5rem;">'
            f"{html.escape(self.caption)}</figcaption></figure>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """What IPython shows: the figure as HTML (themed) and SVG, and its alternative text."""
        return {"text/html": self.html(), "image/svg+xml": self.svg, "text/plain": self.alt}

    def __repr__(self) -> str:
        return f"SiteFigure({self.alt!r})"


def import_matplotlib() -> None:
    """Import matplotlib; a first import that builds its font cache logs nothing into the page.

    matplotlib is imported inside the functions that draw: pages that draw nothing never load it.
    """
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)  # "Matplotlib is building the font cache" would be a cell output
    try:
        import matplotlib.figure  # noqa: F401
    finally:
        logger.setLevel(level)


def site_figure(fig: object, alt: str, caption: str) -> SiteFigure:
    """Turn a matplotlib figure into the site's deterministic, themed, alt-texted SVG."""
    import_matplotlib()
    import matplotlib
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    for name, value in (("alt", alt), ("caption", caption)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty str, got {value!r}")
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": SALT, "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", transparent=True,
                    metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return SiteFigure(_site_svg(buffer.getvalue(), alt), alt, caption, fig)


def _site_svg(svg: str, alt: str) -> str:
    """matplotlib's SVG made inline-ready: no prolog, unique ids, INK as currentColor, alt text."""
    prefix = "f" + hashlib.sha256(svg.encode()).hexdigest()[:8] + "-"  # ids unique on a page
    # Comments kept: matplotlib names each text drawn as paths in one (<!-- paso 1 -->).
    root = ET.fromstring(svg, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
    # Plain names, the namespaces declared once on <svg>: inline SVG in HTML spells them so
    # (ElementTree would write "ns0:path").
    for element in root.iter():
        if isinstance(element.tag, str):  # not a comment
            element.tag = element.tag.removeprefix(f"{{{_SVG}}}")
        element.attrib = {_name(name): _value(name, value, prefix) for name, value in element.attrib.items()}
    width = float(root.attrib.pop("width").removesuffix("pt"))
    del root.attrib["height"]
    style = f"display: block; width: {width * 4 / 3:.0f}px; max-width: 100%; height: auto; fill: currentColor;"
    root.attrib = {"xmlns": _SVG, "xmlns:xlink": _XLINK, "role": "img", "aria-label": alt, "style": style,
                   **root.attrib}
    title = ET.Element("title")
    title.text, title.tail, root.text = alt, root.text, None  # first thing inside <svg>
    root.insert(0, title)
    return ET.tostring(root, encoding="unicode")


def _name(name: str) -> str:
    """An attribute's name as inline SVG in HTML spells it: ``xlink:href`` (matplotlib links glyphs with it)."""
    return name.replace(f"{{{_XLINK}}}", "xlink:")


def _value(name: str, value: str, prefix: str) -> str:
    """An attribute's value with ``prefix`` on the ids it names or links to, and INK as ``currentColor``."""
    if name == "id":
        value = prefix + value
    elif name == f"{{{_XLINK}}}href" and value.startswith("#"):
        value = "#" + prefix + value[1:]
    return value.replace("url(#", "url(#" + prefix).replace(INK, "currentColor")
