"""Tables and LaTeX: parameter_table, parameter_rows, latex_matrix, format_vector, trace_rows, markdown_table."""

import pytest
import torch
from torch import nn

from rnn_notes import (
    format_vector,
    latex_matrix,
    markdown_table,
    parameter_rows,
    parameter_table,
    seed_rnn,
    seed_sequence,
    trace_rnn,
    trace_rows,
)

pytestmark = pytest.mark.unit


def test_parameter_table_two_layers_bidirectional():
    rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True)
    rows = {row.name: row for row in parameter_table(rnn)}
    # Layer 0 reads the 3 input features; layer 1 reads both directions of layer 0 (2 * 4).
    expected = {
        "weight_ih_l0": ((4, 3), "input → hidden weights, layer 0, forward direction"),
        "weight_hh_l0": ((4, 4), "hidden → hidden weights, layer 0, forward direction"),
        "bias_ih_l0": ((4,), "input → hidden bias, layer 0, forward direction"),
        "bias_hh_l0": ((4,), "hidden → hidden bias, layer 0, forward direction"),
        "weight_ih_l0_reverse": ((4, 3), "input → hidden weights, layer 0, reverse direction"),
        "weight_hh_l0_reverse": ((4, 4), "hidden → hidden weights, layer 0, reverse direction"),
        "bias_ih_l0_reverse": ((4,), "input → hidden bias, layer 0, reverse direction"),
        "bias_hh_l0_reverse": ((4,), "hidden → hidden bias, layer 0, reverse direction"),
        "weight_ih_l1": ((4, 8), "layer 0 output → hidden weights, layer 1, forward direction"),
        "weight_hh_l1": ((4, 4), "hidden → hidden weights, layer 1, forward direction"),
        "bias_ih_l1": ((4,), "layer 0 output → hidden bias, layer 1, forward direction"),
        "bias_hh_l1": ((4,), "hidden → hidden bias, layer 1, forward direction"),
        "weight_ih_l1_reverse": ((4, 8), "layer 0 output → hidden weights, layer 1, reverse direction"),
        "weight_hh_l1_reverse": ((4, 4), "hidden → hidden weights, layer 1, reverse direction"),
        "bias_ih_l1_reverse": ((4,), "layer 0 output → hidden bias, layer 1, reverse direction"),
        "bias_hh_l1_reverse": ((4,), "hidden → hidden bias, layer 1, reverse direction"),
    }
    numel = {(4, 3): 12, (4, 4): 16, (4,): 4, (4, 8): 32}
    assert set(rows) == set(expected)
    for name, (shape, role) in expected.items():
        assert rows[name].shape == shape
        assert rows[name].role == role
        assert rows[name].numel == numel[shape]
        assert torch.equal(rows[name].value, getattr(rnn, name))
        assert not rows[name].value.requires_grad
    assert [row.name for row in parameter_table(rnn)] == [n for n, _ in rnn.named_parameters()]


def test_parameter_table_without_bias():
    rnn = nn.RNN(2, 3, num_layers=3, bias=False)
    names = [row.name for row in parameter_table(rnn)]
    assert names == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1",
                     "weight_ih_l2", "weight_hh_l2"]
    assert parameter_table(rnn)[4].role == "layer 1 output → hidden weights, layer 2, forward direction"


def test_parameter_rows_of_the_seed_layer():
    rows = parameter_rows(seed_rnn(), decimals=2)
    assert [row["name"] for row in rows] == ["`weight_ih_l0`", "`weight_hh_l0`",
                                              "`bias_ih_l0`", "`bias_hh_l0`"]
    assert [row["shape"] for row in rows] == ["(2, 5)", "(2, 2)", "(2,)", "(2,)"]
    assert [row["elements"] for row in rows] == ["10", "4", "2", "2"]
    # Seed notebook: weight_hh_l0 = [[0.1961, 0.0349], [0.2583, -0.2756]].
    assert rows[1]["values"] == r"$\begin{bmatrix} 0.20 & 0.03 \\ 0.26 & -0.28 \end{bmatrix}$"


