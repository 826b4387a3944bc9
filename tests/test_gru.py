"""manual_gru and gru_gates against nn.GRU: outputs, final states, gradients, gates and bad input."""

import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnn_notes import gru_gates, manual_gru

from strategies import NUM_LAYERS, SEEDS, bit_for_bit_args, call_args, layer_args
from helpers import grads

pytestmark = pytest.mark.unit


def _input(batch, seq_len, input_size, batch_first, dtype=torch.float32, requires_grad=False):
    """A random ``x`` for the layer: unbatched when ``batch`` is None."""
    if batch is None:
        shape = (seq_len, input_size)
    else:
        shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    return torch.randn(shape, dtype=dtype, requires_grad=requires_grad)


@settings(max_examples=50, deadline=None)
@given(**layer_args(), **call_args(), with_h0=st.booleans())
def test_matches_nn_gru(seed, input_size, hidden_size, num_layers, bidirectional, bias,
                        batch_first, dtype, batch, seq_len, with_h0):
    torch.manual_seed(seed)
    gru = nn.GRU(input_size, hidden_size, num_layers=num_layers, bias=bias,
                 batch_first=batch_first, bidirectional=bidirectional).to(dtype)
    states = num_layers * (2 if bidirectional else 1)
    x = _input(batch, seq_len, input_size, batch_first, dtype, requires_grad=True)
    h_shape = (states, hidden_size) if batch is None else (states, batch, hidden_size)
    h0 = torch.randn(h_shape, dtype=dtype, requires_grad=True) if with_h0 else None

    expected = gru(x, h0)
    actual = manual_gru(gru, x, h0)
    assert actual[0].dtype == dtype and actual[1].dtype == dtype
    tight = {"atol": 1e-12, "rtol": 1e-10} if dtype == torch.float64 else {}
    torch.testing.assert_close(actual[0], expected[0], **tight)
    torch.testing.assert_close(actual[1], expected[1], **tight)

    inputs = [x, *gru.parameters()] + ([h0] if with_h0 else [])
    weights = [torch.randn_like(expected[0]), torch.randn_like(expected[1])]
    for got, want in zip(grads(actual, weights, inputs), grads(expected, weights, inputs)):
        torch.testing.assert_close(got, want, **tight)


@settings(max_examples=40, deadline=None)
@given(**bit_for_bit_args())
def test_bit_for_bit_on_cpu(seed, input_size, hidden_size, num_layers, bidirectional, bias,
                            batch_first, batch, seq_len):
    """The layer's own operations in its order: the same bits as nn.GRU on the CPU."""
    torch.manual_seed(seed)
    gru = nn.GRU(input_size, hidden_size, num_layers=num_layers, bias=bias,
                 batch_first=batch_first, bidirectional=bidirectional)
    x = _input(batch, seq_len, input_size, batch_first)
    with torch.no_grad():
        expected, actual = gru(x), manual_gru(gru, x)
    assert torch.equal(actual[0], expected[0])
    assert torch.equal(actual[1], expected[1])


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, input_size=st.integers(1, 5), hidden_size=st.integers(1, 5), num_layers=NUM_LAYERS,
       bidirectional=st.booleans(), bias=st.booleans())
