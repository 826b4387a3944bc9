"""manual_lstm, lstm_gates, trace_lstm and the cell-state Jacobians against nn.LSTM and autograd."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnn_notes import cell_jacobians, forget_products, lstm_gates, manual_lstm, trace_lstm, with_forget_bias

from strategies import SEEDS, SIZES, call_args, layer_args
from helpers import grads

pytestmark = [pytest.mark.unit, pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")]


def _flat(result):
    """``(output, (h_n, c_n))`` as a list of three tensors."""
    output, (h_n, c_n) = result
    return [output, h_n, c_n]


@settings(max_examples=50, deadline=None)
@given(**layer_args(), **call_args(),
       proj=st.integers(0, 3),  # proj_size must be < hidden_size; 0 is no projection
       with_hx=st.booleans())
def test_matches_nn_lstm(seed, input_size, hidden_size, proj, num_layers, bidirectional, bias,
                         batch_first, dtype, batch, seq_len, with_hx):
    proj_size = proj if proj < hidden_size else 0
    torch.manual_seed(seed)
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bias=bias, batch_first=batch_first,
                   bidirectional=bidirectional, proj_size=proj_size).to(dtype)
    states = num_layers * (2 if bidirectional else 1)
    h_size = proj_size or hidden_size
    if batch is None:
        x_shape, h_shape, c_shape = (seq_len, input_size), (states, h_size), (states, hidden_size)
    else:
        x_shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
        h_shape, c_shape = (states, batch, h_size), (states, batch, hidden_size)
    x = torch.randn(x_shape, dtype=dtype, requires_grad=True)
    hx = None
    if with_hx:
        hx = (torch.randn(h_shape, dtype=dtype, requires_grad=True),
              torch.randn(c_shape, dtype=dtype, requires_grad=True))

    expected = _flat(lstm(x, hx))
    actual = _flat(manual_lstm(lstm, x, hx))
    for got, want in zip(actual, expected):
        assert got.shape == want.shape
        torch.testing.assert_close(got, want)

    inputs = [x, *lstm.parameters(), *(hx or ())]
    weights = [torch.randn_like(e) for e in expected]
    for got, want in zip(grads(actual, weights, inputs), grads(expected, weights, inputs)):
        torch.testing.assert_close(got, want)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, hidden_size=st.integers(2, 6), num_layers=st.integers(1, 2), bidirectional=st.booleans(),
       bias=st.booleans(), float64=st.booleans(), batch=st.integers(1, 3), seq_len=st.integers(1, 6))
def test_bit_for_bit_where_the_layer_uses_its_generic_cpu_path(seed, hidden_size, num_layers, bidirectional,
                                                               bias, float64, batch, seq_len):
    """float64, or float32 with proj_size (which oneDNN does not take): the layer's operations, the same bits."""
    torch.manual_seed(seed)
    lstm = nn.LSTM(4, hidden_size, num_layers=num_layers, bias=bias, bidirectional=bidirectional,
                   proj_size=0 if float64 else hidden_size - 1)
    dtype = torch.float64 if float64 else torch.float32
    lstm = lstm.to(dtype)
    x = torch.randn(seq_len, batch, 4, dtype=dtype)
    with torch.no_grad():
        for got, want in zip(_flat(manual_lstm(lstm, x)), _flat(lstm(x))):
            assert torch.equal(got, want)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, input_size=st.integers(1, 5), hidden_size=st.integers(2, 5), proj=st.booleans(),
       num_layers=st.integers(1, 2), bidirectional=st.booleans(), bias=st.booleans())
def test_gates_reassemble_the_stacked_weights(seed, input_size, hidden_size, proj, num_layers,
                                              bidirectional, bias):
    torch.manual_seed(seed)
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bias=bias,
                   bidirectional=bidirectional, proj_size=hidden_size - 1 if proj else 0)
    for layer in range(num_layers):
        for reverse in (False, True) if bidirectional else (False,):
            g = lstm_gates(lstm, layer, reverse)
            suffix = f"_l{layer}" + ("_reverse" if reverse else "")
            param = lambda name: getattr(lstm, name + suffix)  # noqa: E731
            assert torch.equal(torch.cat([g.W_ii, g.W_if, g.W_ig, g.W_io]), param("weight_ih"))
            assert torch.equal(torch.cat([g.W_hi, g.W_hf, g.W_hg, g.W_ho]), param("weight_hh"))
            assert g.W_ii.shape[0] == hidden_size
            if bias:
                assert torch.equal(torch.cat([g.b_ii, g.b_if, g.b_ig, g.b_io]), param("bias_ih"))
                assert torch.equal(torch.cat([g.b_hi, g.b_hf, g.b_hg, g.b_ho]), param("bias_hh"))
            else:
                assert g.b_ii is None and g.b_ho is None
            if proj:
                assert torch.equal(g.W_hr, param("weight_hr"))
            else:
                assert g.W_hr is None


