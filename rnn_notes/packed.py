"""``nn.RNN`` on a ``PackedSequence`` (sequences of different lengths), recomputed by hand.

A packed batch stores its steps time-major without padding: ``data`` holds the
``batch_sizes[0]`` first steps of the sequences, then the ``batch_sizes[1]`` second steps, and so
on, the sequences sorted longest first (``sorted_indices`` says which sequence of the caller's
batch each row is). At step t only the first ``batch_sizes[t]`` sequences are still running.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from . import _checks
from ._core import Weights, run_layers
from ._ops import time_steps


def _packed_input(rnn: nn.RNN, packed: PackedSequence) -> list[int]:
    """Check ``packed`` for ``rnn``; return its batch sizes as ints."""
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    data = _checks.floating("the PackedSequence's data", data)
    _checks.same_dtype("the layer's weights", rnn.weight_ih_l0.dtype, data=data)
    if data.dim() != 2:
        raise ValueError(
            f"a PackedSequence's data must be 2-D (total steps, features), got shape {tuple(data.shape)}"
        )
    if data.shape[1] != rnn.input_size:
        raise ValueError(
            f"the PackedSequence's data has {data.shape[1]} features, but the layer expects "
            f"input_size={rnn.input_size}"
        )
    sizes = _checks.tensor("batch_sizes", batch_sizes).tolist()
    if not sizes or sizes[-1] < 1 or any(a < b for a, b in zip(sizes, sizes[1:])):
        raise ValueError(
            f"batch_sizes must be a non-empty, non-increasing list of positive counts, got {sizes}"
        )
    if sum(sizes) != data.shape[0]:
        raise ValueError(
            f"the lengths do not match the data: batch_sizes {sizes} add up to {sum(sizes)} steps, "
            f"but data has {data.shape[0]} rows"
        )
    for name, index in (("sorted_indices", sorted_indices), ("unsorted_indices", unsorted_indices)):
        if index is not None and sorted(index.tolist()) != list(range(sizes[0])):
            raise ValueError(
                f"{name} must be a permutation of 0..{sizes[0] - 1} (the batch of {sizes[0]}), "
                f"got {index.tolist()}"
            )
    return sizes


def _packed_h0(rnn: nn.RNN, h0: object, data: Tensor, batch: int, sorted_indices: Tensor | None) -> Tensor:
    """``h0`` checked for a packed batch of ``batch`` sequences, rows put in the packed (sorted) order."""
    h0 = _checks.initial_state("h0", h0, rnn, data, batch, rnn.hidden_size, "hidden_size",
                               f"the packed batch of {batch} sequences")
    return h0 if sorted_indices is None else h0.index_select(1, sorted_indices)


def run_packed_direction(
    data: Tensor, h: Tensor, weights: Weights, act: Callable[[Tensor], Tensor], reverse: bool,
    *, sizes: list[int],
) -> tuple[Tensor, Tensor]:
    """One layer, one direction over packed ``data``; return the packed states and each sequence's last.

    ``h`` is ``(batch_sizes[0], hidden)``. Forward, the step at index ``i`` (step t = i + 1)
    updates the first ``sizes[i]`` rows, and sequences that have ended keep their last state.
    Reverse, the steps run t = T..1 and each sequence joins, with its row of ``h``, at its own
    last step.
    """
    projected = F.linear(data, weights.w_ih, weights.b_ih)  # every step's input in one product
    starts = [0]
    for n in sizes[:-1]:
        starts.append(starts[-1] + n)
    states: list[Tensor | None] = [None] * len(sizes)
    if reverse:
        h0, h = h, h[:sizes[-1]]
        for t in time_steps(len(sizes), reverse=True):
            if sizes[t] > h.shape[0]:  # longer sequences start here, at their own last step
                h = torch.cat([h, h0[h.shape[0]:sizes[t]]])
            h = act(F.linear(h, weights.w_hh, weights.b_hh) + projected[starts[t]:starts[t] + sizes[t]])
            states[t] = h
        return torch.cat(states), h
    ended = []  # the last states of sequences that have finished, shortest (highest rows) first
    for t, n in enumerate(sizes):
        if n < h.shape[0]:
            ended.append(h[n:])
            h = h[:n]
        h = act(F.linear(h, weights.w_hh, weights.b_hh) + projected[starts[t]:starts[t] + n])
        states[t] = h
    return torch.cat(states), torch.cat([h, *reversed(ended)])


def packed_rnn(rnn: nn.RNN, packed: PackedSequence, h0: Tensor | None = None) -> tuple[PackedSequence, Tensor]:
    """``rnn(packed, h0)`` by hand: a ``PackedSequence`` like the layer's and ``h_n`` in the caller's order.

    ``h0`` is ``(num_layers * num_directions, batch, hidden)`` in the caller's order, as for the
    layer; ``batch_first`` plays no part (packed data is always time-major). ``h_n`` holds each
    sequence's state after its last real step (for the reverse direction, after step 1).
    """
    rnn = _checks.rnn_module(rnn)
    _checks.no_training_dropout(rnn)
    sizes = _packed_input(rnn, packed)
    h0 = _packed_h0(rnn, h0, packed.data, sizes[0], packed.sorted_indices)
    data, h_n = run_layers(rnn, packed.data, h0, partial(run_packed_direction, sizes=sizes))
    if packed.unsorted_indices is not None:
        h_n = h_n.index_select(1, packed.unsorted_indices)
    return PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices), h_n
