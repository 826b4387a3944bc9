"""The example every chapter uses: the seed notebook's layer and sequence."""

from __future__ import annotations

import torch
from torch import Tensor, nn


def seed_rnn() -> nn.RNN:
    """``nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)`` right after ``torch.manual_seed(1)``.

    The seed is set on a fork of the CPU random generator, so the caller's random state is left as it was.
    """
    return seeded(nn.RNN, input_size=5, hidden_size=2, num_layers=1, batch_first=True)


def seed_sequence() -> Tensor:
    """The ``(3, 5)`` sequence: three steps whose five features are all 1, 2 and 3."""
    return torch.arange(1.0, 4.0).unsqueeze(1).expand(3, 5).clone()


def seeded(kind: type[nn.RNNBase], **sizes: object) -> nn.RNNBase:
    """``kind(**sizes)`` right after ``torch.manual_seed(1)``, as every chapter builds its layer.

    The seed is set on a fork of the CPU random generator, so the caller's random state is left as it was.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        return kind(**sizes)
