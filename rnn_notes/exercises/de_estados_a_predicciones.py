"""Exercises of the chapter «De estados a predicciones» (de-estados-a-predicciones)."""

from __future__ import annotations

import functools

import torch
from torch import Tensor, nn

from ..example import seed_rnn
from ..train import ManyToOne, majority_sequences, train_many_to_one
from ._registry import exercise


@functools.cache
def trained_model() -> ManyToOne:
    """The chapter's trained model, trained again with the page's settings (about a second)."""
    model, _ = train_many_to_one(*majority_sequences(5), hidden_size=4, classes=2, steps=80, lr=0.05)
    return model


@exercise("de-estados-a-predicciones-formas")
def head_shapes() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The shapes of a 4-class head on h_n[-1] and on output, for a batch of 6 sequences of 7 steps."""
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        output, h_n = seed_rnn()(torch.ones(6, 7, 5))
        head = nn.Linear(2, 4)
        return tuple(head(h_n[-1]).shape), tuple(head(output).shape)


@exercise("de-estados-a-predicciones-nueva-secuencia")
def scores_of_a_new_sequence() -> Tensor:
    """The trained model's two scores, shape (2,), for the 7-step sequence 1, 1, 1, -1, -1, -1, -1."""
    sequence = torch.tensor([1.0, 1.0, 1.0, -1.0, -1.0, -1.0, -1.0]).view(1, 7, 1)
    with torch.no_grad():
        return trained_model()(sequence)[0]


@exercise("de-estados-a-predicciones-siete-pasos")
def errors_on_seven_steps() -> int:
    """How many of the 128 sequences of 7 steps the trained model classifies wrongly."""
    x7, y7 = majority_sequences(7)
    with torch.no_grad():
        return int((trained_model()(x7).argmax(dim=1) != y7).sum())
