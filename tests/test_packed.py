"""manual_rnn on a PackedSequence against nn.RNN: packed output, h_n and gradients, every configuration."""

import itertools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from rnn_notes import manual_rnn

from strategies import DTYPES, NONLINEARITIES, NUM_LAYERS, SEEDS, equal_sequence_lengths, layer_args, sequence_lengths

pytestmark = pytest.mark.unit


def _padded(lengths, input_size, batch_first, dtype):
    """A padded batch with one sequence per length, zeros after each sequence's end."""
    x = torch.randn(len(lengths), max(lengths), input_size, dtype=dtype)
    for i, n in enumerate(lengths):
        x[i, n:] = 0
    return x if batch_first else x.transpose(0, 1).contiguous()


def _compare(rnn, packed, h0, inputs):
    """Same packed output (all four fields), same h_n and same gradients as the layer."""
    want_out, want_h = rnn(packed, h0)
    got_out, got_h = manual_rnn(rnn, packed, h0)
    assert isinstance(got_out, PackedSequence)
    torch.testing.assert_close(got_out.data, want_out.data)
    assert torch.equal(got_out.batch_sizes, want_out.batch_sizes)
    for got, want in ((got_out.sorted_indices, want_out.sorted_indices),
                      (got_out.unsorted_indices, want_out.unsorted_indices)):
        assert (got is None) == (want is None)
        assert got is None or torch.equal(got, want)
    torch.testing.assert_close(got_h, want_h)
    weights = [torch.randn_like(want_out.data), torch.randn_like(want_h)]

    def grads(out, h):
        loss = (out.data * weights[0]).sum() + (h * weights[1]).sum()
        return torch.autograd.grad(loss, inputs, retain_graph=True)

    for got, want in zip(grads(got_out, got_h), grads(want_out, want_h)):
        torch.testing.assert_close(got, want)
    return got_out, got_h


def _run(seed, lengths, input_size, hidden_size, num_layers, bidirectional, nonlinearity, bias,
         batch_first, enforce_sorted, dtype, with_h0):
    torch.manual_seed(seed)
    rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity=nonlinearity,
                 bias=bias, batch_first=batch_first, bidirectional=bidirectional).to(dtype)
    x = _padded(lengths, input_size, batch_first, dtype).requires_grad_()
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    states = num_layers * (2 if bidirectional else 1)
    h0 = torch.randn(states, len(lengths), hidden_size, dtype=dtype, requires_grad=True) if with_h0 else None
    inputs = [x, *rnn.parameters()] + ([h0] if with_h0 else [])
    out, h_n = _compare(rnn, packed, h0, inputs)
    # h_n holds each sequence's last real step: forward state at step length, reverse state at step 1.
    padded, _ = pad_packed_sequence(out, batch_first=True)
    hidden = rnn.hidden_size
    for i, n in enumerate(lengths):
        torch.testing.assert_close(h_n[-2 if bidirectional else -1, i], padded[i, n - 1, :hidden])
        if bidirectional:
            torch.testing.assert_close(h_n[-1, i], padded[i, 0, hidden:])


@settings(max_examples=60, deadline=None)
@given(**layer_args(), lengths=st.one_of(sequence_lengths(4), equal_sequence_lengths(4)),
       nonlinearity=NONLINEARITIES, enforce_sorted=st.booleans(), dtype=DTYPES, with_h0=st.booleans())
def test_matches_nn_rnn_on_packed_input(seed, lengths, input_size, hidden_size, num_layers,
                                        bidirectional, nonlinearity, bias, batch_first,
                                        enforce_sorted, dtype, with_h0):
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    _run(seed, lengths, input_size, hidden_size, num_layers, bidirectional, nonlinearity, bias,
         batch_first, enforce_sorted, dtype, with_h0)


@pytest.mark.parametrize("lengths", [[1], [1, 1, 1], [3, 3], [3, 2, 1], [1, 3, 2], [2, 4, 1, 4]],
                         ids=str)
