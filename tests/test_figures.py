"""The figures are drawn from the layer: their labels follow its sizes, their numbers are torch's."""

import re
import subprocess
import sys

import pytest
import torch
from bs4 import BeautifulSoup
from torch import nn

from rnn_notes import (
    chunked_states,
    decay_layers,
    jacobian_decay,
    jacobian_norms,
    parameter_shapes,
    seed_rnn,
    seed_sequence,
    site_figure,
    stacked_network,
    step_shapes,
    tanh_saturation,
    unrolled_network,
)
from rnn_notes.figures import MAX_STEPS
from helpers import make_rnn, texts

pytestmark = pytest.mark.unit


def svg_comments(svg: str) -> list[str]:
    """The texts matplotlib writes as a comment before each text drawn as paths."""
    return re.findall(r"<!-- (.*?) -->", svg)


def lines(drawn, prefix: str) -> list:
    """The Line2D artists whose gid starts with ``prefix``, in drawing order."""
    return [line for line in drawn.figure.axes[0].lines if (line.get_gid() or "").startswith(prefix)]


# -- Labels follow the layer ------------------------------------------------------


@pytest.mark.parametrize("input_size, hidden_size, steps", [(5, 2, 3), (3, 4, 2), (7, 3, 5), (1, 2, 1)])
def test_unrolled_network_labels_follow_the_layer_and_the_sequence(input_size, hidden_size, steps):
    rnn = make_rnn(input_size, hidden_size)
    drawn = unrolled_network(rnn, torch.randn(1, steps, input_size))
    labels = texts(drawn)
    assert [label for label in labels if label.startswith("paso ")] == [f"paso {t}" for t in range(1, steps + 1)]
    assert [label for label in labels if label.startswith("$x_")] == [f"$x_{{{t}}}$" for t in range(1, steps + 1)]
    assert [label for label in labels if label.startswith("$h_{")] == [f"$h_{{{t}}}$" for t in range(1, steps + 1)]
    assert "$h_0$" in labels and "$h_n$" in labels
    assert labels.count("$W_{ih}$") == steps  # the same W_ih for every input
    assert labels.count("$W_{hh}$") == steps - 1  # the same W_hh between every two steps
    assert labels.count(str((1, input_size))) == steps  # x_t: (N, H_in)
    assert labels.count(str((1, hidden_size))) == steps + 1  # h_0 .. h_T: (N, H_out)
    whole = " ".join(labels)
    assert f"= {(1, steps, input_size)}" in whole and f"= {(1, steps, hidden_size)}" in whole
    assert f"= {(1, 1, hidden_size)}" in whole  # h_n
    assert "(N, L, H_{in})" in whole and "(N, L, H_{out})" in whole
    # The SVG itself carries the same labels (matplotlib names each text drawn as paths).
    assert [c for c in svg_comments(drawn.svg) if c.startswith("paso ")] == [f"paso {t}" for t in range(1, steps + 1)]
    assert drawn.alt.startswith(f"Red desplegada en {steps} paso{'s' if steps > 1 else ':'}")
    assert f"x {(1, steps, input_size)}" in drawn.alt and f"Wᵢₕ {(hidden_size, input_size)}" in drawn.alt


def test_unrolled_network_names_the_layout_of_the_input():
    rnn = nn.RNN(4, 3)  # batch_first=False: (L, N, H_in)
    labels = " ".join(texts(unrolled_network(rnn, torch.randn(2, 1, 4))))
    assert "(L, N, H_{in}) = (2, 1, 4)" in labels
    unbatched = " ".join(texts(unrolled_network(rnn, torch.randn(2, 4))))
    assert "(L, H_{in}) = (2, 4)" in unbatched and str((4,)) in unbatched


def test_unrolled_network_values_are_the_layers_outputs():
    rnn, x = seed_rnn(), seed_sequence().reshape(1, 3, 5)
    drawn = unrolled_network(rnn, x, show_values=True)
    with torch.no_grad():
        output, _ = rnn(x)
    for t in range(3):
        shown = [float(v) for v in re.findall(rf"h{'₁₂₃'[t]} = \[([^\]]*)\]", drawn.alt)[0].split(",")]
        torch.testing.assert_close(torch.tensor(shown), output[0, t], atol=5e-5, rtol=0)


