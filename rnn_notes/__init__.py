"""Recompute ``torch.nn.RNN`` by hand: one step, a whole layer, and the tables the site shows."""

__version__ = "0.1.0"  # pyproject.toml reads it; downloaded notebooks name it

from .bptt import BackStep, bptt, decay_layers, jacobian_norms, state_jacobians, trace_bptt
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
from .exercises import check
from .figures import (
    SiteFigure,
    cell_state_gradients,
    chunked_states,
    packed_batch,
    jacobian_decay,
    lstm_cell,
    loss_curve,
    gate_blocks,
    gru_cell,
    parameter_shapes,
    prediction_heads,
    site_figure,
    stacked_network,
    step_shapes,
    tanh_saturation,
    unrolled_network,
)
from .gru import GRUGates, gru_gates, gru_parameter_rows, manual_gru
from .layer import StepTrace, Weights, layer_weights, manual_rnn, trace_rnn
from .lstm import (
    LSTMGates,
    LSTMStep,
    cell_jacobians,
    forget_products,
    lstm_direction,
    lstm_gates,
    manual_lstm,
    trace_lstm,
    with_forget_bias,
)
from .step import input_term, recurrent_term, step_column, step_row
from .streaming import rnn_cell_from, run_in_chunks
from .train import train

__all__ = [
    "BackStep",
    "LSTMGates",
    "LSTMStep",
    "GRUGates",
    "ParameterRow",
    "SiteFigure",
    "StepTrace",
    "Weights",
    "describe_parameter",
    "cell_state_gradients",
    "check",
    "chunked_states",
    "bptt",
    "decay_layers",
    "cell_jacobians",
    "forget_products",
    "format_vector",
    "gate_blocks",
    "gru_cell",
    "gru_gates",
    "gru_parameter_rows",
    "input_term",
    "jacobian_decay",
    "jacobian_norms",
    "latex_matrix",
    "latex_product",
    "loss_curve",
    "layer_weights",
    "lstm_direction",
    "lstm_cell",
    "lstm_gates",
    "manual_lstm",
    "layer_comparison",
    "layer_weights",
    "manual_gru",
    "manual_rnn",
    "markdown_table",
    "packed_batch",
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
    "trace_bptt",
    "trace_lstm",
    "trace_rnn",
    "trace_rows",
    "train",
    "unrolled_network",
    "with_forget_bias",
]
