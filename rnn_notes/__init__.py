"""Recompute ``torch.nn.RNN`` by hand: one step, a whole layer, and the tables the site shows."""

__version__ = "0.1.0"  # pyproject.toml reads it; downloaded notebooks name it

from .bptt import BackStep, bptt, jacobian_norms, state_jacobians, trace_bptt
from .comparison import layer_comparison
from .display import (
    ParameterRow,
    describe_parameter,
    format_vector,
    latex_matrix,
    markdown_table,
    parameter_rows,
    parameter_table,
    spanish_number,
    trace_rows,
)
from .equations import latex_product
from .example import seed_rnn, seed_sequence
from .figures import (
    SiteFigure,
    chunked_states,
    gate_blocks,
    gru_cell,
    parameter_shapes,
    site_figure,
    step_shapes,
    tanh_saturation,
    unrolled_network,
)
from .gru import GRUGates, gru_gates, gru_parameter_rows, manual_gru
from .layer import StepTrace, Weights, layer_weights, manual_rnn, trace_rnn
from .step import input_term, recurrent_term, step_column, step_row
from .streaming import rnn_cell_from, run_in_chunks

__all__ = [
    "BackStep",
    "GRUGates",
    "ParameterRow",
    "SiteFigure",
    "StepTrace",
    "Weights",
    "describe_parameter",
    "chunked_states",
    "bptt",
    "format_vector",
    "gate_blocks",
    "gru_cell",
    "gru_gates",
    "gru_parameter_rows",
    "input_term",
    "jacobian_norms",
    "latex_matrix",
    "latex_product",
    "layer_comparison",
    "layer_weights",
    "manual_gru",
    "manual_rnn",
    "markdown_table",
    "parameter_shapes",
    "parameter_rows",
    "parameter_table",
    "recurrent_term",
    "rnn_cell_from",
    "run_in_chunks",
    "seed_rnn",
    "seed_sequence",
    "spanish_number",
    "site_figure",
    "step_column",
    "step_row",
    "step_shapes",
    "tanh_saturation",
    "state_jacobians",
    "step_column",
    "step_row",
    "trace_bptt",
    "trace_rnn",
    "trace_rows",
    "unrolled_network",
]
