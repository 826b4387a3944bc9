"""trace_rnn: every recorded field obeys the step equation, and h is the layer's output."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnn_notes import StepTrace, seed_rnn, seed_sequence, trace_rnn

from strategies import NONLINEARITIES, SEEDS, SIZES, layer_args

pytestmark = pytest.mark.unit


def _check_equations(rnn, x_rows, h0_row, trace):
    """Each field of the trace, recomputed here from the layer's parameters."""
    w_ih, w_hh = rnn.weight_ih_l0.detach(), rnn.weight_hh_l0.detach()
    zeros = torch.zeros(rnn.hidden_size, dtype=x_rows.dtype)
    b_ih = rnn.bias_ih_l0.detach() if rnn.bias else zeros
    b_hh = rnn.bias_hh_l0.detach() if rnn.bias else zeros
    act = torch.tanh if rnn.nonlinearity == "tanh" else torch.relu
    # Steps are t = 1..T; h_prev of step 1 is h_0, the initial state.
    assert [step.t for step in trace] == list(range(1, len(x_rows) + 1))
    h = h0_row
    for step, x_t in zip(trace, x_rows):
        assert isinstance(step, StepTrace)
        torch.testing.assert_close(step.x, x_t)
        torch.testing.assert_close(step.h_prev, h)
        torch.testing.assert_close(step.input_term, w_ih @ x_t + b_ih)
        torch.testing.assert_close(step.recurrent_term, w_hh @ h + b_hh)
        torch.testing.assert_close(step.pre_activation, step.input_term + step.recurrent_term)
        torch.testing.assert_close(step.h, act(step.pre_activation))
        h = step.h


def test_seed_example():
    rnn, x = seed_rnn(), seed_sequence()
    trace = trace_rnn(rnn, x)
    _check_equations(rnn, x, torch.zeros(2), trace)
    output, _ = rnn(x.unsqueeze(0))
    torch.testing.assert_close(torch.stack([step.h for step in trace]), output[0].detach())
    # Step t reads h_{t-1}: the layer's output at the step before (1-based), h_0 = zeros at t = 1.
    assert trace[0].t == 1 and torch.equal(trace[0].h_prev, torch.zeros(2))
    for step in trace[1:]:
        torch.testing.assert_close(step.h_prev, output[0, step.t - 2].detach())
    # The seed notebook prints the first output, h_1 = [-0.3520, 0.5253].
    torch.testing.assert_close(trace[0].h, torch.tensor([-0.3520, 0.5253]), atol=5e-5, rtol=0)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, input_size=SIZES, hidden_size=SIZES, seq_len=st.integers(1, 5), nonlinearity=NONLINEARITIES,
       bias=st.booleans(), batch_first=st.booleans(), shape=st.sampled_from(["unbatched", "batch of one"]),
       with_h0=st.booleans())
def test_random_single_sequences(seed, input_size, hidden_size, seq_len, nonlinearity,
                                 bias, batch_first, shape, with_h0):
    torch.manual_seed(seed)
    rnn = nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, bias=bias,
                 batch_first=batch_first)
    rows = torch.randn(seq_len, input_size)
    h0_row = torch.randn(hidden_size) if with_h0 else torch.zeros(hidden_size)
    if shape == "unbatched":
        x, h0 = rows, h0_row.reshape(1, hidden_size)
    else:
        x = rows.unsqueeze(0 if batch_first else 1)
        h0 = h0_row.reshape(1, 1, hidden_size)
    trace = trace_rnn(rnn, x, h0 if with_h0 else None)
    _check_equations(rnn, rows, h0_row, trace)
    output, _ = rnn(x, h0 if with_h0 else None)
    torch.testing.assert_close(
        torch.stack([step.h for step in trace]), output.detach().reshape(seq_len, hidden_size)
    )


