"""The unchecked Elman loop of ``nn.RNN``: its parameters, one direction, and the layers stacked.

``manual_rnn`` (``layer.py``) and the packed path (``packed.py``) both run on it; their callers
check the arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import _layout
from ._ops import stack_layers, time_steps

ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}


@dataclass(frozen=True)
class Weights:
    """The four parameters of one layer and direction, as PyTorch stores them."""

    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor | None
    b_hh: Tensor | None


def weights_of(rnn: nn.RNN, layer: int, reverse: bool) -> Weights:
    """The parameters of ``layer`` (reverse direction if ``reverse``), unchecked."""
    return Weights(*_layout.parameters(rnn, layer, reverse))


def run_direction(
    inputs: Tensor, h: Tensor, weights: Weights, act: Callable[[Tensor], Tensor], reverse: bool
) -> tuple[Tensor, Tensor]:
    """One layer, one direction over ``(seq, batch, input)``; return the states and the last one.

    Same operations in the same order as the layer on the CPU: ``F.linear`` (``x W^T + b``)
    projects every step's input in one product, then each step adds ``F.linear(h, W_hh, b_hh)``.
    """
    projected = F.linear(inputs, weights.w_ih, weights.b_ih)  # (seq*batch, input) x (input, hidden)
    states = [None] * inputs.shape[0]
    for t in time_steps(inputs.shape[0], reverse):
        h = act(F.linear(h, weights.w_hh, weights.b_hh) + projected[t])
        states[t] = h
    return torch.stack(states), h


def run_layers(
    rnn: nn.RNN, seq: Tensor, h0: Tensor, run: Callable[..., tuple[Tensor, Tensor]], num_layers: int | None = None
) -> tuple[Tensor, Tensor]:
    """The first ``num_layers`` layers (all by default), each direction by ``run``; the top output and the last states.

    ``run(inputs, h, weights, act, reverse)`` is :func:`run_direction` or its packed
    counterpart; each layer reads the one below, both directions concatenated (forward first).
    """
    act = ACTIVATIONS[rnn.nonlinearity]

    def direction(inputs: Tensor, h: Tensor, layer: int, reverse: bool) -> tuple[Tensor, Tensor]:
        return run(inputs, h, weights_of(rnn, layer, reverse), act, reverse)

    seq, (h_n,) = stack_layers(rnn, seq, (h0,), direction, num_layers)
    return seq, h_n
