"""rnn_site.jupyter_markdown: MyST roles, targets and label links rewritten for Jupyter, code left byte for byte."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rnn_site.jupyter_markdown import plain_markdown
from sphinx.errors import ExtensionError

pytestmark = pytest.mark.unit
TITLES = {"cap-paso": "Un paso", "otra": "Otra página"}


def test_markdown_labels_become_html_anchors():
    assert plain_markdown("(cap-paso)=\n## Un paso", {}, set()) == '<a id="cap-paso"></a>\n## Un paso'


def test_cross_references_become_their_text():
    text = "Ver {ref}`cap-paso`, {ref}`este paso <cap-paso>`, [aquí](#cap-paso) y [allí](otra)."
    assert plain_markdown(text, TITLES, {"cap-paso"}) == "Ver Un paso, este paso, [aquí](#cap-paso) y allí."


def test_ordinary_markdown_is_left_alone():
    text = "Una [web](https://example.org) y $h_t = \\tanh(x_t)$ con `código`."
    assert plain_markdown(text, {"web": "Web"}, set()) == text


def test_glued_values_are_written_into_the_prose():
    glued = {"diff": "0.000123"}
    assert plain_markdown("Es {glue:text}`diff:.1e` y {glue}`diff`.", {}, set(), glued) == "Es 1.2e-04 y 0.000123."


def test_glued_strings_lose_their_quotes_as_on_the_site():
    from myst_nb.core.variables import format_plain_text

    glued = {"peak": "'1,8'", "note": "<object at 0x1>"}  # a glued str's text/plain is its repr
    text = "Hasta {glue:text}`peak` ({glue:text}`note`)."
    shown = {name: format_plain_text(value, "") for name, value in glued.items()}
    assert plain_markdown(text, {}, set(), glued) == f"Hasta {shown['peak']} ({shown['note']})." == "Hasta 1,8 (<object at 0x1>)."


def test_code_spans_keep_roles_byte_for_byte():
    text = "Escribe ``{ref}`cap-paso` `` o `` `{ref}`x` `` y `[t](cap-paso)`, no {ref}`cap-paso`."
    assert plain_markdown(text, TITLES, set()) == (
        "Escribe ``{ref}`cap-paso` `` o `` `{ref}`x` `` y `[t](cap-paso)`, no Un paso."
    )


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_fenced_blocks_keep_labels_links_and_roles_byte_for_byte(fence):
    code = f"{fence}python\n(cap-paso)=\n[texto](cap-paso) {{ref}}`cap-paso`\n{fence}"
    text = f"(otra)=\nAntes {{ref}}`otra`.\n\n{code}\n\nDespués [aquí](cap-paso)."
    assert plain_markdown(text, TITLES, set()) == f'<a id="otra"></a>\nAntes Otra página.\n\n{code}\n\nDespués aquí.'


def test_indented_code_is_left_alone():
    text = "Texto.\n\n    (cap-paso)=\n    {ref}`cap-paso`\n"
    assert plain_markdown(text, TITLES, set()) == text


def test_links_keep_their_inner_markup():
    text = "Mira [**el `paso`** completo](cap-paso) y [otra vez](#cap-paso)."
    assert plain_markdown(text, TITLES, set()) == "Mira **el `paso`** completo y otra vez."
    assert plain_markdown(text, TITLES, {"cap-paso"}) == (
        "Mira [**el `paso`** completo](#cap-paso) y [otra vez](#cap-paso)."
    )


def test_lists_quotes_and_tables_are_rewritten_in_place():
    text = (
        "> Cita {ref}`otra`\n> sigue [x](cap-paso)\n\n"
        "- uno {ref}`otra`\n  dos `` {ref}`otra` ``\n\n"
        "| a | b |\n|---|---|\n| {ref}`otra` | {ref}`cap-paso` |\n"
    )
    assert plain_markdown(text, TITLES, set()) == (
        "> Cita Otra página\n> sigue x\n\n"
        "- uno Otra página\n  dos `` {ref}`otra` ``\n\n"
        "| a | b |\n|---|---|\n| Otra página | Un paso |\n"
    )


def test_a_reference_nothing_resolves_is_reported_with_its_line():
    warnings = []
    text = "Primero.\n\nLuego {ref}`no-existe`."
    out = plain_markdown(text, TITLES, set(), warn=lambda message, line: warnings.append((message, line)))
    assert out == "Primero.\n\nLuego no-existe."
    assert len(warnings) == 1 and "no-existe" in warnings[0][0] and warnings[0][1] == 2
    with pytest.raises(ValueError, match="no-existe"):
        plain_markdown(text, TITLES, set())


def test_a_glued_value_python_cannot_read_is_an_error_naming_its_key():
    glued = {"salida": "tensor([[-0.3520,  0.5253]])"}
    with pytest.raises(ExtensionError, match="glue key 'salida'.*tensor"):
        plain_markdown("Vale {glue:text}`salida:.4f`.", {}, set(), glued)


def test_a_missing_glued_value_is_an_error_naming_its_key():
    with pytest.raises(ExtensionError, match="glue key 'nada'"):
        plain_markdown("Vale {glue}`nada`.", {}, set(), {})


LINE = st.text(st.sampled_from("ab ()[]{}=#`<>:-_\\$*"), max_size=30).filter(lambda line: "```" not in line)


@given(st.lists(LINE, max_size=6))
def test_any_fenced_block_survives_byte_for_byte(lines):
    code = "```\n" + "\n".join(lines) + "\n```"
    text = "Texto {ref}`cap-paso`.\n\n" + code + "\n"
    assert plain_markdown(text, TITLES, set()) == "Texto Un paso.\n\n" + code + "\n"
