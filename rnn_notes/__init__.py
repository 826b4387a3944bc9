"""Recompute ``torch.nn.RNN`` by hand: one step, a whole layer, and the tables the site shows."""

__version__ = "0.1.0"  # pyproject.toml reads it; downloaded notebooks name it

from .display import (
    ParameterRow,
    format_vector,
    latex_matrix,
    markdown_table,
    parameter_rows,
    parameter_table,
    trace_rows,
)
from .equations import latex_product
from .example import seed_rnn, seed_sequence
from .layer import StepTrace, Weights, layer_weights, manual_rnn, trace_rnn
from .step import input_term, recurrent_term, step_column, step_row
from .streaming import rnn_cell_from, run_in_chunks

__all__ = [
    "ParameterRow",
    "StepTrace",
    "Weights",
    "format_vector",
    "input_term",
    "latex_matrix",
    "latex_product",
    "layer_weights",
    "manual_rnn",
    "markdown_table",
    "parameter_rows",
    "parameter_table",
    "recurrent_term",
    "rnn_cell_from",
    "run_in_chunks",
    "seed_rnn",
    "seed_sequence",
    "step_column",
    "step_row",
    "trace_rnn",
    "trace_rows",
]
