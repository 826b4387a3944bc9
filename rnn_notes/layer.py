"""A whole ``nn.RNN`` recomputed with plain tensor operations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import _checks
from ._ops import affine, run_layers
from .step import ACTIVATIONS


@dataclass(frozen=True)
class Weights:
    """The four parameters of one layer and direction, as PyTorch stores them."""

    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor | None
    b_hh: Tensor | None


def layer_weights(rnn: nn.RNN, layer: int = 0, reverse: bool = False) -> Weights:
    """The parameters of ``layer`` (and the reverse direction if ``reverse``)."""
    rnn = _checks.rnn_module(rnn)
    if not isinstance(layer, int) or isinstance(layer, bool):
        raise TypeError(f"layer must be an int, got {type(layer).__name__}")
    if not 0 <= layer < rnn.num_layers:
        raise ValueError(f"layer must be in 0..{rnn.num_layers - 1}, got {layer}")
    if reverse and not rnn.bidirectional:
        raise ValueError("reverse=True needs a bidirectional RNN, got bidirectional=False")
    return _weights(rnn, layer, reverse)


def _weights(rnn: nn.RNN, layer: int, reverse: bool) -> Weights:
    """``layer_weights`` without its checks, for callers that checked ``rnn`` once already."""
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    return Weights(
        getattr(rnn, "weight_ih" + suffix),
        getattr(rnn, "weight_hh" + suffix),
        getattr(rnn, "bias_ih" + suffix) if rnn.bias else None,
        getattr(rnn, "bias_hh" + suffix) if rnn.bias else None,
    )


def run_direction(
    inputs: Tensor, h: Tensor, weights: Weights, act: Callable[[Tensor], Tensor], reverse: bool
) -> tuple[Tensor, Tensor]:
    """One layer, one direction over ``(seq, batch, input)``; return the states and the last one.

    Same operations in the same order as the layer on the CPU: ``F.linear`` (``x W^T + b``)
    projects every step's input in one product, then each step adds ``F.linear(h, W_hh, b_hh)``.
    """
    projected = F.linear(inputs, weights.w_ih, weights.b_ih)  # (seq*batch, input) x (input, hidden)
    steps = range(inputs.shape[0] - 1, -1, -1) if reverse else range(inputs.shape[0])
    states = [None] * inputs.shape[0]
    for t in steps:
        h = act(F.linear(h, weights.w_hh, weights.b_hh) + projected[t])
        states[t] = h
    return torch.stack(states), h


def manual_rnn(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Same call, same ``(output, h_n)`` as ``rnn(x, h0)``, from ``F.linear``, add and tanh/relu.

    ``x`` is ``(seq, input)``, ``(seq, batch, input)`` or, with ``batch_first``,
    ``(batch, seq, input)``. Dropout between layers draws random masks, so an RNN with
    ``dropout > 0``, several layers and in training mode raises ``ValueError``; call
    ``rnn.eval()`` first.
    """
    rnn = _checks.rnn_module(rnn)
    _checks.no_training_dropout(rnn)
    seq, h0, batched = _checks.rnn_inputs(rnn, x, h0)
    act = ACTIVATIONS[rnn.nonlinearity]

    def direction(inputs: Tensor, h: Tensor, layer: int, reverse: bool) -> tuple[Tensor, Tensor]:
        return run_direction(inputs, h, _weights(rnn, layer, reverse), act, reverse)

    return run_layers(rnn, seq, h0, batched, direction)


@dataclass(frozen=True)
class StepTrace:
    """Step ``t`` (1..T) of a one-layer RNN on one sequence: ``h_prev`` is h_{t-1} (h_0 is ``h0``).

    ``x`` is ``(input,)``, the rest ``(hidden,)``.
    """

    t: int
    x: Tensor
    input_term: Tensor
    h_prev: Tensor
    recurrent_term: Tensor
    pre_activation: Tensor
    h: Tensor


def trace_rnn(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None) -> list[StepTrace]:
    """Every intermediate of a one-layer, one-direction RNN on a single sequence, steps t = 1..T.

    Each step projects its own input (a vector-matrix product), as one does by hand; the
    layer projects all steps in one product, so the last bit of a result may differ.
    """
    rnn = _checks.rnn_module(rnn)
    if rnn.num_layers != 1 or rnn.bidirectional:
        raise ValueError(
            "trace_rnn follows one layer in one direction (num_layers=1, bidirectional=False), "
            f"got num_layers={rnn.num_layers}, bidirectional={rnn.bidirectional}"
        )
    seq, h0, _ = _checks.rnn_inputs(rnn, x, h0)
    if seq.shape[1] != 1:
        raise ValueError(f"trace_rnn follows a single sequence (batch of 1), got a batch of {seq.shape[1]}")
    weights = _weights(rnn, 0, False)
    act = ACTIVATIONS[rnn.nonlinearity]
    trace = []
    with torch.no_grad():
        h = h0[0, 0]
        for t, x_t in enumerate(seq[:, 0], start=1):
            a = affine(x_t, weights.w_ih, weights.b_ih)
            r = affine(h, weights.w_hh, weights.b_hh)
            trace.append(StepTrace(t, x_t, a, h, r, a + r, act(a + r)))
            h = trace[-1].h
    return trace
