"""One step by hand, in columns and in rows, against nn.RNNCell, nn.RNN and plain linear algebra.

The seed example (seed_rnn, seed_sequence) is the layer and input the chapters step through.
"""

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from rnn_notes import input_term, recurrent_term, seed_rnn, seed_sequence, step_column, step_row

pytestmark = pytest.mark.unit


def _cell(input_size, hidden_size, nonlinearity, bias, dtype):
    torch.manual_seed(3)
    cell = nn.RNNCell(input_size, hidden_size, bias=bias, nonlinearity=nonlinearity).to(dtype)
    return cell, (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_step_row_matches_rnn_cell(nonlinearity, bias, dtype):
    cell, params = _cell(4, 3, nonlinearity, bias, dtype)
    x_t = torch.randn(5, 4, dtype=dtype)
    h_prev = torch.randn(5, 3, dtype=dtype)
    torch.testing.assert_close(step_row(x_t, h_prev, *params, nonlinearity), cell(x_t, h_prev))


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("bias", [True, False])
def test_step_column_is_the_transposed_row_step(nonlinearity, bias):
    cell, params = _cell(4, 3, nonlinearity, bias, torch.float64)
    x_t = torch.randn(1, 4, dtype=torch.float64)
    h_prev = torch.randn(1, 3, dtype=torch.float64)
    column = step_column(x_t.T, h_prev.T, *params, nonlinearity)
    assert column.shape == (3, 1)
    torch.testing.assert_close(column, cell(x_t, h_prev).T)


def test_step_column_by_hand():
    # W_ih x = [1, 2], W_hh h = [0, 0], biases [0.5, -2] and [0, 0]; tanh of [1.5, 0].
    w_ih = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    w_hh = torch.zeros(2, 2)
    x_t = torch.tensor([[1.0], [1.0]])
    result = step_column(x_t, torch.zeros(2, 1), w_ih, w_hh, torch.tensor([0.5, -2.0]), None)
    torch.testing.assert_close(result, torch.tanh(torch.tensor([[1.5], [0.0]])))


def test_step_row_relu_by_hand():
    # x W_ih^T = [3, -1]; h W_hh^T = [1, 0]; relu([4, -1]) = [4, 0].
    w_ih = torch.tensor([[1.0, 2.0], [-1.0, 0.0]])
    w_hh = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    x_t = torch.tensor([[1.0, 1.0]])
    h_prev = torch.tensor([[1.0, 0.0]])
    result = step_row(x_t, h_prev, w_ih, w_hh, None, None, "relu")
    torch.testing.assert_close(result, torch.tensor([[4.0, 0.0]]))


def test_terms_match_linear():
    torch.manual_seed(4)
    x, h = torch.randn(2, 6, 4), torch.randn(2, 6, 3)
    w_ih, w_hh, b_ih, b_hh = torch.randn(3, 4), torch.randn(3, 3), torch.randn(3), torch.randn(3)
    torch.testing.assert_close(input_term(x, w_ih, b_ih), F.linear(x, w_ih, b_ih))
    torch.testing.assert_close(recurrent_term(h, w_hh, b_hh), F.linear(h, w_hh, b_hh))
    torch.testing.assert_close(input_term(x, w_ih, None), F.linear(x, w_ih))
    torch.testing.assert_close(recurrent_term(h[0, 0], w_hh, None), F.linear(h[0, 0], w_hh))


def test_column_and_row_steps_over_the_seed_sequence_match_the_layer():
    rnn = seed_rnn()
    x = seed_sequence()
    output, h_n = rnn(x.unsqueeze(0))
    w_ih, w_hh, b_ih, b_hh = rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0
    h_col = torch.zeros(2, 1)
    h_row = torch.zeros(1, 2)
    for t in range(3):
        h_col = step_column(x[t].reshape(5, 1), h_col, w_ih, w_hh, b_ih, b_hh)
        h_row = step_row(x[t].reshape(1, 5), h_row, w_ih, w_hh, b_ih, b_hh)
        torch.testing.assert_close(h_row, output[:, t])
        torch.testing.assert_close(h_col, h_row.T)
    torch.testing.assert_close(h_row, h_n[0])


def test_seed_sequence_is_three_steps_of_constant_features():
    x = seed_sequence()
    assert x.shape == (3, 5)
    for t, value in enumerate((1.0, 2.0, 3.0)):
        assert torch.equal(x[t], torch.full((5,), value))


def test_seed_rnn_is_the_seed_notebooks_layer_and_leaves_the_callers_rng_alone():
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        expected = nn.RNN(5, 2, 1, batch_first=True)
    torch.manual_seed(1234)
    torch.rand(3)  # a caller part-way through its own random stream
    state = torch.get_rng_state()
    rnn = seed_rnn()
    assert torch.equal(torch.get_rng_state(), state), "seed_rnn() changed the caller's random state"
    for (name, got), (_, want) in zip(rnn.named_parameters(), expected.named_parameters(), strict=True):
        assert torch.equal(got, want), name
