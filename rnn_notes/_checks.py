"""Argument checks shared by the public functions: fail early, say what was expected."""

from __future__ import annotations

from torch import Tensor, nn


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


def same_dtype(reference: str, dtype, **tensors: Tensor | None) -> None:
    """Raise ``TypeError`` if any tensor's dtype differs from ``dtype``."""
    for name, value in tensors.items():
        if value is not None and value.dtype != dtype:
            raise TypeError(
                f"{name} has dtype {value.dtype}, but {reference} has dtype {dtype}"
            )


def rnn_module(value: object) -> nn.RNN:
    """Return ``value`` if it is an ``nn.RNN``; LSTM, GRU and others are refused."""
    if not isinstance(value, nn.RNN):
        raise TypeError(f"expected a torch.nn.RNN module, got {type(value).__name__}")
    return value


def nonlinearity(value: object) -> str:
    """Return ``value`` if it names an activation nn.RNN supports."""
    if value not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {value!r}")
    return value  # type: ignore[return-value]
