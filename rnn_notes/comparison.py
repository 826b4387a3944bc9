"""nn.RNN, nn.LSTM and nn.GRU side by side, read from real modules of the same sizes."""

from __future__ import annotations

import torch
from torch import nn

from . import _checks

# The blocks PyTorch stacks in every weight and bias, in its order (nn.RNN has one block, no gate).
GATES = {nn.RNN: (), nn.LSTM: ("i", "f", "g", "o"), nn.GRU: ("r", "z", "n")}


def _state(module: nn.RNNBase, input_size: int) -> str:
    """The state a call returns besides ``output``, with its shapes, e.g. ``h_n (1, 1, 2), c_n (1, 1, 2)``."""
    with torch.no_grad():
        _, state = module(torch.zeros(1, 1, input_size))
    names = ("h_n", "c_n") if isinstance(state, tuple) else ("h_n",)
    tensors = state if isinstance(state, tuple) else (state,)
    return ", ".join(f"`{n}` {tuple(t.shape)}" for n, t in zip(names, tensors))


def layer_comparison(input_size: int, hidden_size: int) -> list[dict[str, str]]:
    """Rows of Spanish text comparing one layer of nn.RNN, nn.LSTM and nn.GRU built with these sizes.

    Every entry is read from a module: the shapes of its parameters, how many numbers one layer
    learns, the blocks stacked in each weight (its gates) and the state a call returns.
    """
    input_size = _checks.count("input_size", input_size)
    hidden_size = _checks.count("hidden_size", hidden_size)
    modules = {kind.__name__: kind(input_size, hidden_size) for kind in GATES}
    columns = {}
    for (name, module), gates in zip(modules.items(), GATES.values()):
        blocks = module.weight_ih_l0.shape[0] // hidden_size
        assert blocks == max(len(gates), 1), f"{name} stacks {blocks} blocks, expected {gates}"
        params = dict(module.named_parameters())
        columns[f"`nn.{name}`"] = {
            "puertas": ", ".join(f"${g}$" for g in gates) or "ninguna",
            "bloques apilados": str(blocks),
            **{f"`{p}`": str(tuple(t.shape)) for p, t in params.items()},
            "números por capa": str(sum(t.numel() for t in params.values())),
            "estado": _state(module, input_size),
        }
    first = next(iter(columns.values()))
    return [{"": what, **{name: column[what] for name, column in columns.items()}} for what in first]