@pytest.mark.parametrize("input_size, hidden_size", [(5, 2), (3, 4), (8, 1)])
def test_step_shapes_blocks_are_proportional_to_the_layer(input_size, hidden_size):
    rnn = make_rnn(input_size, hidden_size)
    expected = {
        "column": [(hidden_size, input_size), (input_size, 1), (hidden_size, 1),
                   (hidden_size, hidden_size), (hidden_size, 1), (hidden_size, 1)],
        "row": [(1, input_size), (input_size, hidden_size), (1, hidden_size),
                (1, hidden_size), (hidden_size, hidden_size), (1, hidden_size)],
    }
    for layout, shapes in expected.items():
        drawn = step_shapes(rnn, layout)
        labels = texts(drawn)
        assert [label for label in labels if label.startswith("(")] == [str(s) for s in shapes]
        outlines = [p for p in drawn.figure.axes[0].patches if not p.get_fill()]
        cell = outlines[0].get_width() / shapes[0][1]
        sides = [(round(p.get_height() / cell, 6), round(p.get_width() / cell, 6)) for p in outlines]
        assert sides == [tuple(float(v) for v in s) for s in shapes]
        cells = [p for p in drawn.figure.axes[0].patches if p.get_fill()]
        assert len(cells) == sum(r * c for r, c in shapes)  # one square per number


def test_parameter_shapes_follow_named_parameters():
    for rnn in (seed_rnn(), make_rnn(3, 4), make_rnn(3, 4, bias=False)):
        drawn = parameter_shapes(rnn)
        labels = texts(drawn)
        for name, p in rnn.named_parameters():
            assert name in labels and str(tuple(p.shape)) in labels and f"{name} {tuple(p.shape)}" in drawn.alt
        cells = [p for p in drawn.figure.axes[0].patches if p.get_fill()]
        assert len(cells) == sum(p.numel() for p in rnn.parameters())


# -- The numbers are torch's --------------------------------------------------------


def test_tanh_marks_the_pre_activations_torch_computes():
    rnn, x = seed_rnn(), seed_sequence()
    w_ih, w_hh, b_ih, b_hh = (p.detach() for p in (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0))
    with torch.no_grad():
        output, _ = rnn(x)
    h_prev = torch.cat([torch.zeros(1, 2), output[:-1]])
    z = x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh
    torch.testing.assert_close(torch.tanh(z), output)
    drawn = tanh_saturation(rnn, x)
    markers = lines(drawn, "z-component-")
    assert len(markers) == rnn.hidden_size
    for j, line in enumerate(markers):
        torch.testing.assert_close(torch.tensor(line.get_xdata(), dtype=torch.float32), z[:, j])
        torch.testing.assert_close(torch.tensor(line.get_ydata(), dtype=torch.float32), output[:, j])
    assert [label for label in texts(drawn) if label.startswith("$z_")] == ["$z_{1}$", "$z_{2}$", "$z_{3}$"] * 2


def test_tanh_axis_reaches_every_pre_activation():
    rnn = make_rnn(3, 2)
    x = torch.full((4, 3), 6.0)  # large inputs: |z_t| well past 3
    drawn = tanh_saturation(rnn, x)
    xdata = torch.cat([torch.tensor(line.get_xdata()) for line in lines(drawn, "z-component-")])
    curve = drawn.figure.axes[0].lines[0].get_xdata()
    assert curve.min() <= xdata.min() and curve.max() >= xdata.max()


