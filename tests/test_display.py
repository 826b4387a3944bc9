"""Tables and LaTeX: parameter_table, parameter_rows, layer_comparison, latex_matrix, format_vector, trace_rows,
markdown_table."""

import re

import pytest
import torch
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from torch import nn

from rnn_notes import (
    describe_parameter,
    format_vector,
    gru_parameter_rows,
    latex_column,
    latex_matrix,
    layer_comparison,
    markdown_table,
    parameter_rows,
    parameter_table,
    seed_rnn,
    seed_sequence,
    spanish_number,
    trace_rnn,
    trace_rows,
)
from rnn_notes.display import parameter_symbol

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


# -- Every parameter table, for nn.RNN, nn.LSTM and nn.GRU ----------------------------------

LAYERS = [
    nn.RNN(3, 4, num_layers=2, bidirectional=True),
    nn.RNN(2, 3, bias=False),
    nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2),
    nn.LSTM(5, 2, bias=False),
    nn.GRU(3, 4, num_layers=2, bidirectional=True),
    nn.GRU(5, 2, bias=False),
]


@pytest.mark.parametrize("layer", LAYERS, ids=[repr(layer) for layer in LAYERS])
def test_parameter_rows_name_every_parameter_in_torchs_order(layer):
    rows = parameter_rows(layer)
    assert [row["parámetro"] for row in rows] == [f"`{name}`" for name, _ in layer.named_parameters()]
    assert [row["forma"] for row in rows] == [str(tuple(p.shape)) for p in layer.parameters()]


def test_lstm_parameter_rows_name_the_four_blocks_and_the_projection():
    rows = {row["parámetro"]: row for row in parameter_rows(nn.LSTM(5, 3, proj_size=2))}
    assert list(next(iter(rows.values()))) == ["parámetro", "forma", "bloques"]
    assert rows["`weight_ih_l0`"]["bloques"] == r"$W_{ii}, \ldots, W_{io}$"
    assert rows["`weight_hh_l0`"]["bloques"] == r"$W_{hi}, \ldots, W_{ho}$"
    assert rows["`bias_ih_l0`"]["bloques"] == r"$b_{ii}, \ldots, b_{io}$"
    assert rows["`bias_hh_l0`"]["bloques"] == r"$b_{hi}, \ldots, b_{ho}$"
    assert rows["`weight_hr_l0`"] == {"parámetro": "`weight_hr_l0`", "forma": "(2, 3)", "bloques": "$W_{hr}$"}


def test_gru_parameter_rows_name_every_parameter_and_its_blocks():
    gru = nn.GRU(5, 2, num_layers=2, bidirectional=True, bias=False)
    rows = gru_parameter_rows(gru)
    assert rows == parameter_rows(gru)
    assert [row["parámetro"] for row in rows] == [f"`{name}`" for name, _ in gru.named_parameters()]
    assert [row["forma"] for row in rows] == [str(tuple(p.shape)) for p in gru.parameters()]
    assert rows[0]["bloques"] == "$W_{ir}$, $W_{iz}$, $W_{in}$"
    assert rows[1]["bloques"] == "$W_{hr}$, $W_{hz}$, $W_{hn}$"


