"""Recompute ``torch.nn.RNN`` by hand: one step, a whole layer, and the tables the site shows."""

__version__ = "0.1.0"  # pyproject.toml reads it; downloaded notebooks name it

from .bptt import BackStep, bptt, jacobian_norms, state_jacobians, trace_bptt
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
    loss_curve,
    parameter_shapes,
    prediction_heads,
    site_figure,
    stacked_network,
    step_shapes,
    tanh_saturation,
    unrolled_network,
)
from .layer import StepTrace, Weights, layer_weights, manual_rnn, trace_rnn
from .step import input_term, recurrent_term, step_column, step_row
from .streaming import rnn_cell_from, run_in_chunks
from .train import train

__all__ = [
    "BackStep",
    "ParameterRow",
    "SiteFigure",
    "StepTrace",
    "Weights",
    "describe_parameter",
    "chunked_states",
    "bptt",
    "format_vector",
    "input_term",
    "jacobian_norms",
    "latex_matrix",
    "latex_product",
    "loss_curve",
    "layer_weights",
    "manual_rnn",
    "markdown_table",
    "parameter_shapes",
    "parameter_rows",
    "parameter_table",
    "prediction_heads",
    "recurrent_term",
    "rnn_cell_from",
    "run_in_chunks",
    "seed_rnn",
    "seed_sequence",
    "spanish_number",
    "site_figure",
    "stacked_network",
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
    "train",
    "unrolled_network",
]
