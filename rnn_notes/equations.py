"""Displayed equations with real numbers: a matrix product, plus a bias, with the shapes written underneath."""

from __future__ import annotations

from torch import Tensor

from . import _checks
from .display import latex_matrix


def _matrix(name: str, value: object) -> Tensor:
    """Return ``value`` if it is a 2-D tensor; vectors must be reshaped to a row or a column first."""
    value = _checks.tensor(name, value)
    if value.dim() != 2:
        raise ValueError(
            f"{name} must be 2-D (reshape a vector to a row or a column), got shape {tuple(value.shape)}"
        )
    return value


def _under(matrix: Tensor, name: str | None, decimals: int) -> str:
    """``matrix`` in a ``bmatrix`` with its shape (and ``name`` above the shape) under a brace."""
    rows, cols = matrix.shape
    shape = rf"{rows}\times {cols}"
    label = shape if name is None else rf"\substack{{{name} \\ {shape}}}"
    return rf"\underbrace{{{latex_matrix(matrix, decimals)}}}_{{{label}}}"


def latex_product(
    factors: list[Tensor],
    bias: Tensor | None = None,
    result: Tensor | None = None,
    names: list[str] | None = None,
    decimals: int = 4,
    result_below: bool = False,
) -> str:
    """LaTeX for ``A B ... + bias = result`` from 2-D tensors, each with its shape (and name) under it.

    With ``result_below``, ``= result`` goes on a second line, for equations too wide for one.
    """
    if not isinstance(factors, (list, tuple)) or not factors:
        raise TypeError(f"factors must be a non-empty list of 2-D tensors, got {factors!r:.60}")
    factors = [_matrix(f"factors[{i}]", f) for i, f in enumerate(factors)]
    rows, cols = factors[0].shape
    for i, factor in enumerate(factors[1:], start=1):
        if factor.shape[0] != cols:
            raise ValueError(
                f"factors[{i}] must have {cols} rows to multiply a ({rows}, {cols}) product, "
                f"got shape {tuple(factor.shape)}"
            )
        cols = factor.shape[1]
    for what, value in (("bias", bias), ("result", result)):
        if value is not None:
            _checks.shape(what, _matrix(what, value), (rows, cols), "the shape of the product")
    shown = [*factors, *(m for m in (bias, result) if m is not None)]
    if names is None:
        names = [None] * len(shown)
    elif not isinstance(names, (list, tuple)) or len(names) != len(shown):
        raise ValueError(f"names must give one name per matrix shown ({len(shown)}), got {names!r}")
    parts = [_under(m, n, decimals) for m, n in zip(shown, names)]
    text = r" \, ".join(parts[: len(factors)])
    rest = parts[len(factors):]
    if bias is not None:
        text += " + " + rest.pop(0)
    if result is None:
        return text
    if result_below:
        return rf"\begin{{aligned}} & {text} \\ &= {rest[0]} \end{{aligned}}"
    return text + " = " + rest[0]
