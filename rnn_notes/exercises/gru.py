"""Exercises of the chapter «GRU a mano» (gru)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..example import seed_sequence, seeded
from ._registry import exercise


def seed_gru() -> nn.GRU:
    """The chapter's layer: ``nn.GRU(input_size=5, hidden_size=2, num_layers=1, batch_first=True)`` after seed 1."""
    return seeded(nn.GRU, input_size=5, hidden_size=2, num_layers=1, batch_first=True)


@exercise("gru-formas")
def shapes_bidirectional_without_bias() -> tuple:
    """The shapes of every parameter, in order, of nn.GRU(4, 3, bidirectional=True, bias=False)."""
    layer = nn.GRU(input_size=4, hidden_size=3, bidirectional=True, bias=False)
    return tuple(tuple(p.shape) for p in layer.parameters())


@exercise("gru-primer-paso")
def first_step_from_a_state() -> Tensor:
    """h_1, shape (2,), of the chapter's layer on the seed sequence from h_0 = (0.5, -0.5)."""
    h0 = torch.tensor([0.5, -0.5])
    with torch.no_grad():
        _, h_1 = seed_gru()(seed_sequence()[:1].unsqueeze(0), h0.view(1, 1, 2))
    return h_1[0, 0]


@exercise("gru-sin-sesgos")
def outputs_without_biases() -> Tensor:
    """The outputs h_1..h_3, shape (3, 2), of a bias=False GRU with the chapter's layer's weights."""
    layer, plain = seed_gru(), nn.GRU(input_size=5, hidden_size=2, bias=False, batch_first=True)
    with torch.no_grad():
        plain.weight_ih_l0.copy_(layer.weight_ih_l0)
        plain.weight_hh_l0.copy_(layer.weight_hh_l0)
        output, _ = plain(seed_sequence().unsqueeze(0))
    return output[0]