def test_layer_comparison_reads_real_modules():
    rows = {row[""]: row for row in layer_comparison(4, 3)}
    assert list(rows) == ["puertas", "candidato", "bloques apilados", "`weight_ih_l0`", "`weight_hh_l0`",
                          "`bias_ih_l0`", "`bias_hh_l0`", "parámetros por capa", "estado"]
    for kind, blocks in ((nn.RNN, 1), (nn.LSTM, 4), (nn.GRU, 3)):
        column = f"`nn.{kind.__name__}`"
        layer = kind(4, 3)
        assert rows["bloques apilados"][column] == str(blocks)
        assert rows["parámetros por capa"][column] == str(sum(p.numel() for p in layer.parameters()))
        # the gates and the candidate together are the blocks stacked in weight_ih_l0
        symbols = [cell.strip("$") for what in ("puertas", "candidato") for cell in rows[what][column].split(", ")
                   if cell.startswith("$")]
        assert len(symbols) == (0 if kind is nn.RNN else layer.weight_ih_l0.shape[0] // layer.hidden_size)
        for name, p in layer.named_parameters():
            assert rows[f"`{name}`"][column] == str(tuple(p.shape))
        with torch.no_grad():
            _, state = layer(torch.zeros(1, 1, 4))
        h_n = state[0] if kind is nn.LSTM else state
        assert rows["estado"][column].startswith(f"`h_n` {tuple(h_n.shape)}")
    # PyTorch's docs: LSTM input, forget, output gates and cell gate g; GRU reset, update gates and new gate n
    assert rows["puertas"] == {"": "puertas", "`nn.RNN`": "ninguna", "`nn.LSTM`": "$i$, $f$, $o$",
                               "`nn.GRU`": "$r$, $z$"}
    assert rows["candidato"] == {"": "candidato", "`nn.RNN`": "ninguno", "`nn.LSTM`": "$g$", "`nn.GRU`": "$n$"}
    assert rows["estado"]["`nn.LSTM`"] == "`h_n` (1, 1, 3), `c_n` (1, 1, 3)"
    assert rows["estado"]["`nn.GRU`"] == "`h_n` (1, 1, 3)"


# -- Clear errors and readable edges ------------------------------------------------------

BAD = [
    ("parameter_rows RNNCell", TypeError, "expected a torch.nn.RNN, nn.LSTM or nn.GRU module, got RNNCell",
     lambda: parameter_rows(nn.RNNCell(5, 2))),
    ("parameter_rows a tensor", TypeError, "expected a torch.nn.RNN, nn.LSTM or nn.GRU module, got Tensor",
     lambda: parameter_rows(torch.zeros(2))),
    ("gru_parameter_rows nn.LSTM", TypeError, "expected a torch.nn.GRU module, got LSTM",
     lambda: gru_parameter_rows(nn.LSTM(5, 2))),
    ("layer_comparison float size", TypeError, "input_size must be an int, got float",
     lambda: layer_comparison(5.0, 2)),
    ("layer_comparison zero hidden size", ValueError, "hidden_size must be >= 1, got 0",
     lambda: layer_comparison(5, 0)),
    ("describe_parameter None", TypeError, "row must be a ParameterRow (one item of parameter_table), got NoneType",
     lambda: describe_parameter(None)),
    ("describe_parameter a row of text", TypeError, "row must be a ParameterRow (one item of parameter_table), got dict",
     lambda: describe_parameter(parameter_rows(nn.RNN(2, 3))[0])),
    ("parameter_symbol None", TypeError, "row must be a ParameterRow", lambda: parameter_symbol(None)),
    ("latex_matrix complex", TypeError, "real numbers (a floating-point or integer dtype), got dtype torch.complex64",
     lambda: latex_matrix(torch.tensor([1 + 2j, 3j]))),
    ("latex_matrix bool", TypeError, "real numbers (a floating-point or integer dtype), got dtype torch.bool",
     lambda: latex_matrix(torch.tensor([True, False]))),
    ("latex_matrix empty vector", ValueError, "tensor must hold at least one number, got shape (0,)",
     lambda: latex_matrix(torch.zeros(0))),
    ("latex_matrix empty matrix", ValueError, "tensor must hold at least one number, got shape (2, 0)",
     lambda: latex_matrix(torch.zeros(2, 0))),
    ("latex_matrix nan", ValueError, "tensor must hold finite numbers, got nan at index [1]",
     lambda: latex_matrix(torch.tensor([0.5, float("nan")]))),
    ("latex_matrix inf", ValueError, "tensor must hold finite numbers, got inf at index [1, 0]",
     lambda: latex_matrix(torch.tensor([[1.0, 2.0], [float("inf"), 3.0]]))),
    ("latex_matrix -inf", ValueError, "tensor must hold finite numbers, got -inf at index [0]",
     lambda: latex_matrix(torch.tensor([-float("inf")]), vector="row")),
    ("format_vector nan", ValueError, "tensor must hold finite numbers, got nan at index [0]",
     lambda: format_vector(torch.tensor([float("nan")]))),
    ("format_vector complex", TypeError, "got dtype torch.complex64", lambda: format_vector(torch.tensor([1j]))),
    ("latex_column not a tensor", TypeError, "tensor must be a torch.Tensor, got list", lambda: latex_column([1.0])),
    ("latex_column empty", ValueError, "at least one number, got shape (0,)", lambda: latex_column(torch.zeros(1, 0))),
    ("markdown_table line break", ValueError, r"a table cell must be one line, got 'a\nb'",
     lambda: markdown_table([{"x": "a\nb"}])),
    ("markdown_table int header", TypeError, "every row must be a dict of str to str",
     lambda: markdown_table([{1: "a"}])),
]


@pytest.mark.parametrize("error, expected, call", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input(error, expected, call):
    with pytest.raises(error, match=re.escape(expected)):
        call()


def test_latex_matrix_of_an_integer_tensor():
    assert latex_matrix(torch.tensor([[1, -2]]), decimals=1) == r"\begin{bmatrix} 1.0 & -2.0 \end{bmatrix}"


def test_spanish_number_of_non_finite_values():
    assert spanish_number(float("inf")) == "∞"
    assert spanish_number(-float("inf")) == "−∞"
    assert spanish_number(float("nan")) == "NaN"
    assert spanish_number(torch.tensor(float("inf")).item(), digits=3) == "∞"


def test_spanish_number_of_an_int_beyond_float():
    assert spanish_number(10**400) == "1,0·10⁴⁰⁰"
    assert spanish_number(-(10**400) * 25, digits=2) == "−2,50·10⁴⁰¹"
    # Exact: 2**60 + 1 would round through a float; as a Decimal its digits are right.
    assert spanish_number(2**60 + 1, digits=18) == "1,152921504606846977·10¹⁸"
    assert spanish_number(7) == "7,0"


def test_latex_column_writes_any_vector_top_to_bottom():
    row = torch.tensor([[0.5, -1.25, 2.0]])  # a (1, H) state of a batch of one
    assert latex_column(row, 2) == r"\begin{bmatrix} 0.50 \\ -1.25 \\ 2.00 \end{bmatrix}"
    assert latex_column(row) == latex_matrix(row[0])


def _cells(table: str) -> list[list[str]]:
    """The table MyST renders from ``table``, as the text of each row's cells (math and code included)."""
    parser = create_md_parser(MdParserConfig(enable_extensions={"dollarmath", "amsmath"}), RendererHTML)
    rows, cells = [], None
    for token in parser.parse(table):
        if token.type == "tr_open":
            cells = []
            rows.append(cells)
        elif token.type == "inline" and cells is not None:
            cells.append("".join(child.content for child in token.children))
    return rows


def test_markdown_table_keeps_a_bar_inside_its_cell():
    rows = [{"a|b": "x | y", "code": "`p|q`", "math": r"$|x| + \|v\|$"}]
    assert _cells(markdown_table(rows)) == [["a|b", "code", "math"], ["x | y", "p|q", r"|x| + \|v\|"]]
