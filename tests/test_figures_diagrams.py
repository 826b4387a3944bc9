"""The diagrams (rnn_notes.figures.diagrams) are drawn from the module: labels follow its sizes, numbers are torch's."""

import re
import xml.etree.ElementTree as ET

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnn_notes import (
    packed_batch,
    parameter_shapes,
    prediction_heads,
    seed_rnn,
    seed_sequence,
    stacked_network,
    step_shapes,
    unrolled_network,
)
from rnn_notes.figures import MAX_STEPS
from helpers import make_rnn, texts

pytestmark = pytest.mark.unit


def svg_comments(svg: str) -> list[str]:
    """The texts matplotlib writes as a comment before each text drawn as paths."""
    root = ET.fromstring(svg, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
    return [element.text.strip() for element in root.iter() if element.tag is ET.Comment]


# -- unrolled_network -----------------------------------------------------------------


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


def test_one_step_figures_say_paso_in_the_singular():
    rnn = make_rnn(5, 2)
    x = torch.randn(1, 1, 5)
    for drawn in (unrolled_network(rnn, x), stacked_network(rnn, x), prediction_heads(rnn, nn.Linear(2, 2), x)):
        for text in (drawn.alt, drawn.caption):
            assert "1 pasos" not in text and "1…1" not in text, text
        assert "en 1 paso" in drawn.alt or "de 1 paso." in drawn.alt
    assert "el paso t = 1 usa Wᵢₕ y Wₕₕ" in unrolled_network(rnn, x).caption
    two = unrolled_network(rnn, torch.randn(1, 2, 5))
    assert "en 2 pasos" in two.alt and "t = 1…2" in two.caption


# -- stacked_network ------------------------------------------------------------------


@pytest.mark.parametrize("layers, bidirectional, steps, input_size, hidden_size, batch", [
    (2, True, 3, 5, 2, 1), (1, True, 2, 3, 4, 2), (3, False, 4, 2, 3, 1), (2, False, 1, 1, 1, 3),
])
def test_stacked_network_draws_every_layer_direction_and_step(layers, bidirectional, steps, input_size,
                                                              hidden_size, batch):
    rnn = make_rnn(input_size, hidden_size, num_layers=layers, bidirectional=bidirectional)
    x = torch.randn(batch, steps, input_size)
    drawn = stacked_network(rnn, x)
    labels = texts(drawn)
    dirs = 2 if bidirectional else 1
    with torch.no_grad():
        output, h_n = rnn(x)
    assert [t for t in labels if t.startswith("capa ")] == [f"capa {k}" for k in range(layers)]
    assert [t for t in labels if t.startswith("$x_")] == [f"$x_{{{t}}}$" for t in range(1, steps + 1)]
    # One cell per layer, direction and step; the final states are numbered by their row of h_n.
    finals = sorted(int(t) for t in labels if t.isdigit())
    assert finals == list(range(h_n.shape[0]))
    arrows = [t for t in labels if t in ("→", "←")]
    assert len(arrows) + len(finals) == layers * dirs * steps
    assert arrows.count("←") == (layers * (steps - 1) if bidirectional else 0)
    whole = " ".join(labels)
    assert f"= {tuple(x.shape)}$" in whole and f"= {tuple(output.shape)}$" in whole
    assert f"= {tuple(h_n.shape)}$" in whole
    assert f"weight_ih_l0 {tuple(rnn.weight_ih_l0.shape)}" in drawn.alt
    if layers > 1:
        assert f"weight_ih_l1 {tuple(rnn.weight_ih_l1.shape)}" in drawn.alt
        size = dirs * hidden_size
        assert f"de {size} {'número' if size == 1 else 'números'} por paso" in drawn.alt
    assert f"hₙ {tuple(h_n.shape)}" in drawn.alt and f"output {tuple(output.shape)}" in drawn.alt
    assert len(re.findall(r"fila \d+:", drawn.alt)) == h_n.shape[0]
    if bidirectional:
        assert "fila 1: capa 0, inversa, paso 1" in drawn.alt
        assert f"fila 0: capa 0, directa, paso {steps}" in drawn.alt
    described = f"{layers} capas apiladas" if layers > 1 else "una capa"
    if bidirectional:
        described += " bidireccionales" if layers > 1 else " bidireccional"
    assert drawn.caption.startswith(f"La red desplegada en {steps} {'paso' if steps == 1 else 'pasos'}, con {described}:")


def test_stacked_network_leaves_a_training_layer_with_dropout_alone():
    rnn = make_rnn(3, 2, num_layers=2, dropout=0.5)
    assert rnn.training
    stacked_network(rnn, torch.randn(1, 2, 3))
    assert rnn.training


# -- prediction_heads -------------------------------------------------------------------


@pytest.mark.parametrize("input_size, hidden_size, classes, steps, batch", [(5, 2, 3, 3, 1), (1, 4, 2, 5, 8)])
def test_prediction_heads_shapes_are_the_heads(input_size, hidden_size, classes, steps, batch):
    rnn = make_rnn(input_size, hidden_size)
    head = nn.Linear(hidden_size, classes)
    x = torch.randn(batch, steps, input_size)
    drawn = prediction_heads(rnn, head, x)
    labels = texts(drawn)
    with torch.no_grad():
        output, h_n = rnn(x)
        one, many = head(h_n[-1]), head(output)
    assert labels.count("muchos a uno") == labels.count("muchos a muchos") == 1
    assert labels.count("$\\hat{y}$") == 1  # many-to-one: one prediction
    assert [t for t in labels if t.startswith("$\\hat{y}_")] == [f"$\\hat{{y}}_{{{t}}}$" for t in range(1, steps + 1)]
    assert labels.count("$x_{1}$") == 2 and labels.count(f"$h_{{{steps}}}$") == 2
    whole = " ".join(labels)
    assert f"Linear({hidden_size}, {classes})" in whole
    assert str(tuple(one.shape)) in whole and str(tuple(many.shape)) in whole
    assert f"ŷ {tuple(one.shape)}" in drawn.alt and f"ŷ {tuple(many.shape)}" in drawn.alt
    assert f"output {tuple(output.shape)}" in drawn.alt
    assert f"Linear({hidden_size}, {classes})" in drawn.caption


# -- step_shapes and parameter_shapes -----------------------------------------------------


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


# -- packed_batch: its cells are torch's layout ---------------------------------------------


def _packed(lengths, enforce_sorted):
    x = torch.randn(len(lengths), max(lengths), 2)
    return pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=enforce_sorted)