@pytest.mark.parametrize(
    "rnn, x, kwargs, error, match",
    [
        (nn.RNN(3, 2), torch.randn(4, 2, 3), {}, ValueError, r"batch of 1\), got a batch of 2"),
        (nn.RNN(3, 2, batch_first=True), torch.randn(2, 4, 3), {}, ValueError, r"batch of 1\), got a batch of 2"),
        (nn.RNN(3, 2, num_layers=2), torch.randn(4, 3), {"layer": 2}, ValueError, r"layer must be in 0..1, got 2"),
        (nn.RNN(3, 2), torch.randn(4, 3), {"layer": -1}, ValueError, r"layer must be in 0..0, got -1"),
        (nn.RNN(3, 2), torch.randn(4, 3), {"layer": 1.0}, TypeError, r"layer must be an int, got float"),
        (nn.RNN(3, 2), torch.randn(4, 3), {"reverse": True}, ValueError,
         r"reverse=True needs a bidirectional RNN, got bidirectional=False"),
        (nn.RNN(3, 2, num_layers=2, dropout=0.5), torch.randn(4, 3), {"layer": 1}, ValueError,
         r"expected dropout=0 or eval mode"),
    ],
    ids=["batch of two", "batch of two, batch_first", "layer too high", "negative layer",
         "layer not an int", "reverse, one direction", "dropout below, training"],
)
def test_refuses_what_it_cannot_trace(rnn, x, kwargs, error, match):
    with pytest.raises(error, match=match):
        trace_rnn(rnn, x, **kwargs)


def _first_layers(rnn, n):
    """An nn.RNN made of the first ``n`` layers of ``rnn``, with the same weights."""
    cut = nn.RNN(rnn.input_size, rnn.hidden_size, num_layers=n, nonlinearity=rnn.nonlinearity,
                 bias=rnn.bias, bidirectional=rnn.bidirectional)
    cut.load_state_dict({k: v for k, v in rnn.state_dict().items() if k in cut.state_dict()})
    return cut


@settings(max_examples=40, deadline=None)
@given(**layer_args(), seq_len=st.integers(1, 5), nonlinearity=NONLINEARITIES, with_h0=st.booleans(),
       data=st.data())
def test_any_layer_and_direction(seed, input_size, hidden_size, seq_len, num_layers, bidirectional,
                                 nonlinearity, bias, batch_first, with_h0, data):
    layer = data.draw(st.integers(0, num_layers - 1), label="layer")
    reverse = data.draw(st.booleans(), label="reverse") if bidirectional else False
    torch.manual_seed(seed)
    rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity=nonlinearity,
                 bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    directions = 2 if bidirectional else 1
    x = torch.randn(seq_len, input_size)
    h0 = torch.randn(num_layers * directions, hidden_size) if with_h0 else None
    trace = trace_rnn(rnn, x, h0, layer=layer, reverse=reverse)

    # The layers up to `layer`, cut from the same weights: their top output is the traced layer's.
    with torch.no_grad():
        output, h_n = _first_layers(rnn, layer + 1)(x, None if h0 is None else h0[: (layer + 1) * directions])
        below = _first_layers(rnn, layer)(x, None if h0 is None else h0[: layer * directions])[0] if layer else x
    half = slice(hidden_size, None) if reverse else slice(0, hidden_size)
    steps = list(range(seq_len, 0, -1)) if reverse else list(range(1, seq_len + 1))
    assert [step.t for step in trace] == steps
    index = layer * directions + int(reverse)
    torch.testing.assert_close(trace[0].h_prev, h0[index] if with_h0 else torch.zeros(hidden_size))
    torch.testing.assert_close(h_n[index], trace[-1].h)  # the layer's last state in that direction
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    w_ih, w_hh = (getattr(rnn, name + suffix).detach() for name in ("weight_ih", "weight_hh"))
    b_ih, b_hh = ((getattr(rnn, name + suffix).detach() for name in ("bias_ih", "bias_hh"))
                  if bias else (0, 0))
    prev = trace[0].h_prev
    for step in trace:
        torch.testing.assert_close(step.x, below[step.t - 1])
        torch.testing.assert_close(step.input_term, w_ih @ step.x + b_ih)
        torch.testing.assert_close(step.recurrent_term, w_hh @ step.h_prev + b_hh)
        torch.testing.assert_close(step.h, output[step.t - 1, half])
        torch.testing.assert_close(step.h_prev, prev)
        prev = step.h
