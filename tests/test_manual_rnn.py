"""manual_rnn against nn.RNN: outputs, final states and gradients in every configuration."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnn_notes import manual_rnn, seed_rnn, seed_sequence

from strategies import NONLINEARITIES, bit_for_bit_args, call_args, layer_args
from helpers import grads

pytestmark = pytest.mark.unit


@settings(max_examples=60, deadline=None)
@given(**layer_args(), **call_args(), nonlinearity=NONLINEARITIES, with_h0=st.booleans())
def test_matches_nn_rnn(seed, input_size, hidden_size, num_layers, bidirectional,
                        nonlinearity, bias, batch_first, dtype, batch, seq_len, with_h0):
    torch.manual_seed(seed)
    rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity=nonlinearity,
                 bias=bias, batch_first=batch_first, bidirectional=bidirectional).to(dtype)
    states = num_layers * (2 if bidirectional else 1)
    if batch is None:
        x_shape, h_shape = (seq_len, input_size), (states, hidden_size)
    else:
        x_shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
        h_shape = (states, batch, hidden_size)
    x = torch.randn(x_shape, dtype=dtype, requires_grad=True)
    h0 = torch.randn(h_shape, dtype=dtype, requires_grad=True) if with_h0 else None

    expected = rnn(x, h0)
    actual = manual_rnn(rnn, x, h0)
    torch.testing.assert_close(actual[0], expected[0])
    torch.testing.assert_close(actual[1], expected[1])

    inputs = [x, *rnn.parameters()] + ([h0] if with_h0 else [])
    weights = [torch.randn_like(expected[0]), torch.randn_like(expected[1])]
    for got, want in zip(grads(actual, weights, inputs), grads(expected, weights, inputs)):
        torch.testing.assert_close(got, want)


@settings(max_examples=60, deadline=None)
@given(**bit_for_bit_args())
def test_bit_for_bit_on_cpu(seed, input_size, hidden_size, num_layers, bidirectional, bias,
                            batch_first, batch, seq_len):
    """The layer's own operations in its order: not just close, the same bits (on the CPU)."""
    torch.manual_seed(seed)
    rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, bias=bias,
                 batch_first=batch_first, bidirectional=bidirectional)
    if batch is None:
        x = torch.randn(seq_len, input_size)
    else:
        x = torch.randn((batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size))
    with torch.no_grad():
        expected, actual = rnn(x), manual_rnn(rnn, x)
    assert torch.equal(actual[0], expected[0])
    assert torch.equal(actual[1], expected[1])


def test_seed_example_numbers():
    # The seed notebook prints these outputs (4 decimals) for its layer and sequence.
    output, h_n = manual_rnn(seed_rnn(), seed_sequence().unsqueeze(0))
    printed = torch.tensor([[[-0.3520, 0.5253], [-0.6842, 0.7607], [-0.8649, 0.9047]]])
    torch.testing.assert_close(output, printed, atol=5e-5, rtol=0)
    torch.testing.assert_close(h_n, printed[:, -1:], atol=5e-5, rtol=0)


def test_empty_batch_matches_nn_rnn():
    rnn = nn.RNN(3, 2, bidirectional=True, batch_first=True)
    x = torch.zeros(0, 4, 3)
    for got, want in zip(manual_rnn(rnn, x), rnn(x)):
        assert got.shape == want.shape


def test_dropout_with_one_layer_matches_in_training_mode():
    # nn.RNN applies dropout only between layers, so one layer has nothing to drop.
    torch.manual_seed(0)
    with pytest.warns(UserWarning, match="dropout"):
        rnn = nn.RNN(3, 2, num_layers=1, dropout=0.5)
    assert rnn.training
    x = torch.randn(4, 2, 3)
    for got, want in zip(manual_rnn(rnn, x), rnn(x)):
        torch.testing.assert_close(got, want)


def test_does_not_call_the_layer(monkeypatch):
    rnn = seed_rnn()

    def refuse(*args, **kwargs):
        raise AssertionError("manual_rnn called the layer")

    monkeypatch.setattr(rnn, "forward", refuse)
    monkeypatch.setattr(torch._VF, "rnn_tanh", refuse)
    manual_rnn(rnn, seed_sequence())


def test_checks_the_module_once_however_many_layers_and_directions(monkeypatch):
    import rnn_notes.layer

    calls = []
    check = rnn_notes.layer._checks.rnn_module
    monkeypatch.setattr(rnn_notes.layer._checks, "rnn_module", lambda value: calls.append(value) or check(value))
    rnn = nn.RNN(3, 2, num_layers=3, bidirectional=True)
    x = torch.randn(4, 3)
    for got, want in zip(manual_rnn(rnn, x), rnn(x)):
        torch.testing.assert_close(got, want)
    assert calls == [rnn]