def test_gates_reassemble_the_stacked_parameters(seed, input_size, hidden_size, num_layers,
                                                 bidirectional, bias):
    torch.manual_seed(seed)
    gru = nn.GRU(input_size, hidden_size, num_layers=num_layers, bias=bias, bidirectional=bidirectional)
    for layer in range(num_layers):
        for reverse in (False, True) if bidirectional else (False,):
            suffix = f"_l{layer}" + ("_reverse" if reverse else "")
            g = gru_gates(gru, layer, reverse)
            layer_input = input_size if layer == 0 else hidden_size * (2 if bidirectional else 1)
            for w in (g.W_ir, g.W_iz, g.W_in):
                assert w.shape == (hidden_size, layer_input)
            for w in (g.W_hr, g.W_hz, g.W_hn):
                assert w.shape == (hidden_size, hidden_size)
            assert torch.equal(torch.cat([g.W_ir, g.W_iz, g.W_in]), getattr(gru, "weight_ih" + suffix))
            assert torch.equal(torch.cat([g.W_hr, g.W_hz, g.W_hn]), getattr(gru, "weight_hh" + suffix))
            biases = (g.b_ir, g.b_iz, g.b_in, g.b_hr, g.b_hz, g.b_hn)
            if bias:
                assert torch.equal(torch.cat(biases[:3]), getattr(gru, "bias_ih" + suffix))
                assert torch.equal(torch.cat(biases[3:]), getattr(gru, "bias_hh" + suffix))
            else:
                assert biases == (None,) * 6


def test_gates_are_views_that_carry_gradients():
    torch.manual_seed(0)
    gru = nn.GRU(3, 2)
    g = gru_gates(gru)
    assert g.W_hn.data_ptr() == gru.weight_hh_l0[4:].data_ptr()  # a view: rows 2H..3H, no copy
    g.W_hn.sum().backward()
    expected = torch.zeros_like(gru.weight_hh_l0)
    expected[4:] = 1
    torch.testing.assert_close(gru.weight_hh_l0.grad, expected)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, input_size=st.integers(1, 5), hidden_size=st.integers(1, 5))
def test_one_step_gate_by_gate_equals_the_layer(seed, input_size, hidden_size):
    """PyTorch's documented equations, gate by gate with the named blocks, give the layer's first step."""
    torch.manual_seed(seed)
    gru = nn.GRU(input_size, hidden_size).double()
    x = torch.randn(1, input_size, dtype=torch.float64)
    h = torch.randn(1, hidden_size, dtype=torch.float64)
    g = gru_gates(gru)
    with torch.no_grad():
        r = torch.sigmoid(x @ g.W_ir.T + g.b_ir + h @ g.W_hr.T + g.b_hr)
        z = torch.sigmoid(x @ g.W_iz.T + g.b_iz + h @ g.W_hz.T + g.b_hz)
        n = torch.tanh(x @ g.W_in.T + g.b_in + r * (h @ g.W_hn.T + g.b_hn))
        h_1 = (1 - z) * n + z * h
        output, h_n = gru(x, h)
    torch.testing.assert_close(h_1, output)
    torch.testing.assert_close(h_1, h_n)


def _merge_biases(module, gate_rows):
    """A copy of ``module`` with ``bias_hh_l0`` added into ``bias_ih_l0`` (rows ``gate_rows``) and zeroed there."""
    merged = type(module)(module.input_size, module.hidden_size).to(module.weight_ih_l0.dtype)
    merged.load_state_dict(module.state_dict())
    with torch.no_grad():
        merged.bias_ih_l0[gate_rows] += merged.bias_hh_l0[gate_rows]
        merged.bias_hh_l0[gate_rows] = 0
    return merged


