"""Feed an ``nn.RNN`` a sequence in parts, carrying the state, as a live stream would arrive."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from . import _checks, _layout


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
    """``rnn(x, h0)`` computed ``chunk_size`` steps at a time, each call's ``h_n`` passed on as the next ``h0``.

    Like ``manual_rnn``, it refuses a layer with dropout between layers in training mode: each
    call would draw its own random masks. Call ``rnn.eval()`` first.
    """
    rnn = _checks.rnn_module(rnn)
    _one_direction(rnn, "run_in_chunks")
    _checks.no_training_dropout(rnn)
    _checks.rnn_inputs(rnn, x, h0)  # the same checks as manual_rnn: x, its features, h0's shape and dtype
    _checks.count("chunk_size", chunk_size)
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
    with torch.no_grad():
        for target, source in zip((cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh),
                                  _layout.parameters(rnn, 0, False)):
            if source is not None:  # both biases are None with bias=False
                target.copy_(source)
    return cell
