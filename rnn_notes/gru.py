"""A whole ``nn.GRU`` recomputed with plain tensor operations, and its stacked weights split by gate."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import _checks, _layout
from ._ops import as_called, stack_layers, time_steps

GRU_GATES = _layout.GATES[nn.GRU]  # r, z, n: the order PyTorch stacks them in (rnn_notes.figures reads it)


@dataclass(frozen=True)
class GRUGates:
    """One layer and direction of an ``nn.GRU``, its stacked parameters split in PyTorch's r, z, n order.

    Each ``W_i*`` is ``(hidden, input)``, each ``W_h*`` is ``(hidden, hidden)``, each bias
    ``(hidden,)`` or ``None`` when the layer has ``bias=False``. They are views of the layer's
    parameters, so gradients flow back to them.
    """

    W_ir: Tensor
    W_iz: Tensor
    W_in: Tensor
    W_hr: Tensor
    W_hz: Tensor
    W_hn: Tensor
    b_ir: Tensor | None
    b_iz: Tensor | None
    b_in: Tensor | None
    b_hr: Tensor | None
    b_hz: Tensor | None
    b_hn: Tensor | None


def gru_gates(gru: nn.GRU, layer: int = 0, reverse: bool = False) -> GRUGates:
    """The weights and biases of ``layer`` split into the r, z, n blocks PyTorch stacks in them."""
    gru = _checks.module_of(gru, nn.GRU)
    _checks.layer_index(gru, layer, reverse)
    return GRUGates(*_layout.gate_parameters(gru, layer, reverse))


def _run_direction(inputs: Tensor, h: Tensor, params: tuple, reverse: bool) -> tuple[Tensor, Tensor]:
    """One GRU layer, one direction over ``(seq, batch, input)``; return the states and the last one.

    The layer's operations on the CPU in its order, for the same bits: one ``F.linear`` projects
    every step's input (the three gates stacked), then each step projects ``h``; the sigmoids
    read the r and z blocks in place in the stacked sum (as the layer's in-place ``sigmoid_``
    does: a different memory layout can round the last bit differently), and
    ``(h - n) * z + n`` is ``(1 - z) * n + z * h`` written as the layer computes it.
    """
    w_ih, w_hh, b_ih, b_hh = params
    hidden = w_hh.shape[1]
    projected = F.linear(inputs, w_ih, b_ih)
    states = [None] * inputs.shape[0]
    for t in time_steps(inputs.shape[0], reverse):
        from_state = F.linear(h, w_hh, b_hh)
        both = from_state + projected[t]
        r = torch.sigmoid(both[..., :hidden])
        z = torch.sigmoid(both[..., hidden:2 * hidden])
        n = torch.tanh(projected[t][..., 2 * hidden:] + from_state[..., 2 * hidden:] * r)
        h = (h - n) * z + n
        states[t] = h
    return torch.stack(states), h


def manual_gru(gru: nn.GRU, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Same call, same ``(output, h_n)`` as ``gru(x, h0)``, from ``F.linear``, sigmoid, tanh and arithmetic.

    Per step, with rows: ``r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)``, ``z`` likewise,
    ``n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))`` and ``h' = (1 − z) ⊙ n + z ⊙ h``.
    ``x`` is ``(seq, input)``, ``(seq, batch, input)`` or, with ``batch_first``,
    ``(batch, seq, input)``. A GRU with ``dropout > 0``, several layers and in training mode
    raises ``ValueError`` (its random masks cannot be matched); call ``gru.eval()`` first.
    """
    gru = _checks.module_of(gru, nn.GRU)
    _checks.no_training_dropout(gru)
    seq, h0, batched = _checks.rnn_inputs(gru, x, h0)

    def direction(inputs: Tensor, h: Tensor, layer: int, reverse: bool) -> tuple[Tensor, Tensor]:
        return _run_direction(inputs, h, _layout.parameters(gru, layer, reverse), reverse)

    seq, states = stack_layers(gru, seq, (h0,), direction)
    output, (h_n,) = as_called(gru, seq, states, batched)
    return output, h_n