def _rows(packed):
    """For each sequence and step, the row of data that holds it (-1 for padding), from torch's unpacking."""
    numbered = packed._replace(data=torch.arange(packed.data.shape[0], dtype=torch.float32).unsqueeze(1))
    return pad_packed_sequence(numbered, batch_first=True, padding_value=-1)[0][..., 0].long()


def _patches(drawn, prefix):
    return [p.get_gid() for p in drawn.figure.axes[0].patches if (p.get_gid() or "").startswith(prefix)]


@pytest.mark.parametrize("lengths, enforce_sorted", [([3, 2, 1], True), ([2, 3, 1], False),
                                                     ([1, 4, 4, 2], False), ([1], True), ([2, 2], True)])
def test_packed_batch_cells_follow_the_packed_sequence(lengths, enforce_sorted):
    packed = _packed(lengths, enforce_sorted)
    drawn = packed_batch(packed)
    rows = _rows(packed)
    real = {f"real-{i}-{t + 1}-row-{int(rows[i, t])}" for i in range(len(lengths)) for t in range(max(lengths))
            if rows[i, t] >= 0}
    padding = {f"padding-{i}-{t + 1}" for i in range(len(lengths)) for t in range(max(lengths)) if rows[i, t] < 0}
    assert set(_patches(drawn, "real-")) == real
    assert set(_patches(drawn, "padding-")) == padding
    assert len(real) == sum(lengths) == packed.data.shape[0]
    assert sorted(_patches(drawn, "data-")) == sorted(f"data-{k}" for k in range(packed.data.shape[0]))
    assert f"batch_sizes = {packed.batch_sizes.tolist()}" in drawn.alt
    one = len(lengths) == 1
    assert f"{len(lengths)} {'secuencia de longitud' if one else 'secuencias de longitudes'} " \
           f"{', '.join(map(str, lengths))} rellenado" in drawn.alt
    assert f"{sum(lengths)} {'celda real' if sum(lengths) == 1 else 'celdas reales'} y" in drawn.alt
    steps = max(lengths)
    assert f"hasta {steps} {'paso' if steps == 1 else 'pasos'}:" in drawn.alt
    sizes = packed.batch_sizes.tolist()
    groups = drawn.alt.split("): ", 1)[1]  # "paso 1, secuencias 0, 1 en las filas 0–1; paso 2, secuencia 0 en la fila 2"
    assert groups.count("secuencias ") == groups.count("filas ") == sum(n > 1 for n in sizes)
    assert groups.count("secuencia ") == groups.count("fila ") == sum(n == 1 for n in sizes)


