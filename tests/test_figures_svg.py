"""The mechanism every figure goes through (rnn_notes.figures._svg), its one style (_draw) and its words (_words)."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import matplotlib
import pytest
import torch
from bs4 import BeautifulSoup
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from rnn_notes import (
    cell_state_gradients,
    chunked_states,
    gate_blocks,
    gru_cell,
    jacobian_decay,
    loss_curve,
    lstm_cell,
    packed_batch,
    parameter_shapes,
    prediction_heads,
    seed_rnn,
    seed_sequence,
    site_figure,
    stacked_network,
    step_shapes,
    tanh_saturation,
    unrolled_network,
)
from rnn_notes.figures import FONT_SIZE, SMALL
from helpers import make_rnn

pytestmark = pytest.mark.unit

INK = "#000000"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def draw_all():
    """Every one of the 14 figures, drawn from the seed layer and small seeded modules."""
    rnn, x = seed_rnn(), seed_sequence()
    torch.manual_seed(2)
    long_x = torch.randn(1, 80, 5)
    torch.manual_seed(3)
    lstm, gru = nn.LSTM(5, 2, batch_first=True), nn.GRU(5, 2)
    packed = pack_padded_sequence(torch.randn(3, 3, 2), [3, 2, 1], batch_first=True)
    return [unrolled_network(rnn, x.unsqueeze(0), show_values=True), step_shapes(rnn, "column"),
            step_shapes(rnn, "row"), parameter_shapes(rnn), tanh_saturation(rnn, x),
            chunked_states(rnn, long_x, 25), jacobian_decay(8, 3),
            stacked_network(make_rnn(5, 2, num_layers=2, bidirectional=True), x.unsqueeze(0)),
            prediction_heads(rnn, nn.Linear(2, 3), x.unsqueeze(0)), loss_curve([1.0, 0.5, 0.1], 0.2),
            packed_batch(packed), lstm_cell(lstm), gru_cell(gru), gate_blocks(5, 2),
            cell_state_gradients(rnn, lstm, long_x[:, :12])]


@pytest.fixture(scope="module")
def figures():
    return draw_all()


def parse(svg: str) -> ET.Element:
    """The SVG as an element tree, comments included."""
    return ET.fromstring(svg, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))


def links(root: ET.Element) -> list[str]:
    """The ids the SVG links to: ``xlink:href="#id"`` and ``url(#id)`` in attribute values."""
    found = []
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == XLINK_HREF:
                found.append(value.removeprefix("#"))
            found += [part.split(")")[0] for part in value.split("url(#")[1:]]
    return found


def test_two_renders_are_byte_identical(figures):
    for a, b in zip(figures, draw_all()):
        assert a.svg == b.svg and a.html() == b.html()
    assert len({f.svg for f in figures}) == len(figures) == 15


def test_svg_is_themed_self_contained_and_labelled(figures):
    for drawn in figures:
        svg = drawn.svg
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        root = parse(svg)  # well-formed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert INK not in svg and "currentColor" in svg  # ink follows the text colour
        assert "fill: currentColor" in root.get("style")  # text glyphs without a fill, too
        assert root.get("width") is None and root.get("viewBox")  # it scales with the column
        tags = {element.tag.split("}")[-1] for element in root.iter() if isinstance(element.tag, str)}
        assert not tags & {"metadata", "script", "text", "image", "foreignObject"}  # glyphs are paths
        assert "Date" not in svg and "font-family" not in svg
        assert not [value for e in root.iter() for value in e.attrib.values() if "://" in value]  # nothing to fetch
        soup = BeautifulSoup(drawn.html(), "html.parser")
        svg_tag = soup.find("svg")
        assert svg_tag["role"] == "img" and svg_tag["aria-label"] == drawn.alt == svg_tag.find("title").get_text()
        assert next(iter(svg_tag.children)).name == "title"  # the first thing a screen reader meets
        assert soup.find("figcaption").get_text() == drawn.caption
        ids = [element.get("id") for element in root.iter() if element.get("id")]
        assert len(ids) == len(set(ids))
        prefix = ids[0].split("-")[0]
        assert all(i.startswith(prefix + "-") for i in ids)
        assert links(root) and set(links(root)) <= set(ids)
        bundle = drawn._repr_mimebundle_()
        assert bundle == {"text/html": drawn.html(), "image/svg+xml": svg, "text/plain": drawn.alt}


def test_ids_differ_between_figures_of_one_page(figures):
    prefixes = [next(e.get("id") for e in parse(f.svg).iter() if e.get("id")).split("-")[0] for f in figures]
    assert len(set(prefixes)) == len(prefixes)


def test_captions_use_the_sites_notation(figures):
    for drawn in figures:
        assert "h_{-1}" not in drawn.caption + drawn.alt and "h_-1" not in drawn.caption + drawn.alt
        assert "t = 0" not in drawn.caption
    assert "h₀ es el estado inicial" in figures[0].caption


def test_site_figure_wraps_any_matplotlib_figure_and_escapes_its_text():
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [1, 0], color="black")
    alt = 'Una recta "que baja" de 1 a 0 & <no sube>.'
    drawn = site_figure(fig, alt, "Una recta <y> & nada más.")
    assert drawn.alt == alt and "currentColor" in drawn.svg
    root = parse(drawn.svg)
    assert root.get("aria-label") == alt and root.find("{http://www.w3.org/2000/svg}title").text == alt
    soup = BeautifulSoup(drawn.html(), "html.parser")
    assert soup.find("svg")["aria-label"] == alt and soup.find("figcaption").get_text() == drawn.caption
    assert soup.find("svg").get("width") is None and "width: 192px" in soup.find("svg")["style"]  # 144 pt


