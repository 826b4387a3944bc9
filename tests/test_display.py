"""Tables and LaTeX: parameter_table, parameter_rows, latex_matrix, format_vector, trace_rows, markdown_table."""

import pytest
import torch
from torch import nn

from rnn_notes import (
    describe_parameter,
    format_vector,
    latex_matrix,
    markdown_table,
    parameter_rows,
    parameter_table,
    seed_rnn,
    seed_sequence,
    spanish_number,
    trace_rnn,
    trace_rows,
)

pytestmark = pytest.mark.unit


def test_parameter_table_two_layers_bidirectional():
    rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True)
    table = parameter_table(rnn)
    assert [row.name for row in table] == [n for n, _ in rnn.named_parameters()]
    # Layer 0 reads the 3 input features; layer 1 reads both directions of layer 0 (2 * 4).
    for row in table:
        parameter = getattr(rnn, row.name)
        assert row.shape == tuple(parameter.shape)
        assert row.numel == parameter.numel()
        assert torch.equal(row.value, parameter)
        assert not row.value.requires_grad
    fields = {row.name: (row.kind, row.source, row.layer, row.direction) for row in table}
    assert fields["weight_ih_l0"] == ("weight", "input", 0, "forward")
    assert fields["bias_hh_l0_reverse"] == ("bias", "hidden", 0, "reverse")
    assert fields["weight_ih_l1_reverse"] == ("weight", "input", 1, "reverse")
    assert fields["bias_ih_l1"] == ("bias", "input", 1, "forward")
    assert {row.shape for row in table if row.name.startswith("weight_ih_l1")} == {(4, 8)}


def test_parameter_table_without_bias():
    rnn = nn.RNN(2, 3, num_layers=3, bias=False)
    table = parameter_table(rnn)
    assert [row.name for row in table] == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1",
                                           "weight_hh_l1", "weight_ih_l2", "weight_hh_l2"]
    assert [(row.kind, row.source, row.layer) for row in table[4:]] == [
        ("weight", "input", 2), ("weight", "hidden", 2)]


def test_describe_parameter_in_spanish():
    rows = {row.name: row for row in parameter_table(nn.RNN(3, 4, num_layers=2, bidirectional=True))}
    assert describe_parameter(rows["weight_ih_l0"]) == "pesos de la entrada; capa 0, dirección directa"
    assert describe_parameter(rows["bias_hh_l0_reverse"]) == (
        "sesgo del estado anterior; capa 0, dirección inversa")
    assert describe_parameter(rows["weight_ih_l1"]) == (
        "pesos de la salida de la capa 0; capa 1, dirección directa")


def test_parameter_rows_of_the_seed_layer():
    rnn = seed_rnn()
    rows = parameter_rows(rnn)
    assert list(rows[0]) == ["parámetro", "símbolo", "forma", "qué es"]
    assert [row["parámetro"] for row in rows] == [f"`{n}`" for n, _ in rnn.named_parameters()]
    assert [row["símbolo"] for row in rows] == ["$W_{ih}$", "$W_{hh}$", "$b_{ih}$", "$b_{hh}$"]
    assert [row["forma"] for row in rows] == [str(tuple(p.shape)) for p in rnn.parameters()]
    assert rows[3]["qué es"] == "sesgo del estado anterior; capa 0, dirección directa"


def test_spanish_number():
    assert spanish_number(6e-8) == "6,0·10⁻⁸"
    assert spanish_number(-1.25e-3, digits=2) == "−1,25·10⁻³"
    assert spanish_number(0.0) == "0"
    assert spanish_number(3.0) == "3,0"
    assert spanish_number(250.0) == "2,5·10²"
    # Glued, the text/plain is the repr; {glue:text} reads it back and shows the bare text.
    from myst_nb.core.variables import format_plain_text

    for value in (6e-8, 1.81, -2.0, 0.0):
        assert format_plain_text(repr(spanish_number(value)), "") == spanish_number(value)


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


def test_trace_rows_of_the_seed_example():
    rnn, x = seed_rnn(), seed_sequence()
    with torch.no_grad():
        output, _ = rnn(x)
    trace = trace_rnn(rnn, x)
    rows = trace_rows(trace)
    # One row per quantity, one column per step t = 1..T.
    assert list(rows[0]) == ["", "$t = 1$", "$t = 2$", "$t = 3$"]
    assert [row[""] for row in rows] == ["$x_t$", "$a_t$", "$h_{t-1}$", "$r_t$", "$z_t$", "$h_t$"]
    column = lambda v: r"$\small " + latex_matrix(v) + "$"  # noqa: E731
    assert rows[0]["$t = 3$"] == column(x[2])
    assert rows[2]["$t = 1$"] == column(torch.zeros(2))  # h_0, the initial state
    # At t=1 the recurrent term is just b_hh, which the seed prints as [0.1025, -0.0028].
    assert rows[3]["$t = 1$"] == column(rnn.bias_hh_l0)
    # h_t is the layer's output at step t (1-based), and h_{t-1} of the next column.
    for t in (1, 2, 3):
        assert rows[5][f"$t = {t}$"] == column(output[t - 1])
    assert rows[2]["$t = 2$"] == rows[5]["$t = 1$"]


def test_trace_rows_with_the_layer_output():
    rnn, x = seed_rnn(), seed_sequence()
    output = rnn(x)[0].detach()
    rows = trace_rows(trace_rnn(rnn, x), output, decimals=3)
    assert [row[""] for row in rows[-2:]] == [r"$\hat h_t$", r"$\Delta_t$"]
    assert rows[-2]["$t = 2$"] == r"$\small " + latex_matrix(output[1], 3) + "$"


def test_trace_rows_difference_is_measured():
    rnn, x = seed_rnn(), seed_sequence()
    shifted = rnn(x)[0].detach() + torch.tensor([0.0, 0.25])
    rows = trace_rows(trace_rnn(rnn, x), shifted)
    assert [rows[-1][f"$t = {t}$"] for t in (1, 2, 3)] == ["2,5·10⁻¹"] * 3
