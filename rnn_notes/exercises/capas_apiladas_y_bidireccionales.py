"""Exercises of the chapter «Capas apiladas y bidireccionales» (capas-apiladas-y-bidireccionales)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..example import seed_sequence
from ._registry import exercise


def page_network() -> nn.RNN:
    """The chapter's network: two bidirectional layers of H_out = 2, right after torch.manual_seed(1)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        return nn.RNN(input_size=5, hidden_size=2, num_layers=2, bidirectional=True, batch_first=True)


def wider_network() -> nn.RNN:
    """The exercises' network: hidden_size=3, num_layers=2, bidirectional=True on H_in = 5."""
    with torch.random.fork_rng(devices=[]):
        return nn.RNN(input_size=5, hidden_size=3, num_layers=2, bidirectional=True, batch_first=True)


@exercise("capas-apiladas-y-bidireccionales-formas")
def wider_shapes() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The shapes of output and h_n of the wider network on the batch x_batch, (5, 9, 5)."""
    x_batch = seed_sequence().unsqueeze(0).repeat(5, 3, 1)  # (N, L, H_in) = (5, 9, 5)
    with torch.no_grad():
        output, h_n = wider_network()(x_batch)
    return tuple(output.shape), tuple(h_n.shape)


@exercise("capas-apiladas-y-bidireccionales-parametros")
def wider_parameter_count() -> int:
    """How many numbers the wider network learns: the sum of its parameters' numel()."""
    return sum(p.numel() for p in wider_network().parameters())


@exercise("capas-apiladas-y-bidireccionales-al-reves")
def h_n_of_flipped_sequence() -> Tensor:
    """h_n, shape (4, 1, 2), of the chapter's network on the seed sequence read backwards."""
    with torch.no_grad():
        _, h_n = page_network()(seed_sequence().flip(0).unsqueeze(0))
    return h_n
