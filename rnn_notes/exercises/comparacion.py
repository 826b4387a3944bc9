"""Exercises of the chapter «nn.RNN, nn.LSTM y nn.GRU, lado a lado» (comparacion)."""

from __future__ import annotations

import warnings

import torch
from torch import nn

from ._registry import exercise

KINDS = (nn.RNN, nn.LSTM, nn.GRU)


def count(layer: nn.Module) -> int:
    """How many numbers a layer learns: the sizes of all its parameters, added."""
    return sum(p.numel() for p in layer.parameters())


@exercise("comparacion-dos-capas")
def counts_with_two_layers() -> tuple[int, int, int]:
    """The parameter counts of nn.RNN, nn.LSTM and nn.GRU(6, 3, num_layers=2), in that order."""
    return tuple(count(kind(6, 3, num_layers=2)) for kind in KINDS)


@exercise("comparacion-mismo-presupuesto")
def largest_states_within_budget() -> tuple[int, int]:
    """The largest hidden_size of an nn.LSTM(5, ·) and of an nn.GRU(5, ·) with no more numbers than nn.RNN(5, 16)."""
    budget = count(nn.RNN(5, 16))
    largest = []
    for kind in (nn.LSTM, nn.GRU):
        size = 1
        while count(kind(5, size + 1)) <= budget:
            size += 1
        largest.append(size)
    return tuple(largest)


@exercise("comparacion-estados")
def state_shapes() -> tuple:
    """The shapes of h_n of nn.GRU, and of h_n and c_n of nn.LSTM(proj_size=2), 2 bidirectional layers, batch 4."""
    x = torch.zeros(7, 4, 5)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "LSTM with projections")  # oneDNN falls back, see lstm
        _, h_gru = nn.GRU(5, 3, num_layers=2, bidirectional=True)(x)
        _, (h_lstm, c_lstm) = nn.LSTM(5, 3, num_layers=2, bidirectional=True, proj_size=2)(x)
    return tuple(h_gru.shape), tuple(h_lstm.shape), tuple(c_lstm.shape)
