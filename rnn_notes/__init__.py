"""Recompute ``torch.nn.RNN`` by hand: one step, a whole layer, and the tables the site shows."""

from .bptt import BackStep, bptt, jacobian_norms, state_jacobians, trace_bptt
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
    "BackStep",
    "ParameterRow",
    "StepTrace",
    "Weights",
    "bptt",
    "format_vector",
    "input_term",
    "jacobian_norms",
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
    "state_jacobians",
    "step_column",
    "step_row",
    "trace_bptt",
    "trace_rnn",
    "trace_rows",
]
