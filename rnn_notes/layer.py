"""A whole ``nn.RNN`` recomputed with plain tensor operations."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from . import _checks, _layout
from ._core import ACTIVATIONS, Weights, run_direction, run_layers, weights_of
from ._ops import affine, as_called, time_steps
from .packed import packed_rnn


def layer_weights(rnn: nn.RNN, layer: int = 0, reverse: bool = False) -> Weights:
    """The parameters of ``layer`` (and the reverse direction if ``reverse``)."""
    rnn = _checks.rnn_module(rnn)
    _checks.layer_index(rnn, layer, reverse)
    return weights_of(rnn, layer, reverse)


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
        h = h0[_layout.state_index(rnn, layer, reverse), 0]
        for index in time_steps(seq.shape[0], reverse):
            x_t = inputs[index, 0]
            a = affine(x_t, weights.w_ih, weights.b_ih)
            r = affine(h, weights.w_hh, weights.b_hh)
            trace.append(StepTrace(index + 1, x_t, a, h, r, a + r, act(a + r)))
            h = trace[-1].h
    return trace
