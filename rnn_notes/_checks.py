"""Argument checks shared by the public functions: fail early, say what was expected."""

from __future__ import annotations

import math
from numbers import Real

import torch
from torch import Tensor, nn

from . import _layout
from ._ops import time_first


def tensor(name: str, value: object) -> Tensor:
    """Return ``value`` if it is a tensor, else raise ``TypeError``."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    return value


def floating(name: str, value: object) -> Tensor:
    """Return ``value`` if it is a floating-point tensor."""
    value = tensor(name, value)
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    return value


def shape(name: str, value: Tensor, expected: tuple[int, ...], hint: str = "") -> None:
    """Raise ``ValueError`` unless ``value.shape == expected``."""
    if tuple(value.shape) != tuple(expected):
        extra = f" ({hint})" if hint else ""
        raise ValueError(
            f"{name} must have shape {tuple(expected)}{extra}, got {tuple(value.shape)}"
        )


def column(name: str, value: Tensor, size: int, what: str) -> None:
    """Raise ``ValueError`` unless ``value`` is a ``(size, 1)`` column; a row gets its own message."""
    if value.dim() == 2 and value.shape == (1, size) and size != 1:
        raise ValueError(
            f"{name} must be a column of shape ({size}, 1), got a row of shape (1, {size}); "
            f"use {name}.T"
        )
    shape(name, value, (size, 1), f"a column: {what}, 1")


def same_dtype(reference: str, dtype: torch.dtype, **tensors: Tensor | None) -> None:
    """Raise ``TypeError`` if any tensor's dtype differs from ``dtype``."""
    for name, value in tensors.items():
        if value is not None and value.dtype != dtype:
            raise TypeError(
                f"{name} has dtype {value.dtype}, expected {dtype} like {reference}"
            )


def rnn_module(value: object) -> nn.RNN:
    """Return ``value`` if it is an ``nn.RNN``; LSTM, GRU and others are refused."""
    return module_of(value, nn.RNN)


def nonlinearity(value: object) -> str:
    """Return ``value`` if it names an activation nn.RNN supports."""
    if value not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {value!r}")
    return value  # type: ignore[return-value]


def integer(name: str, value: object) -> int:
    """Return ``value`` if it is an int (``True`` and ``False`` are refused)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


def decimals(value: object) -> int:
    """Return ``value`` if it is a non-negative int."""
    if integer("decimals", value) < 0:
        raise ValueError(f"decimals must be >= 0, got {value}")
    return value


def count(name: str, value: object) -> int:
    """Return ``value`` if it is an int >= 1 (a size, a number of classes or steps)."""
    if integer(name, value) < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def real(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number (bools, nan and inf are refused)."""
    if not isinstance(value, Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def positive(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number > 0 (a rate, a threshold, a scale)."""
    if not real(name, value) > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    return float(value)


def module_of(value: object, kind: type[nn.RNNBase]) -> nn.RNNBase:
    """Return ``value`` if it is an instance of ``kind`` (``nn.RNN``, ``nn.LSTM``, ...); others are refused."""
    if not isinstance(value, kind):
        raise TypeError(f"expected a torch.nn.{kind.__name__} module, got {type(value).__name__}")
    return value


def layer_index(module: nn.RNNBase, layer: object, reverse: object) -> None:
    """Raise unless ``layer`` is one of the module's layers and ``reverse`` names an existing direction."""
    if not isinstance(layer, int) or isinstance(layer, bool):
        raise TypeError(f"layer must be an int, got {type(layer).__name__}")
    if not 0 <= layer < module.num_layers:
        raise ValueError(f"layer must be in 0..{module.num_layers - 1}, got {layer}")
    if not isinstance(reverse, bool):
        raise TypeError(f"reverse must be a bool, got {type(reverse).__name__}")
    if reverse and not module.bidirectional:
        kind = type(module).__name__
        raise ValueError(f"reverse=True needs a bidirectional {kind}, got bidirectional=False")


def sequence(module: nn.RNNBase, x: object) -> tuple[Tensor, bool]:
    """Check ``x`` for ``module``; return it as ``(seq, batch, input)`` and whether it was batched."""
    x = floating("x", x)
    same_dtype("the layer's weights", module.weight_ih_l0.dtype, x=x)
    if x.dim() not in (2, 3):
        raise ValueError(
            f"x must be 2-D (seq, features) or 3-D (batched), got {x.dim()}-D shape {tuple(x.shape)}"
        )
    if x.shape[-1] != module.input_size:
        raise ValueError(
            f"x has {x.shape[-1]} features, but the layer expects input_size={module.input_size}"
        )
    batched = x.dim() == 3
    x, _ = time_first(module, x, (), batched)
    if x.shape[0] == 0:
        raise ValueError("x must have at least one time step, got a sequence of length 0")
    return x, batched


def initial_state(
    name: str, value: object, module: nn.RNNBase, like: Tensor, batch: int | None, size: int, size_name: str,
    batch_name: str = "batch",
) -> Tensor:
    """Check an initial state (``h0``, ``c0``) of ``size`` features; return it ``(layers*dirs, batch, size)``.

    ``batch`` is ``None`` for an unbatched sequence (the state then has no batch axis). ``None``
    gives zeros like ``like``; ``size_name`` and ``batch_name`` name the sizes in the message.
    """
    states = _layout.num_states(module)
    if value is None:
        return like.new_zeros(states, 1 if batch is None else batch, size)
    value = floating(name, value)
    same_dtype("the layer's weights", module.weight_ih_l0.dtype, **{name: value})
    if batch is None:
        expected, hint = (states, size), f"num_layers * num_directions, {size_name} for unbatched x"
    else:
        expected, hint = (states, batch, size), f"num_layers * num_directions, {batch_name}, {size_name}"
    shape(name, value, expected, hint)
    return value if batch is not None else value.unsqueeze(1)


def rnn_inputs(rnn: nn.RNN, x: object, h0: object) -> tuple[Tensor, Tensor, bool]:
    """Check ``x`` and ``h0`` for ``rnn``; return them as ``(seq, batch, input)`` and ``(layers*dirs, batch, hidden)``."""
    x, batched = sequence(rnn, x)
    batch = x.shape[1] if batched else None
    return x, initial_state("h0", h0, rnn, x, batch, rnn.hidden_size, "hidden_size"), batched


def no_training_dropout(rnn: nn.RNNBase) -> None:
    """Refuse dropout between layers in training mode: its random masks cannot be matched by hand."""
    if rnn.training and rnn.dropout > 0 and rnn.num_layers > 1:
        raise ValueError(
            f"dropout={rnn.dropout} in training mode draws random masks that cannot be "
            "matched; expected dropout=0 or eval mode (call rnn.eval())"
        )


def one_layer(module: object, what: str, kind: type[nn.RNNBase] = nn.RNN) -> nn.RNNBase:
    """Return ``module`` if it is a one-layer, one-direction ``kind``; ``what`` names the caller."""
    module = module_of(module, kind)
    if module.num_layers != 1 or module.bidirectional:
        raise ValueError(
            f"{what} follows one layer in one direction (num_layers=1, bidirectional=False), "
            f"got num_layers={module.num_layers}, bidirectional={module.bidirectional}"
        )
    return module
