"""Exercises of the chapter «Un paso como fila por matriz traspuesta» (paso-fila)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..example import seed_rnn, seed_sequence
from ._registry import exercise


@exercise("paso-fila-sin-sesgo")
def first_step_without_bias() -> Tensor:
    """h_1 as a (1, 2) row from a bias=False layer holding the seed layer's two weight matrices."""
    weights = {name: value for name, value in seed_rnn().state_dict().items() if name.startswith("weight")}
    no_bias = nn.RNN(input_size=5, hidden_size=2, batch_first=True, bias=False)
    no_bias.load_state_dict(weights)
    with torch.no_grad():
        output, _ = no_bias(seed_sequence().unsqueeze(0))
    return output[:, 0]


@exercise("paso-fila-estado-inicial")
def first_step_from_a_nonzero_state() -> Tensor:
    """h_1 as a (1, 2) row of the seed layer when it starts from h_0 = (1, -1)."""
    h0 = torch.tensor([1.0, -1.0]).reshape(1, 1, 2)  # (num_layers, N, H_out)
    with torch.no_grad():
        output, _ = seed_rnn()(seed_sequence().unsqueeze(0), h0)
    return output[:, 0]


@exercise("paso-fila-lote")
def first_step_of_a_pair() -> Tensor:
    """h_1 of the seed sequence and of the same sequence reversed, read as a batch: shape (2, 2)."""
    x = seed_sequence()
    with torch.no_grad():
        output, _ = seed_rnn()(torch.stack([x, x.flip(0)]))
    return output[:, 0]
