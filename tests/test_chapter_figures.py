"""stacked_network, prediction_heads and loss_curve: labels follow the module, numbers are torch's."""

import re

import pytest
import torch
from torch import nn

from rnn_notes import loss_curve, prediction_heads, stacked_network
from rnn_notes.figures import MAX_STEPS
from helpers import make_rnn, texts

pytestmark = pytest.mark.unit


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
        assert f"de {dirs * hidden_size} números por paso" in drawn.alt
    assert f"hₙ {tuple(h_n.shape)}" in drawn.alt and f"output {tuple(output.shape)}" in drawn.alt
    assert len(re.findall(r"fila \d+:", drawn.alt)) == h_n.shape[0]
    if bidirectional:
        assert f"fila 1: capa 0, inversa, paso 1" in drawn.alt
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


def test_stacked_network_refuses_what_it_cannot_draw():
    with pytest.raises(TypeError, match="expected a torch.nn.RNN module, got LSTM"):
        stacked_network(nn.LSTM(3, 2), torch.randn(2, 3))
    with pytest.raises(ValueError, match=f"at most {MAX_STEPS} steps, got a sequence of {MAX_STEPS + 1}"):
        stacked_network(make_rnn(3, 2), torch.randn(1, MAX_STEPS + 1, 3))
    with pytest.raises(ValueError, match="at most 3 layers, got num_layers=4"):
        stacked_network(make_rnn(3, 2, num_layers=4), torch.randn(1, 2, 3))
    with pytest.raises(ValueError, match="x has 4 features, but the layer expects input_size=3"):
        stacked_network(make_rnn(3, 2), torch.randn(1, 2, 4))


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


def test_prediction_heads_refuses_heads_that_do_not_fit():
    rnn = make_rnn(3, 2)
    x = torch.randn(1, 2, 3)
    with pytest.raises(ValueError, match="in_features=2, got 4"):
        prediction_heads(rnn, nn.Linear(4, 2), x)
    with pytest.raises(TypeError, match="head must be a torch.nn.Linear, got Conv1d"):
        prediction_heads(rnn, nn.Conv1d(2, 2, 1), x)
    with pytest.raises(ValueError, match="bidirectional=True"):
        prediction_heads(make_rnn(3, 2, bidirectional=True), nn.Linear(2, 2), x)


# -- loss_curve -------------------------------------------------------------------------


def test_loss_curve_plots_the_losses_and_the_threshold():
    losses = torch.linspace(1.0, 0.001, 30).tolist()
    drawn = loss_curve(losses, 0.01)
    ax = drawn.figure.axes[0]
    (line,) = [l for l in ax.lines if l.get_gid() == "loss"]
    (threshold,) = [l for l in ax.lines if l.get_gid() == "threshold"]
    assert list(line.get_xdata()) == list(range(1, 31)) and list(line.get_ydata()) == losses
    assert list(threshold.get_ydata()) == [0.01, 0.01]
    assert ax.get_yscale() == "log"
    below = next(k for k, v in enumerate(losses, start=1) if v < 0.01)
    assert f"desde el paso {below}" in drawn.alt and "30 pasos" in drawn.alt
    assert "sin bajar" in loss_curve([1.0, 0.5], 0.01).alt


@pytest.mark.parametrize("losses, threshold, message", [
    ([], 0.1, "losses must be a non-empty list"),
    ([1.0, -0.5], 0.1, "losses must be positive numbers"),
    ([1.0], 0, "threshold must be a number > 0, got 0"),
])
def test_loss_curve_refuses_bad_input(losses, threshold, message):
    with pytest.raises(ValueError, match=message):
        loss_curve(losses, threshold)
