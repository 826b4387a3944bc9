"""Exercises of the chapter «Secuencias de distinta longitud» (secuencias-de-distinta-longitud)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_sequence

from ..example import seed_rnn, seed_sequence
from ._registry import exercise


def four_sequences() -> list[Tensor]:
    """The exercises' batch: four sequences of 2, 5, 1 and 4 steps built from the seed sequence."""
    x_seq = seed_sequence()
    return [x_seq[:2], torch.cat([x_seq, -x_seq[:2]]), -x_seq[:1], torch.cat([x_seq, x_seq[:1]])]


def packed_four() -> PackedSequence:
    """The four sequences padded and packed in the batch's order (``enforce_sorted=False``)."""
    sequences = four_sequences()
    lengths = torch.tensor([len(s) for s in sequences])
    padded = pad_sequence(sequences, batch_first=True)
    return pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)


@exercise("secuencias-de-distinta-longitud-ordenar")
def sizes_and_order() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """batch_sizes and sorted_indices of the four sequences packed with enforce_sorted=False."""
    packed = packed_four()
    return tuple(packed.batch_sizes.tolist()), tuple(packed.sorted_indices.tolist())


@exercise("secuencias-de-distinta-longitud-ultimo-real")
def last_real_states() -> Tensor:
    """The last real state of each of the four sequences, shape (4, 2): h_n of the packed batch."""
    with torch.no_grad():
        _, h_n = seed_rnn()(packed_four())
    return h_n[0]


@exercise("secuencias-de-distinta-longitud-relleno")
def state_after_padding() -> Tensor:
    """h_n, shape (2,), of the one-step sequence when the four are padded but not packed."""
    with torch.no_grad():
        _, h_n = seed_rnn()(pad_sequence(four_sequences(), batch_first=True))
    return h_n[0, 2]
