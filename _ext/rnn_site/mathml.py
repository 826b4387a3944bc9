"""A Sphinx HTML math renderer that turns LaTeX into MathML at build time, so pages need no math JavaScript."""

from __future__ import annotations

import html
import re
from pathlib import Path
from xml.etree.ElementTree import Element, tostring

from docutils import nodes
from latex2mathml.commands import MATRICES
from latex2mathml.converter import convert_to_element
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

from rnn_notes.equations import NARROW_MARK

from . import WARNING_TYPE

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("mathml_static")
# Environments latex2mathml renders: bmatrix, pmatrix, cases, split, align, align*, ...
ENVIRONMENTS = frozenset(name.removeprefix("\\") for name in MATRICES)
# amsmath environments latex2mathml lacks, rewritten to one it renders the same way ("" drops the wrapper).
ALIASES = {"aligned": "align*", "equation": "", "equation*": ""}
BEGIN_END = re.compile(r"\\(begin|end)\{([^}]*)\}")
UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
# Chromium does not stretch an operator along the baseline (it draws \underbrace's U+23DF
# off-centre and too short), so braces become CSS-drawn brackets: see mathml.css.
BRACES = {("munder", "&#x23DF;"): "mathml-underbrace", ("mover", "&#x23DE;"): "mathml-overbrace"}
# An equation may carry a version for narrow screens on a line of its own after NARROW_MARK
# (rnn_notes.equations writes it; a comment to MathJax, so Jupyter shows the wide one):
# mathml.css shows one of the two.


def _rewrite_environments(latex: str) -> str:
    """Apply ALIASES to ``\\begin``/``\\end``; ValueError for an environment latex2mathml cannot render."""

    def replace(match: re.Match[str]) -> str:
        command, name = match.groups()
        if name in ALIASES:
            return rf"\{command}{{{ALIASES[name]}}}" if ALIASES[name] else " "
        if name not in ENVIRONMENTS:
            known = ", ".join(sorted(ENVIRONMENTS | ALIASES.keys()))
            raise ValueError(f"environment {name!r} is not supported; use one of: {known}")
        return match.group(0)

    return BEGIN_END.sub(replace, latex)


SCRIPTS = {"msup": 1, "msub": 1, "msubsup": 2}  # how many scripts follow the base


def _group_script_bases(math: Element) -> None:
    """Wrap a loose base in an ``mrow``: latex2mathml leaves ``\\end{bmatrix}^\\top``'s parts apart."""
    for element in list(math.iter()):
        scripts = SCRIPTS.get(element.tag)
        if scripts and len(element) > scripts + 1:
            base = Element("mrow")
            for child in list(element)[:-scripts]:
                element.remove(child)
                base.append(child)
            element.insert(0, base)


def _check_and_draw_braces(math: Element) -> None:
    """ValueError where latex2mathml passed LaTeX through as text; braces become CSS classes (BRACES)."""
    for element in math.iter():
        text = element.text or ""
        if command := UNKNOWN_COMMAND.search(text):
            raise ValueError(f"unknown command {command.group(0)}")
        if text == "&" and element.tag != "mtext":
            raise ValueError("'&' outside a table or an aligned environment")
        if element.get("linebreak") == "newline":
            raise ValueError(r"'\\' outside a table or an aligned environment")
        last = element[-1] if len(element) else None
        brace = BRACES.get((element.tag, last.text)) if last is not None and last.tag == "mo" else None
        if brace:
            element.remove(last)
            element.tag = "mrow"
            element.set("class", brace)


ENTITY = re.compile(r"&amp;#x([0-9A-Fa-f]+);")


def _character(match: re.Match[str]) -> str:
    """The character of an escaped ``&#x...;`` entity, escaped once for HTML."""
    return html.escape(chr(int(match[1], 16)), quote=False)


def latex_to_mathml(latex: str, display: bool) -> str:
    """One ``<math>`` element for ``latex``; ValueError when latex2mathml cannot render it faithfully."""
    if not isinstance(latex, str):
        raise TypeError(f"latex must be a str, got {type(latex).__name__}")
    try:
        source = _rewrite_environments(latex.strip())
        math = convert_to_element(source, display="block" if display else "inline")
        if display and any(element.get("linebreak") == "newline" for element in math.iter()):
            # lines outside any environment: stack them as amsmath's align* does
            math = convert_to_element(rf"\begin{{align*}}{source}\end{{align*}}", display="block")
        _group_script_bases(math)
        _check_and_draw_braces(math)
    except Exception as error:  # latex2mathml raises many exception types, all meaning "bad LaTeX"
        detail = str(error) or type(error).__name__  # latex2mathml's exceptions often have no message
        raise ValueError(f"cannot convert `{latex}` to MathML: {detail}") from error
    # latex2mathml keeps entities such as "&#x023DF;" as text, which tostring escapes again:
    # turn just those back into characters, so a real "<" in the math stays "&lt;".
    mathml = ENTITY.sub(_character, tostring(math, encoding="unicode"))
    alttext = html.escape(" ".join(latex.split()))  # read by screen readers
    return mathml.replace("<math ", f'<math alttext="{alttext}" ', 1)


def versions(latex: str) -> list[tuple[str, str | None]]:
    """``[(latex, None)]``, or with a NARROW_MARK line ``[(wide, "math-wide"), (narrow, "math-narrow")]``."""
    before, mark, rest = latex.partition(NARROW_MARK)  # before: e.g. IPython's \displaystyle, shared by both
    narrow, end_of_line, after = rest.partition("\n")
    if not (mark and end_of_line):
        return [(latex, None)]
    return [(before + after, "math-wide"), (before + narrow, "math-narrow")]


def _render(translator: HTML5Translator, node: nodes.Element, latex: str, display: bool) -> str:
    """MathML for ``latex`` (each version of it), or the escaped source plus a build warning (an error under ``-W``)."""
    try:
        mathml = [(latex_to_mathml(text, display), css) for text, css in versions(latex)]
        return "".join(m.replace("<math ", f'<math class="{css}" ', 1) if css else m for m, css in mathml)
    except ValueError as error:
        logger.warning(str(error), location=node, type=WARNING_TYPE, subtype="mathml")
        return f'<code class="mathml-error">{translator.encode(latex)}</code>'


def visit_math(self: HTML5Translator, node: nodes.math) -> None:
    """Inline math: ``<span class="math"><math>...</math></span>``."""
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(_render(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self: HTML5Translator, node: nodes.math_block) -> None:
    """Display math: one block ``<math>`` per equation, with Sphinx's number and permalink."""
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    text = node.astext()
    # Sphinx's convention: without nowrap, blank lines separate equations.
    parts = [text] if node.get("nowrap") else [part for part in text.split("\n\n") if part.strip()]
    self.body.extend(_render(self, node, part, display=True) for part in parts)
    self.body.append("</div>\n")
    raise nodes.SkipNode


def _add_static_path(app: Sphinx, config: Config) -> None:
    """Ship mathml.css with the site (before the saved configuration is compared, so a rebuild sees no change)."""
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict[str, object]:
    """Register the ``mathml`` renderer; select it with ``html_math_renderer = "mathml"``."""
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", _add_static_path)
    app.add_css_file("mathml.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
