"""Unchecked tensor operations shared by the public functions (their callers check the arguments)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn


def affine(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    """Rows ``(..., in)`` to ``x W^T + b`` of shape ``(..., out)``, unchecked (the inner loop uses it)."""
    out = x @ w.T
    return out if b is None else out + b


def fixed(value: float, decimals: int) -> str:
    """``value`` with fixed ``decimals``, ``-0.0000`` shown as ``0.0000`` (tables and equations)."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def run_layers(
    module: nn.RNNBase, seq: Tensor, h0: Tensor, batched: bool,
    run_direction: Callable[[Tensor, Tensor, int, bool], tuple[Tensor, Tensor]],
) -> tuple[Tensor, Tensor]:
    """Every layer and direction of ``module`` over checked ``(seq, batch, input)`` and ``h0``; ``(output, h_n)``.

    ``run_direction(inputs, h, layer, reverse)`` returns one direction's states and last state;
    each layer reads the concatenated directions of the layer below, and the result is laid
    out as the module returns it (unbatched, or ``batch_first``).
    """
    directions = (False, True) if module.bidirectional else (False,)
    last_states = []
    for layer in range(module.num_layers):
        outputs = []
        for d, reverse in enumerate(directions):
            out, h_last = run_direction(seq, h0[layer * len(directions) + d], layer, reverse)
            outputs.append(out)
            last_states.append(h_last)
        seq = torch.cat(outputs, dim=-1)
    h_n = torch.stack(last_states)
    if not batched:
        return seq.squeeze(1), h_n.squeeze(1)
    return (seq.transpose(0, 1) if module.batch_first else seq), h_n