def test_gate_blocks_are_views_gradients_reach_the_layer():
    lstm = nn.LSTM(3, 2)
    g = lstm_gates(lstm)
    g.W_if.sum().backward()
    expected = torch.zeros(8, 3)
    expected[2:4] = 1  # the forget gate is the second block of rows
    torch.testing.assert_close(lstm.weight_ih_l0.grad, expected)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, input_size=SIZES, hidden_size=st.integers(2, 4), proj=st.booleans(), bias=st.booleans(),
       seq_len=st.integers(1, 5), batched=st.booleans(), with_hx=st.booleans())
def test_trace_gate_by_gate_equals_the_layer(seed, input_size, hidden_size, proj, bias, seq_len,
                                             batched, with_hx):
    torch.manual_seed(seed)
    lstm = nn.LSTM(input_size, hidden_size, bias=bias, proj_size=hidden_size - 1 if proj else 0,
                   batch_first=True).double()
    h_size = lstm.proj_size or hidden_size
    x = torch.randn(seq_len, input_size, dtype=torch.float64)
    hx = (torch.randn(1, h_size, dtype=torch.float64), torch.randn(1, hidden_size, dtype=torch.float64))
    if batched:
        x, hx = x.unsqueeze(0), (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
    hx = hx if with_hx else None
    trace = trace_lstm(lstm, x, hx)
    with torch.no_grad():
        output, (h_n, c_n) = lstm(x, hx)
    output = output.reshape(seq_len, h_size)
    assert [s.t for s in trace] == list(range(1, seq_len + 1))
    for step in trace:
        torch.testing.assert_close(step.h, output[step.t - 1])
        # one step of the layer from the trace's previous states gives the same c_t
        _, (_, c_t) = lstm(step.x.reshape(1, 1, -1) if batched else step.x.reshape(1, -1),
                           (step.h_prev.reshape(1, 1, -1), step.c_prev.reshape(1, 1, -1)) if batched
                           else (step.h_prev.reshape(1, -1), step.c_prev.reshape(1, -1)))
        torch.testing.assert_close(step.c, c_t.reshape(-1))
        for gate in (step.i, step.f, step.o):
            assert ((gate > 0) & (gate < 1)).all()
    torch.testing.assert_close(trace[-1].c, c_n.reshape(-1))
    torch.testing.assert_close(trace[-1].h, h_n.reshape(-1))
    for step, later in zip(trace, trace[1:]):
        assert torch.equal(later.h_prev, step.h) and torch.equal(later.c_prev, step.c)


def _autograd_cell_jacobians(lstm, x, hx):
    """∂c_T/∂c_t for t = T..0 by autograd: c_t perturbed, h_t = (o_t ⊙ tanh c_t) W_hrᵀ, then the layer itself."""
    trace = trace_lstm(lstm, x, hx)
    T = len(trace)
    result = []
    for k in range(T + 1):
        t = T - k
        if t == 0:
            h0 = hx[0] if hx else torch.zeros(1, lstm.proj_size or lstm.hidden_size, dtype=x.dtype)
            c0 = hx[1] if hx else torch.zeros(1, lstm.hidden_size, dtype=x.dtype)
            fn = lambda c: lstm(x, (h0, c.unsqueeze(0)))[1][1][0]  # noqa: E731
            result.append(torch.autograd.functional.jacobian(fn, c0[0]))
            continue
        step = trace[t - 1]

        def fn(c, step=step, t=t):
            h = step.o * torch.tanh(c)
            if lstm.proj_size:
                h = h @ lstm.weight_hr_l0.T
            if t == T:
                return c
            return lstm(x[t:], (h.unsqueeze(0), c.unsqueeze(0)))[1][1][0]

        result.append(torch.autograd.functional.jacobian(fn, step.c))
    return torch.stack(result)


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS, input_size=st.integers(1, 3), hidden_size=SIZES, proj=st.booleans(), bias=st.booleans(),
       seq_len=st.integers(1, 5), with_hx=st.booleans())
def test_cell_jacobians_match_autograd(seed, input_size, hidden_size, proj, bias, seq_len, with_hx):
    torch.manual_seed(seed)
    proj_size = hidden_size - 1 if proj and hidden_size > 1 else 0
    lstm = nn.LSTM(input_size, hidden_size, bias=bias, proj_size=proj_size).double()
    x = torch.randn(seq_len, input_size, dtype=torch.float64)
    hx = None
    if with_hx:
        hx = (torch.randn(1, proj_size or hidden_size, dtype=torch.float64),
              torch.randn(1, hidden_size, dtype=torch.float64))
    jacobians = cell_jacobians(lstm, x, hx)
    assert jacobians.shape == (seq_len + 1, hidden_size, hidden_size)
    torch.testing.assert_close(jacobians, _autograd_cell_jacobians(lstm, x, hx))


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS, hidden_size=SIZES, seq_len=st.integers(1, 6))
def test_forget_products_are_the_direct_path(seed, hidden_size, seq_len):
    """With W_h* = 0 the gates do not see h, so the only path from c_t to c_T is through the forget gates."""
    torch.manual_seed(seed)
    lstm = nn.LSTM(3, hidden_size).double()
    with torch.no_grad():
        lstm.weight_hh_l0.zero_()
    x = torch.randn(seq_len, 3, dtype=torch.float64)
    products = forget_products(lstm, x)
    assert products.shape == (seq_len + 1, hidden_size)
    torch.testing.assert_close(cell_jacobians(lstm, x), torch.diag_embed(products))
    trace = trace_lstm(lstm, x)
    torch.testing.assert_close(products[1], trace[-1].f)


