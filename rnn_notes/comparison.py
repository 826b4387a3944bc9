"""nn.RNN, nn.LSTM and nn.GRU side by side, read from real modules of the same sizes.

The facts only; ``display.layer_comparison`` writes them as the site's Spanish table.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import _checks
from ._layout import GATES


@dataclass(frozen=True)
class LayerSummary:
    """One layer of one kind, read from a module: its gates, the blocks each weight stacks, its
    parameters' shapes (``named_parameters`` order), how many numbers it learns and the shapes of
    the state a call returns (``h_n``, and ``c_n`` for an LSTM)."""

    kind: type[nn.RNNBase]
    gates: tuple[str, ...]
    blocks: int
    shapes: dict[str, tuple[int, ...]]
    numel: int
    state: dict[str, tuple[int, ...]]


def _state(module: nn.RNNBase, input_size: int) -> dict[str, tuple[int, ...]]:
    """The shapes of the state a call returns besides ``output``, e.g. ``{"h_n": (1, 1, 2), "c_n": (1, 1, 2)}``."""
    with torch.no_grad():
        _, state = module(torch.zeros(1, 1, input_size))
    names = ("h_n", "c_n") if isinstance(state, tuple) else ("h_n",)
    tensors = state if isinstance(state, tuple) else (state,)
    return {name: tuple(t.shape) for name, t in zip(names, tensors)}


def layer_summaries(input_size: int, hidden_size: int) -> list[LayerSummary]:
    """One ``LayerSummary`` each for nn.RNN, nn.LSTM and nn.GRU built with these sizes, in that order."""
    input_size = _checks.count("input_size", input_size)
    hidden_size = _checks.count("hidden_size", hidden_size)
    summaries = []
    for kind, gates in GATES.items():
        module = kind(input_size, hidden_size)
        blocks = module.weight_ih_l0.shape[0] // hidden_size
        assert blocks == max(len(gates), 1), f"{kind.__name__} stacks {blocks} blocks, expected {gates}"
        params = dict(module.named_parameters())
        summaries.append(LayerSummary(
            kind, gates, blocks, {name: tuple(p.shape) for name, p in params.items()},
            sum(p.numel() for p in params.values()), _state(module, input_size),
        ))
    return summaries
