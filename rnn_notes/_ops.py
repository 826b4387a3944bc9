"""Unchecked tensor operations shared by the public functions (their callers check the arguments)."""

from __future__ import annotations

from torch import Tensor


def affine(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    """Rows ``(..., in)`` to ``x W^T + b`` of shape ``(..., out)``, unchecked (the inner loop uses it)."""
    out = x @ w.T
    return out if b is None else out + b
