"""Exercises of the chapter «LSTM a mano» (lstm)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..example import seed_sequence, seeded
from ..lstm import with_forget_bias
from ._registry import exercise


def seed_lstm() -> nn.LSTM:
    """The chapter's layer: ``nn.LSTM(input_size=5, hidden_size=2, batch_first=True)`` after seed 1."""
    return seeded(nn.LSTM, input_size=5, hidden_size=2, batch_first=True)


@exercise("lstm-formas-proyeccion")
def shapes_with_projection() -> tuple:
    """The shapes of every parameter, in order, of nn.LSTM(3, 4, num_layers=2, proj_size=2)."""
    layer = nn.LSTM(input_size=3, hidden_size=4, num_layers=2, proj_size=2)
    return tuple(tuple(p.shape) for p in layer.parameters())


@exercise("lstm-primer-paso")
def first_step_from_a_state() -> tuple[Tensor, Tensor]:
    """(h_1, c_1), each of shape (2,), of the chapter's layer from h_0 = (0.5, -0.5), c_0 = (1, 1)."""
    h0, c0 = torch.tensor([0.5, -0.5]), torch.tensor([1.0, 1.0])
    with torch.no_grad():
        _, (h_1, c_1) = seed_lstm()(seed_sequence()[:1].unsqueeze(0), (h0.view(1, 1, 2), c0.view(1, 1, 2)))
    return h_1[0, 0], c_1[0, 0]


@exercise("lstm-olvido-abierto")
def cell_state_with_open_forget_gate() -> Tensor:
    """c_3, shape (2,), of the chapter's layer with 3 added to b_hf, on the seed sequence."""
    with torch.no_grad():
        _, (_, c_n) = with_forget_bias(seed_lstm(), 3.0)(seed_sequence().unsqueeze(0))
    return c_n[0, 0]
