"""Small helpers shared by the test files (import as ``from helpers import ...``; tests/ is on pytest's pythonpath)."""

from pathlib import Path

import torch
from packaging.requirements import Requirement
from torch import nn

ROOT = Path(__file__).resolve().parents[1]


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


def locked_version(package: str) -> str:
    """The version the lock (requirements.txt) pins ``package`` to."""
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [Requirement(line) for line in lines if line and not line.startswith((" ", "#", "-"))]
    (version,) = [str(pin.specifier).removeprefix("==") for pin in pins if pin.name == package]
    return version
