"""Unchecked tensor operations shared by the public functions (their callers check the arguments)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from . import _layout


def affine(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    """Rows ``(..., in)`` to ``x W^T + b`` of shape ``(..., out)``, unchecked (the inner loop uses it)."""
    out = x @ w.T
    return out if b is None else out + b


def fixed(value: float, decimals: int) -> str:
    """``value`` with fixed ``decimals``, ``-0.0000`` shown as ``0.0000`` (tables and equations)."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def time_steps(length: int, reverse: bool) -> range:
    """The time indices ``0..length-1`` in the order a direction reads them (last first if ``reverse``)."""
    return range(length - 1, -1, -1) if reverse else range(length)


def stack_layers(
    module: nn.RNNBase, seq: Tensor, states: tuple[Tensor, ...], run: Callable[..., tuple[Tensor, ...]],
    num_layers: int | None = None,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """The first ``num_layers`` layers (all by default) of ``module``, each direction by ``run``.

    ``seq`` is ``(seq, batch, input)``; ``states`` holds the initial states stacked like ``h0``
    (``(h0,)``, or ``(h0, c0)`` for an LSTM). ``run(inputs, *state, layer, reverse)`` returns
    ``(out, *last_state)``; each layer reads the one below, both directions concatenated
    (forward first). Returns the top output and the last states, stacked like ``h_n``.
    """
    last = []
    for layer in range(module.num_layers if num_layers is None else num_layers):
        outputs = []
        for reverse in _layout.directions(module):
            index = _layout.state_index(module, layer, reverse)
            out, *final = run(seq, *(state[index] for state in states), layer, reverse)
            outputs.append(out)
            last.append(final)
        seq = torch.cat(outputs, dim=-1)
    if not last:
        return seq, tuple(state[:0] for state in states)
    return seq, tuple(torch.stack(column) for column in zip(*last))


def as_called(
    module: nn.RNNBase, seq: Tensor, states: tuple[Tensor, ...], batched: bool
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """``seq`` ``(seq, batch, features)`` and ``states`` laid out as the module returns them."""
    if not batched:
        return seq.squeeze(1), tuple(state.squeeze(1) for state in states)
    return (seq.transpose(0, 1) if module.batch_first else seq), states


def time_first(
    module: nn.RNNBase, seq: Tensor, states: tuple[Tensor, ...], batched: bool
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """The inverse of :func:`as_called`: ``seq`` and ``states`` from the caller's layout to ``(seq, batch, ...)``."""
    if not batched:
        return seq.unsqueeze(1), tuple(state.unsqueeze(1) for state in states)
    return (seq.transpose(0, 1) if module.batch_first else seq), states
