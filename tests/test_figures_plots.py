"""The plots (rnn_notes.figures.plots) draw the numbers torch computes: pre-activations, states, Jacobian norms, losses."""

import re

import pytest
import torch
from torch import nn

from rnn_notes import (
    cell_jacobians,
    cell_state_gradients,
    chunked_states,
    decay_layers,
    jacobian_decay,
    jacobian_norms,
    loss_curve,
    seed_rnn,
    seed_sequence,
    spanish_number,
    tanh_saturation,
    with_forget_bias,
)
from helpers import make_rnn, texts

pytestmark = pytest.mark.unit


def lines(drawn, prefix: str) -> list:
    """The Line2D artists whose gid starts with ``prefix``, in drawing order."""
    return [line for line in drawn.figure.axes[0].lines if (line.get_gid() or "").startswith(prefix)]


def read_spanish(shown: str) -> float:
    """A number as display.spanish_number writes it (``6,0·10⁻⁸``), read back."""
    mantissa, _, power = shown.partition("·10")
    exponent = int(power.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))) if power else 0
    return float(mantissa.replace(",", ".").replace("−", "-")) * 10.0**exponent


# -- tanh_saturation --------------------------------------------------------------------


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
    assert "los pasos t = 1…3:" in drawn.caption


def test_tanh_axis_reaches_every_pre_activation():
    rnn = make_rnn(3, 2)
    x = torch.full((4, 3), 6.0)  # large inputs: |z_t| well past 3
    drawn = tanh_saturation(rnn, x)
    xdata = torch.cat([torch.tensor(line.get_xdata()) for line in lines(drawn, "z-component-")])
    curve = drawn.figure.axes[0].lines[0].get_xdata()
    assert curve.min() <= xdata.min() and curve.max() >= xdata.max()


# -- chunked_states --------------------------------------------------------------------


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
    assert f"trozos de {chunk_size} {'paso' if chunk_size == 1 else 'pasos'}:" in drawn.caption


# -- jacobian_decay ----------------------------------------------------------------------


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
        assert read_spanish(shown) == pytest.approx(float(norms[-1]), rel=0.06)
    assert "σ = 0,5; 1 y 1,5:" in drawn.alt


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


# -- cell_state_gradients --------------------------------------------------------------------


@pytest.mark.parametrize("forget_bias, shown, label", [(2.0, "2", "2"), (0.5, "0,5", "0{,}5")])
def test_cell_state_gradients_draws_the_norms_torch_gives(forget_bias, shown, label):
    torch.manual_seed(0)
    rnn, lstm = nn.RNN(3, 2, batch_first=True), nn.LSTM(3, 2, batch_first=True)
    x = torch.randn(1, 6, 3)
    drawn = cell_state_gradients(rnn, lstm, x, forget_bias=forget_bias)
    curves = lines(drawn, "paths-")
    expected = [
        jacobian_norms(rnn, x),
        torch.linalg.matrix_norm(cell_jacobians(lstm, x), ord=2),
        torch.linalg.matrix_norm(cell_jacobians(with_forget_bias(lstm, forget_bias), x), ord=2),
    ]
    assert len(curves) == 3
    for line, norms in zip(curves, expected):
        assert list(line.get_xdata()) == list(range(7))
        torch.testing.assert_close(torch.tensor(line.get_ydata(), dtype=norms.dtype), norms)
    assert "de 0 a 6" in drawn.alt and "a lo largo de 6 pasos" in drawn.caption
    for norms in expected:  # Spanish numbers, decimal comma
        assert f"hasta {spanish_number(float(norms[-1]))}" in drawn.alt
    assert f"con {shown} más en el sesgo" in drawn.alt
    assert f"LSTM, $b_{{hf}} + {label}$" in texts(drawn)  # the legend, in mathtext


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
    assert "en 1 paso de entrenamiento" in loss_curve([0.5], 0.1).alt


# -- Bad input ------------------------------------------------------------------------


RNN, X = seed_rnn(), seed_sequence()

BAD_INPUT = [
    (lambda: tanh_saturation(nn.RNN(5, 2, bidirectional=True), X), ValueError,
     "tanh_saturation follows one layer in one direction (num_layers=1, bidirectional=False), got num_layers=1, "
     "bidirectional=True"),
    (lambda: tanh_saturation(nn.RNN(5, 2, nonlinearity="relu"), X), ValueError,
     "tanh_saturation needs nonlinearity='tanh', got 'relu'"),
    (lambda: chunked_states(RNN, torch.randn(2, 10, 5), 3), ValueError,
     "chunked_states draws a single sequence (batch of 1), got a batch of 2"),
    (lambda: chunked_states(RNN, torch.randn(1, 10, 5), 0), ValueError, "chunk_size must be >= 1, got 0"),
    (lambda: chunked_states(RNN, [[1.0] * 5], 1), TypeError, "x must be a torch.Tensor, got list"),
    (lambda: jacobian_decay(0), ValueError, "steps must be >= 1, got 0"),
    (lambda: jacobian_decay(10, 2.5), TypeError, "hidden_size must be an int, got float"),
    (lambda: jacobian_decay(sigmas=(1.0, -0.5)), ValueError,
     "sigmas must be a non-empty sequence of positive numbers, got (1.0, -0.5)"),
    (lambda: jacobian_decay(sigmas=()), ValueError, "sigmas must be a non-empty sequence of positive numbers, got ()"),
    (lambda: jacobian_decay(sigmas=(1.0, 1)), ValueError, "sigmas must be different from each other"),
    (lambda: decay_layers(sigmas=1.5), TypeError, "sigmas must be a tuple or list of numbers, got float"),
    (lambda: cell_state_gradients(nn.LSTM(5, 2), nn.LSTM(5, 2), X), TypeError,
     "expected a torch.nn.RNN module, got LSTM"),
    (lambda: cell_state_gradients(RNN, nn.GRU(5, 2), X), TypeError, "expected a torch.nn.LSTM module, got GRU"),
    (lambda: loss_curve([], 0.1), ValueError, "losses must be a non-empty list"),
    (lambda: loss_curve([1.0, -0.5], 0.1), ValueError, "losses must be positive numbers"),
    (lambda: loss_curve([1.0, True], 0.1), ValueError, "losses must be positive numbers"),
    (lambda: loss_curve([1.0], 0), ValueError, "threshold must be a number > 0, got 0"),
    (lambda: loss_curve([1.0], float("nan")), ValueError, "threshold must be a finite number, got nan"),
    (lambda: loss_curve([1.0], "0.1"), TypeError, "threshold must be a real number, got str"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
