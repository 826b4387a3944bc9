"""Small helpers shared by the test files (import as ``from helpers import ...``; tests/ is on pytest's pythonpath)."""

import torch
from torch import nn


def grads(outputs, weights, inputs):
    """Gradients of a fixed random projection of ``outputs`` with respect to ``inputs``."""
    loss = sum((o * w).sum() for o, w in zip(outputs, weights))
    return torch.autograd.grad(loss, inputs)


def make_rnn(input_size: int, hidden_size: int, seed: int = 0, **kwargs) -> nn.RNN:
    """A seeded ``nn.RNN`` with ``batch_first=True``, like the site's layers."""
    torch.manual_seed(seed)
    return nn.RNN(input_size, hidden_size, batch_first=True, **kwargs)


def texts(drawn) -> list[str]:
    """Every text artist of a figure: the axes' texts and annotations, and the legend's labels."""
    found = []
    for ax in drawn.figure.axes:
        found += [t.get_text() for t in ax.texts]
        if ax.get_legend():
            found += [t.get_text() for t in ax.get_legend().get_texts()]
    return found