def test_site_figure_refuses_what_is_not_a_figure_or_has_no_words():
    with pytest.raises(TypeError, match="fig must be a matplotlib.figure.Figure, got str"):
        site_figure("figure", "alt", "caption")
    with pytest.raises(ValueError, match="alt must be a non-empty str, got ''"):
        site_figure(Figure(), "", "caption")
    with pytest.raises(ValueError, match="caption must be a non-empty str, got '  '"):
        site_figure(Figure(), "alt", "  ")


def test_importing_rnn_notes_does_not_import_matplotlib():
    code = "import sys, rnn_notes; assert 'matplotlib' not in sys.modules, 'matplotlib was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- One style -----------------------------------------------------------------------------


def test_plots_take_the_sites_ink_and_sizes_and_leave_matplotlib_as_it_was():
    keys = ("font.size", "text.color", "legend.frameon", "axes.spines.top", "xtick.labelsize", "axes.prop_cycle",
            "patch.force_edgecolor")
    before = {key: matplotlib.rcParams[key] for key in keys}
    drawn = tanh_saturation(seed_rnn(), seed_sequence())
    assert {key: matplotlib.rcParams[key] for key in keys} == before  # a student's own plots are untouched
    ax = drawn.figure.axes[0]
    for label in (ax.xaxis.label, ax.yaxis.label):
        assert label.get_size() == FONT_SIZE and to_hex(label.get_color()) == INK
    ticks = ax.xaxis.get_ticklabels() + ax.yaxis.get_ticklabels()
    assert ticks and all(t.get_size() == SMALL and to_hex(t.get_color()) == INK for t in ticks)
    legend = ax.get_legend()
    assert not legend.get_frame_on()
    assert all(t.get_size() == SMALL and to_hex(t.get_color()) == INK for t in legend.get_texts())
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.spines["left"].get_visible()


def test_diagram_text_is_in_ink_at_the_sites_sizes():
    drawn = unrolled_network(seed_rnn(), seed_sequence())
    texts = {t.get_text(): t for t in drawn.figure.axes[0].texts}
    assert texts["$h_0$"].get_size() == FONT_SIZE and to_hex(texts["$h_0$"].get_color()) == INK
    assert texts["paso 1"].get_size() == SMALL and to_hex(texts["$W_{ih}$"].get_color()) != INK  # an accent
    arrows = [t for t in drawn.figure.axes[0].texts if getattr(t, "arrow_patch", None)]
    assert arrows and all(a.arrow_patch.get_mutation_scale() == SMALL for a in arrows)


