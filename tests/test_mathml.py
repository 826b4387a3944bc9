"""rnn_site.mathml: LaTeX of the kind the pages use becomes MathML, and what it cannot draw fails loudly."""

import re
import xml.etree.ElementTree as ET

import pytest
from rnn_site.mathml import latex_to_mathml, versions

pytestmark = pytest.mark.unit

BMATRIX = r"\begin{bmatrix} 0.3643 & -0.3121 \\ 0.4241 & -0.1455 \end{bmatrix}"


def parse(mathml: str) -> ET.Element:
    """The <math> element, with the MathML namespace dropped from every tag."""
    root = ET.fromstring(mathml)
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    return root


def texts(root: ET.Element, tag: str) -> list[str]:
    """The text of every ``tag`` element, in document order."""
    return [element.text for element in root.iter(tag)]


def test_bmatrix_is_a_table_between_brackets():
    root = parse(latex_to_mathml(BMATRIX, display=True))
    assert root.get("display") == "block"
    (table,) = root.iter("mtable")
    assert [[cell.findtext("mn") for cell in row] for row in table] == [
        ["0.3643", "0.3121"],
        ["0.4241", "0.1455"],
    ]
    assert [row.find("mtd").findtext("mo") for row in table] == [None, None]
    assert texts(root, "mo") == ["[", "\u2212", "\u2212", "]"]  # minus signs are real minus signs


def test_tanh_subscripts_and_both_transposes():
    root = parse(latex_to_mathml(r"h_t = \tanh\left(x_t W_{ih}^\top + b_{ih}\right) + W^T", display=False))
    assert root.get("display") == "inline"
    assert "tanh" in texts(root, "mi")
    (transpose,) = root.iter("msubsup")
    assert [child.text for child in transpose[1]] == ["i", "h"]
    assert transpose[2].text == "\u22a4"
    (plain_t,) = root.iter("msup")
    assert [child.text for child in plain_t] == ["W", "T"]
    assert [mo.get("stretchy") for mo in root.iter("mo") if mo.text in "()"] == ["true", "true"]


def test_less_than_signs_stay_escaped():
    mathml = latex_to_mathml(r"\text{a<b} \le c < d", display=False)
    root = parse(mathml)  # raises if a raw "<" broke the markup
    assert texts(root, "mtext") == ["a<b"]
    assert texts(root, "mo") == ["\u2264", "<"]


def test_a_transposed_matrix_is_one_base_with_its_script():
    root = parse(latex_to_mathml(BMATRIX + r"^\top", display=True))
    (sup,) = root.iter("msup")
    assert len(sup) == 2, "msup takes exactly a base and a script"
    assert [child.tag for child in sup[0]] == ["mo", "mtable", "mo"]
    assert sup[1].text == "\u22a4"


@pytest.mark.parametrize(("brace", "css_class", "layout"), [
    (r"\underbrace{%s}_{W_{ih}}", "mathml-underbrace", "munder"),
    (r"\overbrace{%s}^{W_{ih}}", "mathml-overbrace", "mover"),
])
def test_braces_become_css_drawn_brackets_with_their_label(brace, css_class, layout):
    root = parse(latex_to_mathml(brace % BMATRIX, display=True))
    (braced,) = [element for element in root.iter() if element.get("class") == css_class]
    assert braced.tag == "mrow"
    assert len(list(braced.iter("mtable"))) == 1
    (outer,) = [element for element in root.iter(layout) if braced in list(element)]
    assert texts(outer, "mi") == ["W", "i", "h"]
    assert not [mo for mo in root.iter("mo") if mo.text in ("\u23df", "\u23de")]


def test_aligned_and_plain_line_breaks_become_tables():
    aligned = parse(latex_to_mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", display=True))
    assert len(list(aligned.iter("mtr"))) == 2
    lines = parse(latex_to_mathml(r"a = b \\ c = d", display=True))
    assert [texts(row, "mi") for row in lines.iter("mtr")] == [["a", "b"], ["c", "d"]]


def test_source_is_kept_as_escaped_alttext():
    mathml = latex_to_mathml(r"a < b", display=False)
    assert 'alttext="a &lt; b"' in mathml
    assert parse(mathml).get("alttext") == "a < b"


@pytest.mark.parametrize(("latex", "message"), [
    (r"\foo{x}", r"unknown command \foo"),
    (r"a & b", "'&' outside a table"),
    (r"a \\ b", r"'\\' outside a table"),
    (r"\begin{gather} a \end{gather}", "environment 'gather' is not supported"),
    (r"\left( x", "ExtraLeftOrMissingRightError"),
])
def test_what_mathml_cannot_draw_is_an_error_naming_it(latex, message):
    with pytest.raises(ValueError, match="cannot convert") as error:
        latex_to_mathml(latex, display=False)
    assert message in str(error.value)


def test_latex_must_be_text():
    with pytest.raises(TypeError, match="latex must be a str, got bytes"):
        latex_to_mathml(b"x", display=False)


@pytest.mark.sphinx("html", testroot="mathml", freshenv=True)
def test_a_built_page_keeps_equation_numbers_and_links(app):
    """A one-page Sphinx project (tests/roots/test-mathml) with a labelled equation and a reference to it."""
    app.build()
    assert app.warning.getvalue() == ""
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    numbered = page[page.index('id="equation-eq-step"'):]
    assert numbered.index('<span class="eqno">(1)') < numbered.index("<math")
    assert 'href="#equation-eq-step"' in page
    assert page.count('display="block"') == 3  # the two equations of the second block are separate
    assert "\\tanh" not in re.sub(r'alttext="[^"]*"', "", page)  # the LaTeX survives only as alttext


def test_a_narrow_version_becomes_a_second_math_element_with_its_class():
    wide, narrow = r"a + b = c", r"\begin{aligned} & a \\ + \; & b \end{aligned}"
    latex = rf"\displaystyle % narrow: {narrow}" + "\n" + wide
    assert versions(latex) == [(rf"\displaystyle {wide}", "math-wide"), (rf"\displaystyle {narrow}", "math-narrow")]
    assert versions(wide) == [(wide, None)]
    for text, _ in versions(latex):
        parse(latex_to_mathml(text, display=True))  # each version converts on its own


def test_latex_product_output_renders_in_both_versions():
    import torch
    from rnn_notes import latex_product

    w, x = torch.ones(2, 5), torch.ones(5, 1)

    parts = versions(latex_product([w, x], bias=x[:2], result=w @ x + x[:2]))
    assert [css for _, css in parts] == ["math-wide", "math-narrow"]
    for text, _ in parts:  # every number of W, x, the bias and the result, in each version
        numbers = texts(parse(latex_to_mathml(text, display=True)), "mn")
        assert numbers.count("1.0000") == 10 + 5 + 2 and numbers.count("6.0000") == 2
