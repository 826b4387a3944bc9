"""trace_rnn: every recorded field obeys the step equation, and h is the layer's output."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnn_notes import StepTrace, seed_rnn, seed_sequence, trace_rnn

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
@given(
    seed=st.integers(0, 2**16),
    input_size=st.integers(1, 4),
    hidden_size=st.integers(1, 4),
    seq_len=st.integers(1, 5),
    nonlinearity=st.sampled_from(["tanh", "relu"]),
    bias=st.booleans(),
    batch_first=st.booleans(),
    shape=st.sampled_from(["unbatched", "batch of one"]),
    with_h0=st.booleans(),
)
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
    "rnn, x, match",
    [
        (nn.RNN(3, 2, num_layers=2), torch.randn(4, 3), r"num_layers=1.*got num_layers=2"),
        (nn.RNN(3, 2, bidirectional=True), torch.randn(4, 3), r"bidirectional=False.*got .*bidirectional=True"),
        (nn.RNN(3, 2), torch.randn(4, 2, 3), r"batch of 1\), got a batch of 2"),
        (nn.RNN(3, 2, batch_first=True), torch.randn(2, 4, 3), r"batch of 1\), got a batch of 2"),
    ],
    ids=["two layers", "bidirectional", "batch of two", "batch of two, batch_first"],
)
def test_refuses_what_it_cannot_trace(rnn, x, match):
    with pytest.raises(ValueError, match=match):
        trace_rnn(rnn, x)
