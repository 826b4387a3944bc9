"""Full-batch training small enough to run while the site builds; the predictions chapter's task and model."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import _checks


def train(
    model: nn.Module,
    x: Tensor,
    y: Tensor,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    steps: int,
    lr: float,
) -> list[float]:
    """Train ``model`` on the whole batch ``(x, y)`` with Adam for ``steps`` steps; return each step's loss.

    The loss of step ``k`` is computed before that step's update, so the first one is the loss of
    the untrained model. Same model, data and ``lr``, same losses: there is no sampling. The
    model trains in training mode and is left in eval mode.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    x = _checks.tensor("x", x)
    y = _checks.tensor("y", y)
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a function of (prediction, target), got {type(loss_fn).__name__}")
    _checks.count("steps", steps)
    _checks.positive("lr", lr)
    parameters = [p for p in model.parameters() if p.requires_grad]
    if not parameters:
        total, name = sum(1 for _ in model.parameters()), type(model).__name__
        given = f"whose {total} parameters are all frozen (requires_grad=False)" if total else "without any"
        raise ValueError(f"model must have parameters to train, got a {name} {given}")
    optimizer = torch.optim.Adam(parameters, lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses


class ManyToOne(nn.Module):
    """An RNN on one feature and a linear head on its last state."""

    def __init__(self, hidden_size: int, classes: int):
        _checks.count("hidden_size", hidden_size)
        _checks.count("classes", classes)
        super().__init__()
        self.rnn = nn.RNN(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, classes)

    def forward(self, x: Tensor) -> Tensor:
        _, h_n = self.rnn(x)  # h_n: (1, N, hidden_size)
        return self.head(h_n[-1])  # (N, classes)


MAX_LENGTH = 20  # 2**20 sequences of 20 steps, about 80 MB as float32; each step more doubles it


def majority_sequences(length: int) -> tuple[Tensor, Tensor]:
    """Every sequence of ``length`` values ±1, ``(2**length, length, 1)``, and its class: 1 if it has more 1s."""
    _checks.count("length", length)
    if length > MAX_LENGTH:
        raise ValueError(f"length must be <= {MAX_LENGTH} (2**length sequences), got {length}")
    x = torch.tensor(list(itertools.product([-1.0, 1.0], repeat=length))).unsqueeze(-1)
    return x, (x.sum(dim=(1, 2)) > 0).long()


def train_many_to_one(
    x: Tensor, y: Tensor, hidden_size: int, classes: int, steps: int, lr: float, seed: int = 0
) -> tuple[ManyToOne, list[float]]:
    """Seed, build a :class:`ManyToOne` and :func:`train` it with cross entropy; return it and each step's loss.

    ``x`` is ``(N, L, 1)`` and ``y`` holds the ``N`` classes (int64). Calls with the same arguments
    give the same losses, bit for bit: the weights come from ``torch.manual_seed(seed)``, and
    training uses deterministic algorithms and one thread. The caller's random state, thread count
    and deterministic setting are restored afterwards.
    """
    x = _checks.floating("x", x)
    if x.dim() != 3 or x.shape[-1] != 1 or x.shape[0] == 0:
        raise ValueError(f"x must have shape (N, L, 1) with N >= 1, got {tuple(x.shape)}")
    y = _checks.tensor("y", y)
    if y.dtype != torch.int64:
        raise TypeError(f"y must hold classes as torch.int64, got dtype {y.dtype}")
    _checks.shape("y", y, (x.shape[0],), "one class per sequence of x")
    _checks.integer("seed", seed)
    if not ((y >= 0) & (y < _checks.count("classes", classes))).all():
        raise ValueError(f"y must hold classes in 0..{classes - 1}, got {y.min().item()}..{y.max().item()}")
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    try:
        with torch.random.fork_rng(devices=[]), torch.enable_grad():
            torch.manual_seed(seed)
            torch.use_deterministic_algorithms(True)
            torch.set_num_threads(1)
            model = ManyToOne(hidden_size, classes)
            return model, train(model, x, y, F.cross_entropy, steps=steps, lr=lr)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