LSTM = nn.LSTM(5, 3)
PROJ = nn.LSTM(5, 3, proj_size=2, num_layers=2)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: manual_lstm(nn.RNN(5, 3), torch.zeros(2, 5)), TypeError,
         "expected a torch.nn.LSTM module, got RNN"),
        (lambda: manual_lstm(nn.GRU(5, 3), torch.zeros(2, 5)), TypeError,
         "expected a torch.nn.LSTM module, got GRU"),
        (lambda: lstm_gates(nn.RNN(5, 3)), TypeError, "expected a torch.nn.LSTM module, got RNN"),
        (lambda: manual_lstm(LSTM, torch.zeros(2, 4)), ValueError,
         "x has 4 features, but the layer expects input_size=5"),
        (lambda: manual_lstm(LSTM, [[1.0] * 5]), TypeError, "x must be a torch.Tensor, got list"),
        (lambda: manual_lstm(LSTM, torch.zeros(2, 5, dtype=torch.float64)), TypeError,
         "x has dtype torch.float64, expected torch.float32"),
        (lambda: manual_lstm(LSTM, torch.zeros(2, 5), torch.zeros(1, 3)), TypeError,
         "hx must be None or a pair (h0, c0) of tensors, got Tensor"),
        (lambda: manual_lstm(LSTM, torch.zeros(2, 5), (torch.zeros(1, 3),)), TypeError,
         "hx must be None or a pair (h0, c0) of tensors, got a tuple of length 1"),
        (lambda: manual_lstm(LSTM, torch.zeros(2, 5), (torch.zeros(1, 3), None)), TypeError,
         "c0 must be a torch.Tensor, got NoneType"),
        (lambda: manual_lstm(LSTM, torch.zeros(2, 4, 5), (torch.zeros(1, 4, 3), torch.zeros(1, 2, 3))),
         ValueError, "c0 must have shape (1, 4, 3) (num_layers * num_directions, batch, hidden_size), got (1, 2, 3)"),
        (lambda: manual_lstm(PROJ, torch.zeros(2, 4, 5), (torch.zeros(2, 4, 3), torch.zeros(2, 4, 3))),
         ValueError, "h0 must have shape (2, 4, 2) (num_layers * num_directions, batch, proj_size), got (2, 4, 3)"),
        (lambda: manual_lstm(PROJ, torch.zeros(2, 4, 5), (torch.zeros(2, 4, 2), torch.zeros(2, 4, 2))),
         ValueError, "c0 must have shape (2, 4, 3) (num_layers * num_directions, batch, hidden_size), got (2, 4, 2)"),
        (lambda: manual_lstm(PROJ, torch.zeros(2, 5), (torch.zeros(2, 2), torch.zeros(2, 2))), ValueError,
         "c0 must have shape (2, 3) (num_layers * num_directions, hidden_size for unbatched x), got (2, 2)"),
        (lambda: lstm_gates(LSTM, layer=1), ValueError, "layer must be in 0..0, got 1"),
        (lambda: lstm_gates(LSTM, reverse=True), ValueError, "needs a bidirectional LSTM"),
        (lambda: trace_lstm(PROJ, torch.zeros(2, 5)), ValueError, "trace_lstm follows one layer"),
        (lambda: trace_lstm(LSTM, torch.zeros(2, 2, 5)), ValueError, "a single sequence (batch of 1), got a batch of 2"),
        (lambda: cell_jacobians(nn.GRU(5, 3), torch.zeros(2, 5)), TypeError, "expected a torch.nn.LSTM module, got GRU"),
        (lambda: trace_lstm(nn.LSTM(5, 3, bidirectional=True), torch.zeros(2, 5)), ValueError,
         "trace_lstm follows one layer in one direction (num_layers=1, bidirectional=False), "
         "got num_layers=1, bidirectional=True"),
        (lambda: with_forget_bias(LSTM, True), TypeError, "value must be a real number, got bool"),
        (lambda: with_forget_bias(LSTM, "1.0"), TypeError, "value must be a real number, got str"),
        (lambda: with_forget_bias(LSTM, float("nan")), ValueError, "value must be a finite number, got nan"),
        (lambda: with_forget_bias(LSTM, float("-inf")), ValueError, "value must be a finite number, got -inf"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_with_forget_bias_adds_to_b_hf_only_in_every_layer_and_direction():
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 2, num_layers=2, bidirectional=True)
    opened = with_forget_bias(lstm, 3.0)
    for (name, before), (_, after) in zip(lstm.named_parameters(), opened.named_parameters()):
        change = torch.zeros_like(before)
        if name.startswith("bias_hh"):
            change[2:4] = 3.0
        torch.testing.assert_close(after, before + change)
    with pytest.raises(ValueError, match="needs a layer with biases, got bias=False"):
        with_forget_bias(nn.LSTM(3, 2, bias=False), 1.0)