@pytest.mark.parametrize("chunk_size", [1, 7, 25, 200])
def test_chunked_and_one_call_curves_are_equal_and_are_torchs(chunk_size):
    rnn = make_rnn(5, 3, seed=4)
    torch.manual_seed(0)
    x = torch.randn(1, 60, 5)
    with torch.no_grad():
        output, _ = rnn(x)
    drawn = chunked_states(rnn, x, chunk_size)
    whole, parts = lines(drawn, "one-call-"), lines(drawn, "chunked-")
    assert len(whole) == len(parts) == 3
    for j in range(3):
        torch.testing.assert_close(torch.tensor(whole[j].get_ydata(), dtype=torch.float32), output[0, :, j])
        torch.testing.assert_close(torch.tensor(parts[j].get_ydata(), dtype=torch.float32), output[0, :, j])
        assert list(whole[j].get_xdata()) == list(range(1, 61))  # steps t = 1..T
    cuts = [line for line in drawn.figure.axes[0].lines if line.get_gid() is None and len(line.get_xdata()) == 2]
    assert len(cuts) == -(-60 // chunk_size) - 1  # one line between every two chunks
    assert f"trozos de {chunk_size} {'paso' if chunk_size == 1 else 'pasos'}" in drawn.alt


@pytest.mark.parametrize("steps, hidden_size, sigmas, seed", [(30, 8, (0.5, 1.0, 1.5), 0), (6, 3, (0.9, 2.0), 5)])
def test_jacobian_decay_plots_jacobian_norms(steps, hidden_size, sigmas, seed):
    drawn = jacobian_decay(steps, hidden_size, sigmas, seed)
    layers, x = decay_layers(steps, hidden_size, sigmas, seed)
    top, bottom = drawn.figure.axes
    assert top.get_yscale() == bottom.get_yscale() == "log"
    assert [t.get_text() for t in top.texts + bottom.texts] == ["tanh", "relu"]
    for ax, act in ((top, "tanh"), (bottom, "relu")):
        curves = [line for line in ax.lines if line.get_gid()]
        assert [line.get_gid() for line in curves] == [f"{act}-{float(s)}" for s in sigmas]
        for line, sigma in zip(curves, sigmas):
            layer = layers[act, float(sigma)]
            assert layer.nonlinearity == act
            torch.testing.assert_close(torch.linalg.svdvals(layer.weight_hh_l0), torch.full((hidden_size,), float(sigma)))
            assert list(line.get_xdata()) == list(range(steps + 1))  # T - t = 0..T
            torch.testing.assert_close(torch.tensor(line.get_ydata(), dtype=torch.float32), jacobian_norms(layer, x))
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert labels == [f"$\\sigma = {s:g}$".replace(".", "{,}") for s in sigmas]
    assert f"T − t = 0…{steps}" in drawn.alt and f"Hₒᵤₜ = {hidden_size}" in drawn.alt
    assert drawn.alt.count("va de 1 a ") == 2 * len(sigmas)


def test_jacobian_decay_alt_text_states_the_last_norms():
    drawn = jacobian_decay()
    layers, x = decay_layers()
    for (act, sigma), layer in layers.items():
        norms = jacobian_norms(layer, x)
        shown = re.search(rf"con {act} y σ = {sigma:g}".replace(".", ",") + r", va de 1 a ([^ ]+) ", drawn.alt)[1]
        mantissa, _, power = shown.partition("·10")
        exponent = int(power.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))) if power else 0
        value = float(mantissa.replace(",", ".").replace("−", "-")) * 10.0**exponent
        assert value == pytest.approx(float(norms[-1]), rel=0.06)


def test_decay_layers_share_everything_but_w_hh_and_keep_the_global_rng():
    state = torch.random.get_rng_state()
    layers, x = decay_layers(5, 4, (0.5, 2.0), seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)
    again, x_again = decay_layers(5, 4, (0.5, 2.0), seed=3)
    assert torch.equal(x, x_again) and x.shape == (1, 5, 4)
    first = layers["tanh", 0.5]
    for layer in list(layers.values()) + list(again.values()):
        for name in ("weight_ih_l0", "bias_ih_l0", "bias_hh_l0"):
            assert torch.equal(getattr(layer, name), getattr(first, name))
    torch.testing.assert_close(layers["relu", 2.0].weight_hh_l0, first.weight_hh_l0 * 4)
    assert set(layers) == {("tanh", 0.5), ("tanh", 2.0), ("relu", 0.5), ("relu", 2.0)}
    assert not torch.equal(decay_layers(5, 4, (0.5,), seed=4)[1], x)


# -- The mechanism: deterministic, themed, accessible ---------------------------------


def all_figures():
    rnn, x = seed_rnn(), seed_sequence()
    torch.manual_seed(2)
    long_x = torch.randn(1, 80, 5)
    return [unrolled_network(rnn, x.unsqueeze(0), show_values=True), step_shapes(rnn, "column"),
            step_shapes(rnn, "row"), parameter_shapes(rnn), tanh_saturation(rnn, x),
            chunked_states(rnn, long_x, 25), jacobian_decay(8, 3)]


def test_two_renders_are_byte_identical():
    first, second = all_figures(), all_figures()
    for a, b in zip(first, second):
        assert a.svg == b.svg and a.html() == b.html()
    assert len({f.svg for f in first}) == len(first)


def test_svg_is_themed_self_contained_and_labelled():
    for drawn in all_figures():
        svg = drawn.svg
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert "#000000" not in svg and "currentColor" in svg  # ink follows the text colour
        assert "fill: currentColor" in svg.split(">", 1)[0]  # text glyphs without a fill, too
        assert "<metadata" not in svg and "Date" not in svg and "<script" not in svg.lower()
        assert "<text" not in svg and "font-family" not in svg  # glyphs are paths: no font to fetch
        assert set(re.findall(r"https?://[^\"' ]+", svg)) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
        soup = BeautifulSoup(drawn.html(), "html.parser")
        root = soup.find("svg")
        assert root["role"] == "img" and root["aria-label"] == drawn.alt == root.find("title").get_text()
        assert soup.find("figcaption").get_text() == drawn.caption
        ids = [tag["id"] for tag in soup.find_all(id=True)]
        assert len(ids) == len(set(ids))
        prefix = ids[0].split("-")[0]
        assert all(i.startswith(prefix + "-") for i in ids)
        for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', svg):
            assert ref in ids
        bundle = drawn._repr_mimebundle_()
        assert bundle == {"text/html": drawn.html(), "image/svg+xml": svg, "text/plain": drawn.alt}


