"""The seed notebook's example: both hand conventions reproduce nn.RNN step by step."""

import pytest
import torch

from rnn_notes import seed_rnn, seed_sequence, step_column, step_row

pytestmark = pytest.mark.unit


def test_column_and_row_steps_match_the_layer():
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
        expected = torch.nn.RNN(5, 2, 1, batch_first=True)
    torch.manual_seed(1234)
    torch.rand(3)  # a caller part-way through its own random stream
    state = torch.get_rng_state()
    rnn = seed_rnn()
    assert torch.equal(torch.get_rng_state(), state), "seed_rnn() changed the caller's random state"
    for (name, got), (_, want) in zip(rnn.named_parameters(), expected.named_parameters(), strict=True):
        assert torch.equal(got, want), name