# -- Bad input ------------------------------------------------------------------------


RNN, X = seed_rnn(), seed_sequence()

BAD_INPUT = [
    (lambda: unrolled_network(nn.LSTM(5, 2), X), TypeError, "expected a torch.nn.RNN module, got LSTM"),
    (lambda: step_shapes(nn.RNN(5, 2, num_layers=2)), ValueError,
     "step_shapes follows one layer in one direction (num_layers=1, bidirectional=False), got num_layers=2"),
    (lambda: unrolled_network(nn.RNN(5, 2, bidirectional=True), X), ValueError, "bidirectional=True"),
    (lambda: unrolled_network(RNN, torch.randn(MAX_STEPS + 1, 5)), ValueError,
     f"unrolled_network draws at most {MAX_STEPS} steps, got a sequence of {MAX_STEPS + 1}"),
    (lambda: unrolled_network(RNN, torch.randn(3, 4)), ValueError, "x has 4 features, but the layer expects input_size=5"),
    (lambda: unrolled_network(RNN, torch.randn(2, 3, 5), show_values=True), ValueError,
     "show_values needs a single sequence (batch of 1), got a batch of 2"),
    (lambda: step_shapes(RNN, "diagonal"), ValueError, "layout must be 'column' or 'row', got 'diagonal'"),
    (lambda: parameter_shapes(nn.GRU(5, 2)), TypeError, "expected a torch.nn.RNN module, got GRU"),
    (lambda: stacked_network(nn.LSTM(3, 2), torch.randn(2, 3)), TypeError, "expected a torch.nn.RNN module, got LSTM"),
    (lambda: stacked_network(make_rnn(3, 2), torch.randn(1, MAX_STEPS + 1, 3)), ValueError,
     f"stacked_network draws at most {MAX_STEPS} steps, got a sequence of {MAX_STEPS + 1}"),
    (lambda: stacked_network(make_rnn(3, 2, num_layers=4), torch.randn(1, 2, 3)), ValueError,
     "at most 3 layers, got num_layers=4"),
    (lambda: stacked_network(make_rnn(3, 2), torch.randn(1, 2, 4)), ValueError,
     "x has 4 features, but the layer expects input_size=3"),
    (lambda: prediction_heads(make_rnn(3, 2), nn.Linear(4, 2), torch.randn(1, 2, 3)), ValueError,
     "in_features=2, got 4"),
    (lambda: prediction_heads(make_rnn(3, 2), nn.Conv1d(2, 2, 1), torch.randn(1, 2, 3)), TypeError,
     "head must be a torch.nn.Linear, got Conv1d"),
    (lambda: prediction_heads(make_rnn(3, 2, bidirectional=True), nn.Linear(2, 2), torch.randn(1, 2, 3)),
     ValueError, "bidirectional=True"),
    (lambda: prediction_heads(make_rnn(3, 2), nn.Linear(2, 2), torch.randn(1, MAX_STEPS + 1, 3)), ValueError,
     f"prediction_heads draws at most {MAX_STEPS} steps"),
    (lambda: packed_batch(torch.zeros(3, 2)), TypeError,
     "packed must be a torch.nn.utils.rnn.PackedSequence, got Tensor"),
    (lambda: packed_batch(_packed([5, 5, 5], True)), ValueError, "at most 12 rows of data, got 15"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
