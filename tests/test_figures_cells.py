"""The gated cells (rnn_notes.figures.cells): lstm_cell, gru_cell and gate_blocks follow the modules they draw."""

import pytest
import torch
from torch import nn

from rnn_notes import gate_blocks, gru_cell, lstm_cell
from helpers import texts

pytestmark = [pytest.mark.unit, pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")]


@pytest.mark.parametrize("hidden_size, proj_size", [(1, 0), (2, 0), (3, 2), (4, 0)])
def test_lstm_cell_labels_follow_the_layer(hidden_size, proj_size):
    lstm = nn.LSTM(5, hidden_size, proj_size=proj_size)
    drawn = lstm_cell(lstm)
    labels = [t.get_text() for t in drawn.figure.axes[0].texts]
    assert [label for label in labels if label in ("$i_t$", "$f_t$", "$g_t$", "$o_t$")] == [
        "$i_t$", "$f_t$", "$g_t$", "$o_t$"]
    # c_{t-1} and c_t have hidden_size components, h_{t-1} and h_t proj_size (or hidden_size)
    assert labels.count(str((hidden_size,))) == (2 if proj_size else 4)
    assert labels.count(str((proj_size or hidden_size,))) == (2 if proj_size else 4)
    assert ("$W_{hr}$" in labels) == bool(proj_size)
    components = f"{hidden_size} componente" + ("" if hidden_size == 1 else "s")
    assert "(5,)" in labels and f"cada uno con {components}." in drawn.alt
    # three gates and the candidate g, as PyTorch's docs (cell gate) and the pages say
    assert "las puertas iₜ (σ) y fₜ (σ), el candidato gₜ (tanh) y la puerta oₜ (σ)" in drawn.alt
    assert "las puertas y el candidato gₜ leen hₜ₋₁ y xₜ" in drawn.caption
    if proj_size:
        assert f"W_hr {tuple(lstm.weight_hr_l0.shape)}" in drawn.alt


@pytest.mark.parametrize("input_size, hidden_size", [(5, 2), (3, 4), (2, 1)])
def test_gru_cell_names_the_layers_shapes(input_size, hidden_size):
    torch.manual_seed(0)
    gru = nn.GRU(input_size, hidden_size)
    drawn = gru_cell(gru)
    assert {"$r_t$", "$z_t$", "$n_t$", "$h_{t-1}$", "$x_t$", "$h_t$"} <= set(texts(drawn))
    assert f"{tuple(gru.weight_ih_l0[:hidden_size].shape)}" in drawn.alt
    assert f"{tuple(gru.weight_hh_l0[:hidden_size].shape)}" in drawn.alt
    assert f"Hᵢₙ = {input_size}" in drawn.caption and "<svg" in drawn.svg
    assert "el candidato n (tanh)" in drawn.alt and "candidato" in texts(drawn)
    assert f"Hₒᵤₜ = {hidden_size} número{'' if hidden_size == 1 else 's'}, salvo xₜ" in drawn.caption


def test_gate_blocks_draws_one_square_per_number_of_each_weight_ih():
    drawn = gate_blocks(5, 3)
    cells = [p for p in drawn.figure.axes[0].patches if p.get_fill()]
    layers = [nn.RNN(5, 3), nn.LSTM(5, 3), nn.GRU(5, 3)]
    assert len(cells) == sum(layer.weight_ih_l0.numel() for layer in layers)
    for layer in layers:
        assert str(tuple(layer.weight_ih_l0.shape)) in texts(drawn)
    assert [t for t in texts(drawn) if len(t) == 3 and t.startswith("$")] == [
        "$i$", "$f$", "$g$", "$o$", "$r$", "$z$", "$n$"]
    assert "un color por bloque (puertas y candidato)" in drawn.alt
    assert "nn.LSTM (12, 5), bloques i, f, g, o (g, el candidato)" in drawn.alt
    assert "nn.GRU (9, 5), bloques r, z, n (n, el candidato)" in drawn.alt
    assert "nn.RNN (3, 5), un solo bloque" in drawn.alt
    assert "cada bloque, una puerta o el candidato, tiene Hₒᵤₜ = 3 filas." in drawn.caption
    assert "Hₒᵤₜ = 1 fila." in gate_blocks(5, 1).caption


def test_a_gate_has_one_colour_in_gru_cell_and_in_gate_blocks():
    cell = {t.get_text()[1]: t.get_color() for t in gru_cell(nn.GRU(5, 2)).figure.axes[0].texts
            if t.get_text() in ("$r_t$", "$z_t$", "$n_t$")}
    blocks = {t.get_text()[1]: t.get_color() for t in gate_blocks(5, 2).figure.axes[0].texts
              if t.get_text() in ("$r$", "$z$", "$n$")}
    assert cell == blocks and len(set(cell.values())) == 3


@pytest.mark.parametrize("call, error, message", [
    (lambda: gru_cell(nn.RNN(5, 2)), TypeError, "expected a torch.nn.GRU module, got RNN"),
    (lambda: gru_cell(nn.GRU(5, 2, num_layers=2)), ValueError,
     "gru_cell follows one layer in one direction (num_layers=1, bidirectional=False), got num_layers=2"),
    (lambda: lstm_cell(nn.GRU(5, 2)), TypeError, "expected a torch.nn.LSTM module, got GRU"),
    (lambda: gate_blocks(5, 0), ValueError, "hidden_size must be >= 1, got 0"),
    (lambda: gate_blocks(2.0, 3), TypeError, "input_size must be an int, got float"),
])
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
