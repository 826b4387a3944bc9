"""Feeding nn.RNN in parts, or through nn.RNNCell, gives what one call on the whole sequence gives."""

import pytest
import torch
from torch import nn

from rnn_notes import rnn_cell_from, run_in_chunks, seed_rnn, seed_sequence

pytestmark = pytest.mark.unit


def make_rnn(seed: int = 0, **kwargs) -> nn.RNN:
    torch.manual_seed(seed)
    return nn.RNN(**{"input_size": 3, "hidden_size": 4, **kwargs})


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 20])
@pytest.mark.parametrize(
    "config",
    [
        {"batch_first": True},
        {"batch_first": False},
        {"num_layers": 2, "batch_first": True},
        {"nonlinearity": "relu", "bias": False},
    ],
)
def test_chunks_match_one_call(chunk_size, config):
    rnn = make_rnn(**config)
    x = torch.randn(2, 7, 3) if rnn.batch_first else torch.randn(7, 2, 3)
    h0 = torch.randn(rnn.num_layers, 2, 4)
    expected_output, expected_h_n = rnn(x, h0)
    output, h_n = run_in_chunks(rnn, x, chunk_size, h0)
    torch.testing.assert_close(output, expected_output)
    torch.testing.assert_close(h_n, expected_h_n)


def test_unbatched_sequence_and_default_zero_state():
    rnn = seed_rnn()
    x = seed_sequence()
    expected_output, expected_h_n = rnn(x)
    output, h_n = run_in_chunks(rnn, x, 2)
    torch.testing.assert_close(output, expected_output)
    torch.testing.assert_close(h_n, expected_h_n)


def test_the_layer_really_sees_chunks():
    rnn = make_rnn(batch_first=True)
    seen = []
    rnn.register_forward_hook(lambda module, args, out: seen.append(tuple(args[0].shape)))
    run_in_chunks(rnn, torch.randn(2, 7, 3), 3)
    assert seen == [(2, 3, 3), (2, 3, 3), (2, 1, 3)]


def test_cell_reproduces_the_layer_step_by_step():
    rnn = seed_rnn()
    x = seed_sequence().unsqueeze(0)
    output, h_n = rnn(x)
    cell = rnn_cell_from(rnn)
    h = torch.zeros(1, rnn.hidden_size)
    for t in range(x.shape[1]):
        h = cell(x[:, t], h)
        torch.testing.assert_close(h, output[:, t])
    torch.testing.assert_close(h, h_n[0])


@pytest.mark.parametrize("config", [{"nonlinearity": "relu"}, {"bias": False}])
def test_cell_keeps_activation_and_bias(config):
    rnn = make_rnn(batch_first=True, **config)
    cell = rnn_cell_from(rnn)
    assert cell.nonlinearity == rnn.nonlinearity
    assert (cell.bias_ih is None) == (not rnn.bias)
    x = torch.randn(5, 1, 3)
    torch.testing.assert_close(cell(x[:, 0]), rnn(x)[0][:, 0])


def test_cell_holds_a_copy_not_the_same_tensors():
    rnn = seed_rnn()
    cell = rnn_cell_from(rnn)
    with torch.no_grad():
        rnn.weight_ih_l0.zero_()
    assert cell.weight_ih.abs().sum() > 0


def test_bad_arguments_name_what_was_expected():
    rnn = seed_rnn()
    x = seed_sequence()
    with pytest.raises(TypeError, match="torch.nn.RNN.*got LSTM"):
        run_in_chunks(nn.LSTM(5, 2), x, 1)
    with pytest.raises(TypeError, match="torch.Tensor, got list"):
        run_in_chunks(rnn, x.tolist(), 1)
    with pytest.raises(TypeError, match="chunk_size must be an int, got float"):
        run_in_chunks(rnn, x, 1.0)
    with pytest.raises(TypeError, match="chunk_size must be an int, got bool"):
        run_in_chunks(rnn, x, True)
    with pytest.raises(ValueError, match="chunk_size must be >= 1, got 0"):
        run_in_chunks(rnn, x, 0)
    with pytest.raises(ValueError, match="2-D .* or 3-D .*got 1-D"):
        run_in_chunks(rnn, x[0], 1)
    with pytest.raises(ValueError, match="at least one time step"):
        run_in_chunks(rnn, x[:0], 1)
    with pytest.raises(ValueError, match="one-direction.*got bidirectional=True"):
        run_in_chunks(make_rnn(bidirectional=True), torch.randn(4, 3), 2)
    with pytest.raises(ValueError, match="x has 4 features, but the layer expects input_size=5"):
        run_in_chunks(rnn, torch.randn(1, 3, 4), 1)
    with pytest.raises(ValueError, match=r"h0 must have shape \(1, 1, 2\).*got \(1, 2\)"):
        run_in_chunks(rnn, x.unsqueeze(0), 1, torch.zeros(1, 2))
    with pytest.raises(TypeError, match="h0 has dtype torch.float64, expected torch.float32"):
        run_in_chunks(rnn, x.unsqueeze(0), 1, torch.zeros(1, 1, 2, dtype=torch.float64))
    with pytest.raises(TypeError, match="x must be a floating-point tensor, got dtype torch.int64"):
        run_in_chunks(rnn, x.long(), 1)


def test_chunks_match_one_call_in_eval_mode_with_dropout():
    rnn = make_rnn(num_layers=2, dropout=0.5, batch_first=True).eval()
    x = torch.randn(2, 7, 3)
    for got, want in zip(run_in_chunks(rnn, x, 3), rnn(x)):
        torch.testing.assert_close(got, want)


def test_cell_refuses_what_one_cell_cannot_hold():
    with pytest.raises(TypeError, match="torch.nn.RNN.*got GRU"):
        rnn_cell_from(nn.GRU(3, 4))
    with pytest.raises(ValueError, match="num_layers=1, got num_layers=2"):
        rnn_cell_from(make_rnn(num_layers=2))
    with pytest.raises(ValueError, match="one-direction.*got bidirectional=True"):
        rnn_cell_from(make_rnn(bidirectional=True))
