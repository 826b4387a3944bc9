"""Feed an ``nn.RNN`` a sequence in parts, carrying the state, as a live stream would arrive."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from . import _checks


def _one_direction(rnn: nn.RNN, what: str) -> None:
    """Refuse a bidirectional layer: its reverse direction needs the whole sequence first."""
    if rnn.bidirectional:
        raise ValueError(
            f"{what} needs a one-direction RNN (the reverse direction reads the sequence "
            "from its end), got bidirectional=True"
        )


def run_in_chunks(
    rnn: nn.RNN, x: Tensor, chunk_size: int, h0: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """``rnn(x, h0)`` computed ``chunk_size`` steps at a time, each call's ``h_n`` passed on as the next ``h0``."""
    rnn = _checks.rnn_module(rnn)
    _one_direction(rnn, "run_in_chunks")
    _checks.rnn_inputs(rnn, x, h0)  # the same checks as manual_rnn: x, its features, h0's shape and dtype
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int):
        raise TypeError(f"chunk_size must be an int, got {type(chunk_size).__name__}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    time = 1 if x.dim() == 3 and rnn.batch_first else 0
    outputs, h = [], h0
    for chunk in x.split(chunk_size, dim=time):
        out, h = rnn(chunk, h)
        outputs.append(out)
    return torch.cat(outputs, dim=time), h


def rnn_cell_from(rnn: nn.RNN) -> nn.RNNCell:
    """An ``nn.RNNCell`` holding a copy of the weights of a one-layer, one-direction ``rnn``."""
    rnn = _checks.rnn_module(rnn)
    _one_direction(rnn, "rnn_cell_from")
    if rnn.num_layers != 1:
        raise ValueError(f"rnn_cell_from needs num_layers=1, got num_layers={rnn.num_layers}")
    weight = rnn.weight_ih_l0
    cell = nn.RNNCell(
        rnn.input_size,
        rnn.hidden_size,
        bias=rnn.bias,
        nonlinearity=rnn.nonlinearity,
        device=weight.device,
        dtype=weight.dtype,
    )
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if rnn.bias else [])
    with torch.no_grad():
        for name in names:
            getattr(cell, name).copy_(getattr(rnn, name + "_l0"))
    return cell
