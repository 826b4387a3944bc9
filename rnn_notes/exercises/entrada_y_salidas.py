"""Exercises of the chapter «Entrada, lote y salidas» (entrada-y-salidas)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..example import seed_rnn
from ._registry import exercise


def batch_of_four() -> Tensor:
    """The exercises' batch: four random sequences of six steps, shape (N, L, H_in) = (4, 6, 5)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return torch.randn(4, 6, 5)


def time_first_layer() -> nn.RNN:
    """The seed layer's weights in a layer with ``batch_first=False``."""
    rnn = seed_rnn()
    time_first = nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=False)
    time_first.load_state_dict(rnn.state_dict())
    return time_first


@exercise("entrada-y-salidas-formas-lote")
def shapes_with_batch_first() -> tuple:
    """The shapes of output and h_n when the seed layer (batch_first=True) reads the batch (4, 6, 5)."""
    with torch.no_grad():
        output, h_n = seed_rnn()(batch_of_four())
    return tuple(output.shape), tuple(h_n.shape)


@exercise("entrada-y-salidas-formas-tiempo-primero")
def shapes_with_time_first() -> tuple:
    """The shapes of the input, output and h_n when a batch_first=False layer reads that batch."""
    time_first = time_first_layer()
    batch = batch_of_four().transpose(0, 1)
    with torch.no_grad():
        output, h_n = time_first(batch)
    return tuple(batch.shape), tuple(output.shape), tuple(h_n.shape)


@exercise("entrada-y-salidas-ultimo-paso")
def last_step_of_each_sequence() -> Tensor:
    """The final state of each of the batch's four sequences, shape (4, 2), from the seed layer's h_n."""
    with torch.no_grad():
        _, h_n = seed_rnn()(batch_of_four())
    return h_n[-1]
