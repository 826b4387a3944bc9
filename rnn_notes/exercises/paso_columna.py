"""Exercises of the chapter «Un paso como matriz por columna» (paso-columna)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..example import seed_rnn, seed_sequence
from ._registry import exercise


@exercise("paso-columna-relu")
def first_step_with_relu() -> Tensor:
    """h_1 as a (2, 1) column from a layer with the seed weights and nonlinearity='relu'."""
    relu_rnn = nn.RNN(input_size=5, hidden_size=2, batch_first=True, nonlinearity="relu")
    relu_rnn.load_state_dict(seed_rnn().state_dict())
    with torch.no_grad():
        output, _ = relu_rnn(seed_sequence().unsqueeze(0))
    return output[0, 0].unsqueeze(1)


@exercise("paso-columna-segundo-paso")
def second_step_as_column() -> Tensor:
    """h_2 of the seed layer on the seed sequence, as a (2, 1) column."""
    with torch.no_grad():
        output, _ = seed_rnn()(seed_sequence().unsqueeze(0))
    return output[0, 1].unsqueeze(1)