def test_captions_use_the_sites_notation():
    for drawn in all_figures():
        assert "h_{-1}" not in drawn.caption + drawn.alt and "h_-1" not in drawn.caption + drawn.alt
        assert "t = 0" not in drawn.caption
    assert "h₀ es el estado inicial" in all_figures()[0].caption


def test_site_figure_wraps_any_matplotlib_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [1, 0], color="black")
    drawn = site_figure(fig, "Una recta que baja.", "Una recta.")
    assert drawn.alt == "Una recta que baja." and "currentColor" in drawn.svg


def test_importing_rnn_notes_does_not_import_matplotlib():
    code = "import sys, rnn_notes; assert 'matplotlib' not in sys.modules, 'matplotlib was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- Bad input ------------------------------------------------------------------------


def test_bad_input_is_refused_with_a_clear_message():
    rnn, x = seed_rnn(), seed_sequence()
    with pytest.raises(TypeError, match="expected a torch.nn.RNN module, got LSTM"):
        unrolled_network(nn.LSTM(5, 2), x)
    with pytest.raises(ValueError, match="num_layers=1, bidirectional=False.*got num_layers=2"):
        step_shapes(nn.RNN(5, 2, num_layers=2))
    with pytest.raises(ValueError, match="bidirectional=True"):
        tanh_saturation(nn.RNN(5, 2, bidirectional=True), x)
    with pytest.raises(ValueError, match=f"at most {MAX_STEPS} steps, got a sequence of {MAX_STEPS + 1}"):
        unrolled_network(rnn, torch.randn(MAX_STEPS + 1, 5))
    with pytest.raises(ValueError, match="x has 4 features, but the layer expects input_size=5"):
        unrolled_network(rnn, torch.randn(3, 4))
    with pytest.raises(ValueError, match="show_values needs a single sequence.*batch of 2"):
        unrolled_network(rnn, torch.randn(2, 3, 5), show_values=True)
    with pytest.raises(ValueError, match="layout must be 'column' or 'row', got 'diagonal'"):
        step_shapes(rnn, "diagonal")
    with pytest.raises(ValueError, match="nonlinearity='tanh', got 'relu'"):
        tanh_saturation(nn.RNN(5, 2, nonlinearity="relu"), x)
    with pytest.raises(ValueError, match="single sequence.*batch of 2"):
        chunked_states(rnn, torch.randn(2, 10, 5), 3)
    with pytest.raises(ValueError, match="chunk_size must be >= 1, got 0"):
        chunked_states(rnn, torch.randn(1, 10, 5), 0)
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got list"):
        chunked_states(rnn, [[1.0] * 5], 1)
    with pytest.raises(ValueError, match="steps must be >= 1, got 0"):
        jacobian_decay(0)
    with pytest.raises(TypeError, match="hidden_size must be an int, got float"):
        jacobian_decay(10, 2.5)
    with pytest.raises(ValueError, match=r"sigmas must be a non-empty sequence of positive numbers, got \(1.0, -0.5\)"):
        jacobian_decay(sigmas=(1.0, -0.5))
    with pytest.raises(ValueError, match="sigmas must be a non-empty sequence.*got \\(\\)"):
        jacobian_decay(sigmas=())
    with pytest.raises(ValueError, match="sigmas must be different from each other"):
        jacobian_decay(sigmas=(1.0, 1))
    with pytest.raises(TypeError, match="sigmas must be a tuple or list of numbers, got float"):
        decay_layers(sigmas=1.5)
    with pytest.raises(TypeError, match="fig must be a matplotlib.figure.Figure, got str"):
        site_figure("figure", "alt", "caption")
    from matplotlib.figure import Figure

    with pytest.raises(ValueError, match="alt must be a non-empty str, got ''"):
        site_figure(Figure(), "", "caption")


def test_one_step_figures_say_paso_in_the_singular():
    rnn = make_rnn(5, 2)
    x = torch.randn(1, 1, 5)
    for drawn in (unrolled_network(rnn, x), stacked_network(rnn, x)):
        for text in (drawn.alt, drawn.caption):
            assert "1 pasos" not in text and "1…1" not in text, text
        assert "en 1 paso" in drawn.alt
