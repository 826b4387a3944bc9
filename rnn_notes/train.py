"""A few steps of full-batch training, small enough to run while the site builds."""

from __future__ import annotations

from collections.abc import Callable

import torch
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
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not lr > 0:
        raise ValueError(f"lr must be a number > 0, got {lr!r}")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
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
