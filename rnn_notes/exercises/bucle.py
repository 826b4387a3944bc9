"""Exercises of the chapter «La secuencia completa, verificada» (bucle)."""

from __future__ import annotations

import torch
from torch import Tensor

from ..example import seed_rnn, seed_sequence
from ._registry import exercise


def five_steps() -> Tensor:
    """The seed sequence grown to five steps: every feature of step t is t."""
    return torch.arange(1.0, 6.0).unsqueeze(1).expand(5, 5)


@exercise("bucle-cinco-pasos")
def last_state_of_five_steps() -> Tensor:
    """h_5, shape (2,), of the seed layer on five steps whose features are 1, 2, 3, 4, 5."""
    with torch.no_grad():
        _, h_n = seed_rnn()(five_steps().unsqueeze(0))
    return h_n[0, 0]


@exercise("bucle-saturacion")
def first_saturated_step() -> int:
    """The first step t (from 1) on those five steps where some |h_t| component exceeds 0.95."""
    with torch.no_grad():
        output, _ = seed_rnn()(five_steps())
    saturated = (output.abs() > 0.95).any(dim=1)
    return int(saturated.nonzero()[0, 0]) + 1


@exercise("bucle-estado-inicial")
def outputs_from_a_nonzero_state() -> Tensor:
    """The outputs h_1..h_3, shape (3, 2), of the seed layer on the seed sequence from h_0 = (0.5, -0.5)."""
    h0 = torch.tensor([[0.5, -0.5]])
    with torch.no_grad():
        output, _ = seed_rnn()(seed_sequence(), h0)
    return output
