"""Exercises of the chapter «De estados a predicciones» (de-estados-a-predicciones)."""

from __future__ import annotations

import functools
import itertools

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..example import seed_rnn
from ..train import train
from ._registry import exercise


class ManyToOne(nn.Module):
    """The chapter's model: an RNN on one feature and a linear head on its last state."""

    def __init__(self, hidden_size: int, classes: int):
        super().__init__()
        self.rnn = nn.RNN(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, classes)

    def forward(self, x: Tensor) -> Tensor:
        _, h_n = self.rnn(x)
        return self.head(h_n[-1])


def all_sequences(steps: int) -> tuple[Tensor, Tensor]:
    """Every sequence of ``steps`` values ±1, shape (2**steps, steps, 1), and its majority class."""
    x = torch.tensor(list(itertools.product([-1.0, 1.0], repeat=steps))).unsqueeze(-1)
    return x, (x.sum(dim=(1, 2)) > 0).long()


@functools.cache
def trained_model() -> ManyToOne:
    """The chapter's trained model, trained again exactly as the page does (about a second)."""
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    try:
        with torch.random.fork_rng(devices=[]), torch.enable_grad():
            torch.manual_seed(0)
            torch.use_deterministic_algorithms(True)
            torch.set_num_threads(1)
            model = ManyToOne(hidden_size=4, classes=2)
            train(model, *all_sequences(5), F.cross_entropy, steps=80, lr=0.05)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)
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
    x7, y7 = all_sequences(7)
    with torch.no_grad():
        return int((trained_model()(x7).argmax(dim=1) != y7).sum())