@settings(max_examples=20, deadline=None)
@given(seed=SEEDS)
def test_merging_biases_is_harmless_in_rnn_but_not_in_gru(seed):
    torch.manual_seed(seed)
    rnn, gru = nn.RNN(3, 4).double(), nn.GRU(3, 4).double()
    with torch.no_grad():
        gru.bias_hh_l0[8:] += 1.0  # b_hn well away from zero, so r ⊙ b_hn differs from b_hn
    x = torch.randn(5, 3, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(_merge_biases(rnn, slice(None))(x)[0], rnn(x)[0])
        # r and z only see the sum of their two biases: merging them changes nothing...
        torch.testing.assert_close(_merge_biases(gru, slice(0, 8))(x)[0], gru(x)[0])
        # ...but b_hn is multiplied by r, so merging it into b_in changes the output.
        changed = _merge_biases(gru, slice(8, 12))(x)[0]
        assert (changed - gru(x)[0]).abs().max() > 1e-6


def test_does_not_call_the_layer(monkeypatch):
    torch.manual_seed(0)
    gru = nn.GRU(3, 2)

    def refuse(*args, **kwargs):
        raise AssertionError("manual_gru called the layer")

    monkeypatch.setattr(gru, "forward", refuse)
    monkeypatch.setattr(torch._VF, "gru", refuse)
    manual_gru(gru, torch.randn(4, 3))


GRU = nn.GRU(5, 2)
GRU_BIDIR = nn.GRU(5, 2, num_layers=2, bidirectional=True)
X = torch.randn(3, 5)

# (id, exception, the expected value the message must name, call)
CASES = [
    ("manual_gru nn.RNN", TypeError, "expected a torch.nn.GRU module, got RNN",
     lambda: manual_gru(nn.RNN(5, 2), X)),
    ("manual_gru nn.LSTM", TypeError, "expected a torch.nn.GRU module, got LSTM",
     lambda: manual_gru(nn.LSTM(5, 2), X)),
    ("manual_gru x not a tensor", TypeError, "x must be a torch.Tensor, got list",
     lambda: manual_gru(GRU, X.tolist())),
    ("manual_gru integer x", TypeError, "floating-point tensor, got dtype torch.int64",
     lambda: manual_gru(GRU, torch.ones(3, 5, dtype=torch.long))),
    ("manual_gru x float64, layer float32", TypeError, "x has dtype torch.float64, expected torch.float32",
     lambda: manual_gru(GRU, X.double())),
    ("manual_gru wrong feature count", ValueError, "x has 4 features, but the layer expects input_size=5",
     lambda: manual_gru(GRU, X[:, :4])),
    ("manual_gru 1-D x", ValueError, "x must be 2-D (seq, features) or 3-D (batched), got 1-D",
     lambda: manual_gru(GRU, X[0])),
    ("manual_gru empty sequence", ValueError, "at least one time step",
     lambda: manual_gru(GRU, X[:0])),
    ("manual_gru h0 wrong shape, batched", ValueError, "h0 must have shape (4, 2, 2)",
     lambda: manual_gru(GRU_BIDIR, torch.randn(3, 2, 5), torch.randn(2, 2, 2))),
    ("manual_gru h0 batched for unbatched x", ValueError, "h0 must have shape (1, 2)",
     lambda: manual_gru(GRU, X, torch.randn(1, 1, 2))),
    ("manual_gru h0 dtype", TypeError, "h0 has dtype torch.float64, expected torch.float32",
     lambda: manual_gru(GRU, X, torch.zeros(1, 2, dtype=torch.float64))),
    ("manual_gru h0 a pair", TypeError, "h0 must be a torch.Tensor, got tuple",
     lambda: manual_gru(GRU, X, (torch.zeros(1, 2), torch.zeros(1, 2)))),
    ("gru_gates nn.RNN", TypeError, "expected a torch.nn.GRU module, got RNN",
     lambda: gru_gates(nn.RNN(5, 2))),
    ("gru_gates layer out of range", ValueError, "layer must be in 0..1, got 2",
     lambda: gru_gates(GRU_BIDIR, 2)),
    ("gru_gates layer not an int", TypeError, "layer must be an int, got float",
     lambda: gru_gates(GRU, 0.0)),
    ("gru_gates reverse of a one-way GRU", ValueError, "reverse=True needs a bidirectional GRU",
     lambda: gru_gates(GRU, 0, reverse=True)),
    ("gru_gates reverse not a bool", TypeError, "reverse must be a bool, got str",
     lambda: gru_gates(GRU_BIDIR, 0, reverse="yes")),
]


@pytest.mark.parametrize("error, expected, call", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(error, expected, call):
    with pytest.raises(error, match=re.escape(expected)):
        call()