@pytest.mark.parametrize("num_layers, bidirectional, batch_first, enforce_sorted",
                         list(itertools.product([1, 2], [False, True], [False, True], [False, True])))
def test_every_configuration(lengths, num_layers, bidirectional, batch_first, enforce_sorted):
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    _run(0, lengths, 3, 2, num_layers, bidirectional, "tanh", True, batch_first, enforce_sorted,
         torch.float32, True)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, lengths=sequence_lengths(6), input_size=st.integers(1, 40), hidden_size=st.integers(1, 12),
       num_layers=NUM_LAYERS, bidirectional=st.booleans())
def test_bit_for_bit_on_cpu(seed, lengths, input_size, hidden_size, num_layers, bidirectional):
    """The layer's packed loop in its order: the same bits, not just close (on the CPU)."""
    torch.manual_seed(seed)
    rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional)
    packed = pack_padded_sequence(_padded(lengths, input_size, True, torch.float32), lengths,
                                  batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        (want_out, want_h), (got_out, got_h) = rnn(packed), manual_rnn(rnn, packed)
    assert torch.equal(got_out.data, want_out.data)
    assert torch.equal(got_h, want_h)


def test_padding_does_not_change_the_packed_result():
    # What lies in the padding is never read: fill it with large numbers, same output.
    torch.manual_seed(0)
    rnn = nn.RNN(3, 2, batch_first=True, bidirectional=True)
    lengths = [2, 4, 1]
    x = _padded(lengths, 3, True, torch.float32)
    noisy = x.clone()
    for i, n in enumerate(lengths):
        noisy[i, n:] = 100.0
    a = manual_rnn(rnn, pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    b = manual_rnn(rnn, pack_padded_sequence(noisy, lengths, batch_first=True, enforce_sorted=False))
    torch.testing.assert_close(a[0].data, b[0].data)
    torch.testing.assert_close(a[1], b[1])


def _packed(lengths=(3, 2, 1), features=3):
    x = torch.randn(len(lengths), max(lengths), features)
    return pack_padded_sequence(x, list(lengths), batch_first=True, enforce_sorted=False)


@pytest.mark.parametrize(
    "packed, h0, match",
    [
        (PackedSequence(torch.randn(5, 3), torch.tensor([2, 2])), None,
         r"lengths do not match the data: batch_sizes \[2, 2\] add up to 4 steps, but data has 5 rows"),
        (PackedSequence(torch.randn(4, 3), torch.tensor([1, 3])), None,
         r"batch_sizes must be a non-empty, non-increasing list of positive counts, got \[1, 3\]"),
        (_packed(features=4), None, r"has 4 features, but the layer expects input_size=3"),
        (_packed(), torch.zeros(1, 2, 2),
         r"h0 must have shape \(1, 3, 2\) \(.*packed batch of 3 sequences.*\), got \(1, 2, 2\)"),
        (PackedSequence(torch.randn(3, 3), torch.tensor([2, 1]), torch.tensor([0, 0])), None,
         r"sorted_indices must be a permutation of 0..1 \(the batch of 2\), got \[0, 0\]"),
    ],
    ids=["lengths vs data", "increasing batch_sizes", "features", "h0 batch", "sorted_indices"],
)
def test_bad_packed_input(packed, h0, match):
    with pytest.raises(ValueError, match=match):
        manual_rnn(nn.RNN(3, 2), packed, h0)


def test_packed_data_of_the_wrong_dtype():
    packed = _packed()
    with pytest.raises(TypeError, match=r"data has dtype torch.float32, expected torch.float64"):
        manual_rnn(nn.RNN(3, 2).double(), packed)


def test_packed_dropout_in_training_mode_is_refused():
    with pytest.raises(ValueError, match=r"expected dropout=0 or eval mode"):
        manual_rnn(nn.RNN(3, 2, num_layers=2, dropout=0.5), _packed())