# The symbols of the gates and of the candidates; a phrase that says "puerta" may name only gates.
GATE_SYMBOLS = {"i", "f", "o", "r", "z"}
CANDIDATE_SYMBOLS = {"g", "n"}
STOP_WORDS = {"candidato", "bloque", "bloques", "caja", "cajas"}


def gates_named(text):
    """The block symbols (i, f, g, o, r, z, n, with or without ₜ) each "puerta"/"puertas" of ``text`` names.

    A singular "puerta" names the first symbol after it; a plural "puertas", every symbol up to
    the next noun for another kind of block (candidato, bloque, caja) or the end of the sentence.
    """
    named = []
    for sentence in re.split(r"[.;]\s", text):
        words = [w.strip(",:()") for w in sentence.split()]
        for k, word in enumerate(words):
            if word not in ("puerta", "puertas"):
                continue
            for later in words[k + 1:]:
                if later in STOP_WORDS:
                    break
                symbol = later.removesuffix("ₜ")
                if symbol in GATE_SYMBOLS | CANDIDATE_SYMBOLS:
                    named.append(symbol)
                    if word == "puerta":
                        break
    return named


def test_the_gate_check_catches_a_candidate_called_a_gate():
    assert gates_named("la puerta de olvido fₜ y se le suma iₜ ⊙ gₜ. Las puertas iₜ y fₜ, el candidato gₜ") == [
        "f", "i", "f"]
    assert "g" in gates_named("alimentan las cuatro puertas, en el orden de PyTorch: iₜ (σ), fₜ (σ), gₜ (tanh)")
    assert "n" in gates_named("la puerta n (tanh)")


def test_no_figure_calls_the_candidate_a_gate(figures):
    for drawn in figures:
        for text in (drawn.alt, drawn.caption):
            assert not set(gates_named(text)) & CANDIDATE_SYMBOLS, text
            assert "candidata" not in text and "cuatro puertas" not in text, text
            assert "por puerta" not in text, text  # the colours are per block: gates and candidate


def draw_all_of_one():
    """The figures again, with every count that a caption or alt text writes equal to 1 where a figure allows it."""
    rnn = make_rnn(1, 1)
    x = torch.randn(1, 1, 1)
    torch.manual_seed(3)
    packed = pack_padded_sequence(torch.randn(1, 1, 1), [1], batch_first=True)
    return [unrolled_network(rnn, x), step_shapes(rnn, "column"), step_shapes(rnn, "row"), parameter_shapes(rnn),
            tanh_saturation(rnn, x), chunked_states(rnn, torch.randn(1, 3, 1), 1), jacobian_decay(1, 1, (1.0,)),
            stacked_network(make_rnn(1, 1, num_layers=2), x), prediction_heads(rnn, nn.Linear(1, 1), x),
            loss_curve([1.0], 0.5), packed_batch(packed), lstm_cell(nn.LSTM(1, 1)), gru_cell(nn.GRU(1, 1)),
            gate_blocks(1, 1), cell_state_gradients(rnn, nn.LSTM(1, 1, batch_first=True), torch.randn(1, 2, 1))]


# A count of one followed by a plural noun ("1 pasos", "1 componentes"), or a plural article before it ("las 1").
ONE_PLURAL = re.compile(r"(?<![\d,.=…])\b1 (?!más\b)[a-záéíóúñ]+s\b|\b(?:los|las|sus) 1\b")


def test_the_plural_check_catches_a_plural_after_one():
    assert ONE_PLURAL.search("en 1 pasos") and ONE_PLURAL.search("las 1 componentes")
    assert not ONE_PLURAL.search("en 1 paso, 11 pasos y σ = 1 y 1,5 pasos")


def test_a_count_of_one_is_written_in_the_singular():
    for drawn in draw_all_of_one():
        for text in (drawn.alt, drawn.caption):
            assert not ONE_PLURAL.search(text), text
