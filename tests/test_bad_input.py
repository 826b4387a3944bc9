"""Bad input: every public function fails early with a message naming what it expected."""

import re

import pytest
import torch
from torch import nn

import rnn_notes as rn

pytestmark = pytest.mark.unit

torch.manual_seed(0)
RNN = nn.RNN(5, 2)  # input_size=5, hidden_size=2, one layer
RNN_BIDIR = nn.RNN(5, 2, num_layers=2, bidirectional=True)
W_IH, W_HH, B_IH, B_HH = torch.randn(2, 5), torch.randn(2, 2), torch.randn(2), torch.randn(2)
COL_X, COL_H = torch.randn(5, 1), torch.randn(2, 1)
ROW_X, ROW_H = torch.randn(3, 5), torch.randn(3, 2)
TRACE = rn.trace_rnn(RNN, torch.randn(4, 5))

# (id, exception, the expected value the message must name, call)
CASES = [
    # step_column
    ("step_column x_t not a tensor", TypeError, "torch.Tensor",
     lambda: rn.step_column([[1.0]] * 5, COL_H, W_IH, W_HH, B_IH, B_HH)),
    ("step_column x_t is a row", ValueError, "column of shape (5, 1), got a row of shape (1, 5)",
     lambda: rn.step_column(COL_X.T, COL_H, W_IH, W_HH, B_IH, B_HH)),
    ("step_column h_prev is a row", ValueError, "h_prev must be a column of shape (2, 1)",
     lambda: rn.step_column(COL_X, COL_H.T, W_IH, W_HH, B_IH, B_HH)),
    ("step_column x_t is 1-D", ValueError, "x_t must have shape (5, 1)",
     lambda: rn.step_column(COL_X[:, 0], COL_H, W_IH, W_HH, B_IH, B_HH)),
    ("step_column wrong feature count", ValueError, "x_t must have shape (5, 1)",
     lambda: rn.step_column(torch.randn(4, 1), COL_H, W_IH, W_HH, B_IH, B_HH)),
    ("step_column several columns", ValueError, "x_t must have shape (5, 1)",
     lambda: rn.step_column(torch.randn(5, 3), COL_H, W_IH, W_HH, B_IH, B_HH)),
    ("step_column x_t float64 weights float32", TypeError, "w_ih has dtype torch.float32, expected torch.float64 like x_t",
     lambda: rn.step_column(COL_X.double(), COL_H.double(), W_IH, W_HH, B_IH, B_HH)),
    ("step_column h_prev dtype", TypeError, "h_prev has dtype torch.float64, expected torch.float32 like x_t",
     lambda: rn.step_column(COL_X, COL_H.double(), W_IH, W_HH, B_IH, B_HH)),
    ("step_column integer x_t", TypeError, "floating-point tensor, got dtype torch.int64",
     lambda: rn.step_column(torch.ones(5, 1, dtype=torch.long), COL_H, W_IH, W_HH, B_IH, B_HH)),
    ("step_column bad nonlinearity", ValueError, "'tanh' or 'relu', got 'sigmoid'",
     lambda: rn.step_column(COL_X, COL_H, W_IH, W_HH, B_IH, B_HH, "sigmoid")),
    ("step_column w_ih 1-D", ValueError, "w_ih must be 2-D (hidden, input)",
     lambda: rn.step_column(COL_X, COL_H, W_IH[0], W_HH, B_IH, B_HH)),
    ("step_column w_hh not square", ValueError, "w_hh must have shape (2, 2)",
     lambda: rn.step_column(COL_X, COL_H, W_IH, torch.randn(2, 3), B_IH, B_HH)),
    ("step_column bias as a column", ValueError, "b_ih must have shape (2,)",
     lambda: rn.step_column(COL_X, COL_H, W_IH, W_HH, B_IH.unsqueeze(1), B_HH)),
    ("step_column w_hh not a tensor", TypeError, "w_hh must be a torch.Tensor, got list",
     lambda: rn.step_column(COL_X, COL_H, W_IH, W_HH.tolist(), B_IH, B_HH)),
    # step_row
    ("step_row x_t is a column", ValueError, "rows of shape (batch, 5), got (5, 1)",
     lambda: rn.step_row(COL_X, ROW_H[:1], W_IH, W_HH, B_IH, B_HH)),
    ("step_row x_t is 1-D", ValueError, "rows of shape (batch, 5), got (5,)",
     lambda: rn.step_row(ROW_X[0], ROW_H[:1], W_IH, W_HH, B_IH, B_HH)),
    ("step_row wrong feature count", ValueError, "rows of shape (batch, 5), got (3, 4)",
     lambda: rn.step_row(ROW_X[:, :4], ROW_H, W_IH, W_HH, B_IH, B_HH)),
    ("step_row h_prev would broadcast", ValueError, "h_prev must have shape (3, 2)",
     lambda: rn.step_row(ROW_X, ROW_H[:1], W_IH, W_HH, B_IH, B_HH)),
    ("step_row bias would broadcast", ValueError, "b_hh must have shape (2,)",
     lambda: rn.step_row(ROW_X, ROW_H, W_IH, W_HH, B_IH, B_HH.reshape(1, 2))),
    ("step_row dtype mismatch", TypeError, "b_hh has dtype torch.float64, expected torch.float32 like x_t",
     lambda: rn.step_row(ROW_X, ROW_H, W_IH, W_HH, B_IH, B_HH.double())),
    ("step_row h_prev not a tensor", TypeError, "h_prev must be a torch.Tensor, got NoneType",
     lambda: rn.step_row(ROW_X, None, W_IH, W_HH, B_IH, B_HH)),
    # input_term, recurrent_term
    ("input_term wrong feature count", ValueError, "end in 5 features to match w_ih (2, 5), got shape (3, 4)",
     lambda: rn.input_term(ROW_X[:, :4], W_IH, B_IH)),
    ("input_term not a tensor", TypeError, "x must be a torch.Tensor, got float",
     lambda: rn.input_term(1.0, W_IH, B_IH)),
    ("input_term dtype mismatch", TypeError, "w_ih has dtype torch.float32, expected torch.float64 like x",
     lambda: rn.input_term(ROW_X.double(), W_IH, None)),
    ("recurrent_term w_hh not square", ValueError, "w_hh must have shape (2, 2)",
     lambda: rn.recurrent_term(ROW_X, W_IH, None)),
    ("recurrent_term bias shape", ValueError, "b_hh must have shape (2,)",
     lambda: rn.recurrent_term(ROW_H, W_HH, torch.randn(3))),
    # manual_rnn
    ("manual_rnn LSTM", TypeError, "expected a torch.nn.RNN module, got LSTM",
     lambda: rn.manual_rnn(nn.LSTM(5, 2), ROW_X)),
    ("manual_rnn GRU", TypeError, "expected a torch.nn.RNN module, got GRU",
     lambda: rn.manual_rnn(nn.GRU(5, 2), ROW_X)),
    ("manual_rnn x not a tensor", TypeError, "x must be a torch.Tensor, got list",
     lambda: rn.manual_rnn(RNN, ROW_X.tolist())),
    ("manual_rnn integer x", TypeError, "floating-point tensor, got dtype torch.int64",
     lambda: rn.manual_rnn(RNN, torch.ones(3, 5, dtype=torch.long))),
    ("manual_rnn x dtype", TypeError, "x has dtype torch.float64, expected torch.float32 like the layer's weights",
     lambda: rn.manual_rnn(RNN, ROW_X.double())),
    ("manual_rnn x 1-D", ValueError, "2-D (seq, features) or 3-D (batched), got 1-D",
     lambda: rn.manual_rnn(RNN, ROW_X[0])),
    ("manual_rnn x 4-D", ValueError, "2-D (seq, features) or 3-D (batched), got 4-D",
     lambda: rn.manual_rnn(RNN, ROW_X.reshape(1, 1, 3, 5))),
    ("manual_rnn wrong feature count", ValueError, "x has 4 features, but the layer expects input_size=5",
     lambda: rn.manual_rnn(RNN, torch.randn(3, 4))),
    ("manual_rnn empty sequence", ValueError, "at least one time step",
     lambda: rn.manual_rnn(RNN, torch.randn(0, 5))),
    ("manual_rnn h0 batch mismatch", ValueError, "h0 must have shape (4, 3, 2)",
     lambda: rn.manual_rnn(RNN_BIDIR, torch.randn(7, 3, 5), torch.randn(4, 1, 2))),
    ("manual_rnn h0 missing directions", ValueError, "h0 must have shape (4, 3, 2)",
     lambda: rn.manual_rnn(RNN_BIDIR, torch.randn(7, 3, 5), torch.randn(2, 3, 2))),
    ("manual_rnn h0 batched for unbatched x", ValueError, "h0 must have shape (1, 2)",
     lambda: rn.manual_rnn(RNN, ROW_X, torch.randn(1, 1, 2))),
    ("manual_rnn h0 not a tensor", TypeError, "h0 must be a torch.Tensor, got list",
     lambda: rn.manual_rnn(RNN, ROW_X, [[0.0, 0.0]])),
    ("manual_rnn h0 dtype", TypeError, "h0 has dtype torch.float64, expected torch.float32 like the layer's weights",
     lambda: rn.manual_rnn(RNN, ROW_X, torch.zeros(1, 2, dtype=torch.float64))),
    ("manual_rnn dropout in training", ValueError, "expected dropout=0 or eval mode",
     lambda: rn.manual_rnn(nn.RNN(5, 2, num_layers=2, dropout=0.1), ROW_X)),
    # trace_rnn
    ("trace_rnn LSTM", TypeError, "expected a torch.nn.RNN module, got LSTM",
     lambda: rn.trace_rnn(nn.LSTM(5, 2), ROW_X)),
    ("trace_rnn layer out of range", ValueError, "layer must be in 0..1, got 2",
     lambda: rn.trace_rnn(nn.RNN(5, 2, num_layers=2), ROW_X, layer=2)),
    ("trace_rnn reverse, one direction", ValueError, "reverse=True needs a bidirectional RNN",
     lambda: rn.trace_rnn(RNN, ROW_X, reverse=True)),
    ("trace_rnn batch of three", ValueError, "batch of 1), got a batch of 3",
     lambda: rn.trace_rnn(RNN, torch.randn(4, 3, 5))),
    ("trace_rnn wrong feature count", ValueError, "x has 3 features, but the layer expects input_size=5",
     lambda: rn.trace_rnn(RNN, torch.randn(4, 3))),
    ("trace_rnn h0 shape", ValueError, "h0 must have shape (1, 2)",
     lambda: rn.trace_rnn(RNN, ROW_X, torch.zeros(2))),
    # layer_weights
    ("layer_weights layer out of range", ValueError, "layer must be in 0..1, got 2",
     lambda: rn.layer_weights(RNN_BIDIR, 2)),
    ("layer_weights layer not an int", TypeError, "layer must be an int, got str",
     lambda: rn.layer_weights(RNN_BIDIR, "1")),
    ("layer_weights reverse of one direction", ValueError, "needs a bidirectional RNN",
     lambda: rn.layer_weights(RNN, 0, reverse=True)),
    ("layer_weights GRU", TypeError, "expected a torch.nn.RNN module, got GRU",
     lambda: rn.layer_weights(nn.GRU(5, 2))),
    # parameter_table, parameter_rows
    ("parameter_table LSTM", TypeError, "expected a torch.nn.RNN module, got LSTM",
     lambda: rn.parameter_table(nn.LSTM(5, 2))),
    ("parameter_table RNNCell", TypeError, "expected a torch.nn.RNN module, got RNNCell",
     lambda: rn.parameter_table(nn.RNNCell(5, 2))),
    # latex_matrix, format_vector
    ("latex_matrix not a tensor", TypeError, "tensor must be a torch.Tensor, got list",
     lambda: rn.latex_matrix([1.0, 2.0])),
    ("latex_matrix 3-D", ValueError, "1-D or 2-D tensor, got shape (1, 2, 2)",
     lambda: rn.latex_matrix(torch.zeros(1, 2, 2))),
    ("latex_matrix 0-D", ValueError, "1-D or 2-D tensor, got shape ()",
     lambda: rn.latex_matrix(torch.tensor(1.0))),
    ("latex_matrix bad vector", ValueError, "'column' or 'row', got 'diagonal'",
     lambda: rn.latex_matrix(torch.zeros(2), vector="diagonal")),
    ("latex_matrix negative decimals", ValueError, "decimals must be >= 0, got -1",
     lambda: rn.latex_matrix(torch.zeros(2), decimals=-1)),
    ("latex_matrix decimals as str", TypeError, "decimals must be an int, got str",
     lambda: rn.latex_matrix(torch.zeros(2), decimals="4")),
    ("latex_matrix decimals as float", TypeError, "decimals must be an int, got float",
     lambda: rn.latex_matrix(torch.zeros(2), decimals=2.0)),
    ("format_vector 2-D", ValueError, "1-D tensor, got shape (2, 1)",
     lambda: rn.format_vector(torch.zeros(2, 1))),
    ("format_vector negative decimals", ValueError, "decimals must be >= 0, got -2",
     lambda: rn.format_vector(torch.zeros(2), -2)),
    # trace_rows
    ("trace_rows not a list", TypeError, "trace must be the list trace_rnn returns, got tuple",
     lambda: rn.trace_rows(tuple(TRACE))),
    ("trace_rows empty", ValueError, "at least one step, got an empty list",
     lambda: rn.trace_rows([])),
    ("trace_rows wrong items", TypeError, "StepTrace items, got dict",
     lambda: rn.trace_rows([{"t": 0}])),
    ("trace_rows batched layer output", ValueError, "layer_output must have shape (4, 2)",
     lambda: rn.trace_rows(TRACE, torch.zeros(1, 4, 2))),
    ("trace_rows layer output too short", ValueError, "layer_output must have shape (4, 2)",
     lambda: rn.trace_rows(TRACE, torch.zeros(3, 2))),
    ("trace_rows layer output not a tensor", TypeError, "layer_output must be a torch.Tensor, got list",
     lambda: rn.trace_rows(TRACE, [[0.0, 0.0]] * 4)),
    ("trace_rows layer output dtype", TypeError, "layer_output has dtype torch.float64, expected torch.float32 like the trace",
     lambda: rn.trace_rows(TRACE, torch.zeros(4, 2, dtype=torch.float64))),
    # spanish_number
    ("spanish_number of a tensor", TypeError, "value must be a real number, got Tensor",
     lambda: rn.spanish_number(torch.tensor(1.0))),
    ("spanish_number negative digits", ValueError, "decimals must be >= 0, got -1",
     lambda: rn.spanish_number(1.0, -1)),
    # markdown_table
    ("markdown_table not a list", TypeError, "rows must be a list of dicts, got dict",
     lambda: rn.markdown_table({"a": "1"})),
    ("markdown_table empty", ValueError, "at least one row, got an empty list",
     lambda: rn.markdown_table([])),
    ("markdown_table different columns", ValueError, "every row must have the columns ['a', 'b'], got ['a', 'c']",
     lambda: rn.markdown_table([{"a": "1", "b": "2"}, {"a": "3", "c": "4"}])),
    ("markdown_table value not text", TypeError, "dict of str to str, got {'a': 1}",
     lambda: rn.markdown_table([{"a": 1}])),
]


@pytest.mark.parametrize("error, expected, call", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_bad_input(error, expected, call):
    with pytest.raises(error, match=re.escape(expected)):
        call()