def test_latex_matrix_vector_as_column_and_row():
    v = torch.tensor([1.0, -2.5])
    assert latex_matrix(v) == r"\begin{bmatrix} 1.0000 \\ -2.5000 \end{bmatrix}"
    assert latex_matrix(v, vector="row") == r"\begin{bmatrix} 1.0000 & -2.5000 \end{bmatrix}"


def test_latex_matrix_2d_and_decimals():
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert latex_matrix(m, decimals=1) == r"\begin{bmatrix} 1.0 & 2.0 \\ 3.0 & 4.0 \end{bmatrix}"
    assert latex_matrix(torch.tensor([[0.126, -7.0]]), 2) == r"\begin{bmatrix} 0.13 & -7.00 \end{bmatrix}"
    assert latex_matrix(torch.tensor([2.6]), decimals=0) == r"\begin{bmatrix} 3 \end{bmatrix}"


def test_latex_matrix_shows_no_negative_zero():
    assert latex_matrix(torch.tensor([-0.00001, 0.0]), vector="row") == (
        r"\begin{bmatrix} 0.0000 & 0.0000 \end{bmatrix}"
    )


def test_latex_matrix_of_a_parameter_needs_no_detach():
    assert latex_matrix(nn.Parameter(torch.tensor([0.5])), 1) == r"\begin{bmatrix} 0.5 \end{bmatrix}"


def test_format_vector():
    assert format_vector(torch.tensor([-0.35204, 0.5])) == "[-0.3520, 0.5000]"
    assert format_vector(torch.tensor([1.0]), decimals=1) == "[1.0]"


def test_markdown_table():
    rows = [{"a": "1", "b": "x"}, {"a": "2", "b": "$y$"}]
    assert markdown_table(rows) == "| a | b |\n| --- | --- |\n| 1 | x |\n| 2 | $y$ |"


def test_markdown_table_renames_some_headers():
    rows = [{"a": "1", "b": "x"}]
    assert markdown_table(rows, headers={"b": "be"}) == "| a | be |\n| --- | --- |\n| 1 | x |"


def test_trace_rows_of_the_seed_example():
    rnn, x = seed_rnn(), seed_sequence()
    rows = trace_rows(trace_rnn(rnn, x))
    assert list(rows[0]) == ["$t$", "$x_t$", r"$x_t W_{ih}^\top + b_{ih}$", "$h_{t-1}$",
                             r"$h_{t-1} W_{hh}^\top + b_{hh}$", "$z_t$", "$h_t$ (manual)"]
    assert [row["$t$"] for row in rows] == ["0", "1", "2"]
    assert rows[2]["$x_t$"] == "[3.0000, 3.0000, 3.0000, 3.0000, 3.0000]"
    assert rows[0]["$h_{t-1}$"] == "[0.0000, 0.0000]"
    # At t=0 the recurrent term is just b_hh, which the seed prints as [0.1025, -0.0028].
    assert rows[0][r"$h_{t-1} W_{hh}^\top + b_{hh}$"] == "[0.1025, -0.0028]"
    # The seed notebook's outputs, rounded to 4 decimals.
    assert [row["$h_t$ (manual)"] for row in rows] == [
        "[-0.3520, 0.5253]", "[-0.6842, 0.7607]", "[-0.8649, 0.9047]"
    ]
    assert rows[1]["$h_{t-1}$"] == rows[0]["$h_t$ (manual)"]


def test_trace_rows_with_the_layer_output():
    rnn, x = seed_rnn(), seed_sequence()
    output, _ = rnn(x)
    rows = trace_rows(trace_rnn(rnn, x), output, decimals=3)
    assert list(rows[0])[-2:] == ["$h_t$ (nn.RNN)", "max abs difference"]
    assert [row["$h_t$ (nn.RNN)"] for row in rows] == ["[-0.352, 0.525]", "[-0.684, 0.761]",
                                                     "[-0.865, 0.905]"]
    assert all(float(row["max abs difference"]) < 1e-6 for row in rows)


def test_trace_rows_difference_is_measured():
    rnn, x = seed_rnn(), seed_sequence()
    shifted = rnn(x)[0].detach() + torch.tensor([0.0, 0.25])
    rows = trace_rows(trace_rnn(rnn, x), shifted)
    assert [float(row["max abs difference"]) for row in rows] == [0.25, 0.25, 0.25]
