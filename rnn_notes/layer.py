"""A whole ``nn.RNN`` recomputed with plain tensor operations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from . import _checks
from ._ops import affine, as_called, stack_layers
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
    _checks.layer_index(rnn, layer, reverse)
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


def run_layers(
    rnn: nn.RNN, seq: Tensor, h0: Tensor, run: Callable[..., tuple[Tensor, Tensor]], num_layers: int | None = None
) -> tuple[Tensor, Tensor]:
    """The first ``num_layers`` layers (all by default), each direction by ``run``; the top output and the last states.

    ``run(inputs, h, weights, act, reverse)`` is :func:`run_direction` or its packed
    counterpart; each layer reads the one below, both directions concatenated (forward first).
    """
    act = ACTIVATIONS[rnn.nonlinearity]

    def direction(inputs: Tensor, h: Tensor, layer: int, reverse: bool) -> tuple[Tensor, Tensor]:
        return run(inputs, h, _weights(rnn, layer, reverse), act, reverse)

    seq, (h_n,) = stack_layers(rnn, seq, (h0,), direction, num_layers)
    return seq, h_n


def manual_rnn(
    rnn: nn.RNN, x: Tensor | PackedSequence, h0: Tensor | None = None
) -> tuple[Tensor | PackedSequence, Tensor]:
    """Same call, same ``(output, h_n)`` as ``rnn(x, h0)``, from ``F.linear``, add and tanh/relu.

    ``x`` is ``(seq, input)``, ``(seq, batch, input)`` or, with ``batch_first``,
    ``(batch, seq, input)``; or a ``PackedSequence``, and then ``output`` is a
    ``PackedSequence`` like the layer's and ``h_n`` holds each sequence's state after its last
    real step, in the caller's order (see ``rnn_notes.packed``). Dropout between layers draws random masks, so an RNN with
    ``dropout > 0``, several layers and in training mode raises ``ValueError``; call
    ``rnn.eval()`` first.
    """
    if isinstance(x, PackedSequence):
        from .packed import packed_rnn  # packed.py builds on this module

        return packed_rnn(rnn, x, h0)
    rnn = _checks.rnn_module(rnn)
    _checks.no_training_dropout(rnn)
    seq, h0, batched = _checks.rnn_inputs(rnn, x, h0)
    seq, h_n = run_layers(rnn, seq, h0, run_direction)
    output, (h_n,) = as_called(rnn, seq, (h_n,), batched)
    return output, h_n


@dataclass(frozen=True)
class StepTrace:
    """Step ``t`` (1..T) of one layer and direction on one sequence; ``h_prev`` is the state it reads.

    Forward, ``h_prev`` is h_{t-1} (h_0 is the initial state); in the reverse direction it is
    the reverse state after step t + 1 (the initial state at t = T). ``x`` is ``(input,)``, the
    rest ``(hidden,)``.
    """

    t: int
    x: Tensor
    input_term: Tensor
    h_prev: Tensor
    recurrent_term: Tensor
    pre_activation: Tensor
    h: Tensor


def trace_rnn(
    rnn: nn.RNN, x: Tensor, h0: Tensor | None = None, layer: int = 0, reverse: bool = False
) -> list[StepTrace]:
    """Every intermediate of one layer and direction of ``rnn`` on a single sequence.

    The list is in the order the steps are computed: t = 1..T, or t = T..1 with
    ``reverse=True``; ``StepTrace.t`` is always the step's position in the sequence, so
    ``trace[0].t`` is T in the reverse direction. For ``layer > 0`` the input x_t is the
    output of the layer below at step t (both directions concatenated, forward first), computed
    by the same loop as ``manual_rnn``. Each step projects its own input (a vector-matrix
    product), as one does by hand; the layer projects all steps in one product, so the last
    bit of a result may differ.
    """
    weights = layer_weights(rnn, layer, reverse)
    if layer > 0:
        _checks.no_training_dropout(rnn)  # the layers below feed it
    seq, h0, _ = _checks.rnn_inputs(rnn, x, h0)
    if seq.shape[1] != 1:
        raise ValueError(f"trace_rnn follows a single sequence (batch of 1), got a batch of {seq.shape[1]}")
    act = ACTIVATIONS[rnn.nonlinearity]
    trace = []
    with torch.no_grad():
        inputs, _ = run_layers(rnn, seq, h0, run_direction, num_layers=layer)
        h = h0[layer * (2 if rnn.bidirectional else 1) + int(reverse), 0]
        steps = range(seq.shape[0], 0, -1) if reverse else range(1, seq.shape[0] + 1)
        for t in steps:
            x_t = inputs[t - 1, 0]
            a = affine(x_t, weights.w_ih, weights.b_ih)
            r = affine(h, weights.w_hh, weights.b_hh)
            trace.append(StepTrace(t, x_t, a, h, r, a + r, act(a + r)))
            h = trace[-1].h
    return trace
