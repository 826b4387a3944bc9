"""Exercises of the chapter «Paso a paso: procesar una secuencia por partes» (streaming)."""

from __future__ import annotations

import torch
from torch import Tensor

from ..example import seed_rnn
from ._registry import exercise
from .bucle import five_steps


@exercise("streaming-trozos-desiguales")
def output_of_five_steps() -> Tensor:
    """output, shape (1, 5, 2), of the seed layer on five steps whose features are 1..5, in one call."""
    with torch.no_grad():
        output, _ = seed_rnn()(five_steps().unsqueeze(0))
    return output


@exercise("streaming-estado-olvidado")
def step_most_changed_by_forgetting() -> int:
    """The step t (from 1) where forgetting the state between chunks of 1 and 4 steps changes h_t most."""
    rnn, x = seed_rnn(), five_steps().unsqueeze(0)
    with torch.no_grad():
        output, _ = rnn(x)
        forgetful = torch.cat([rnn(chunk)[0] for chunk in x.split([1, 4], dim=1)], dim=1)
    change = (forgetful - output).abs().amax(dim=2)[0]
    return int(change.argmax()) + 1
