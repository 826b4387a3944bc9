"""Unchecked tensor operations shared by the public functions (their callers check the arguments)."""

from __future__ import annotations

from torch import Tensor


def affine(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    """Rows ``(..., in)`` to ``x W^T + b`` of shape ``(..., out)``, unchecked (the inner loop uses it)."""
    out = x @ w.T
    return out if b is None else out + b


def fixed(value: float, decimals: int) -> str:
    """``value`` with fixed ``decimals``, ``-0.0000`` shown as ``0.0000`` (tables and equations)."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
