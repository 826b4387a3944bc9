"""One time step of an Elman RNN, written in the two conventions the site compares."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from . import _checks
from ._core import ACTIVATIONS
from ._ops import affine


def _check_term(x: object, w: object, b: object, names: tuple[str, str, str]) -> None:
    """Check rows ``x (..., in)``, a weight ``w (out, in)`` and a bias ``b (out,)`` or ``None``."""
    x_name, w_name, b_name = names
    x = _checks.floating(x_name, x)
    w = _checks.tensor(w_name, w)
    if w.dim() != 2:
        raise ValueError(f"{w_name} must be 2-D (out, in), got shape {tuple(w.shape)}")
    if x.dim() == 0 or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"{x_name} must end in {w.shape[1]} features to match {w_name} {tuple(w.shape)}, "
            f"got shape {tuple(x.shape)}"
        )
    if b is not None:
        _checks.shape(b_name, _checks.tensor(b_name, b), (w.shape[0],), "out,")
    _checks.same_dtype(x_name, x.dtype, **{w_name: w, b_name: b})


def input_term(x: Tensor, w_ih: Tensor, b_ih: Tensor | None) -> Tensor:
    """Rows ``(..., input)`` to ``x W_ih^T + b_ih`` of shape ``(..., hidden)``."""
    _check_term(x, w_ih, b_ih, ("x", "w_ih", "b_ih"))
    return affine(x, w_ih, b_ih)


def recurrent_term(h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """Rows ``(..., hidden)`` to ``h W_hh^T + b_hh`` of shape ``(..., hidden)``."""
    _check_term(h, w_hh, b_hh, ("h", "w_hh", "b_hh"))
    _checks.shape("w_hh", w_hh, (w_hh.shape[0], w_hh.shape[0]), "hidden, hidden")
    return affine(h, w_hh, b_hh)


def _check_weights(w_ih, w_hh, b_ih, b_hh, dtype: torch.dtype) -> tuple[int, int]:
    """Check the four parameters as PyTorch stores them; return (hidden, input) sizes."""
    w_ih = _checks.tensor("w_ih", w_ih)
    if w_ih.dim() != 2:
        raise ValueError(f"w_ih must be 2-D (hidden, input), got shape {tuple(w_ih.shape)}")
    hidden, inputs = w_ih.shape
    _checks.shape("w_hh", _checks.tensor("w_hh", w_hh), (hidden, hidden), "hidden, hidden")
    for name, bias in (("b_ih", b_ih), ("b_hh", b_hh)):
        if bias is not None:
            _checks.shape(name, _checks.tensor(name, bias), (hidden,), "hidden,")
    _checks.same_dtype("x_t", dtype, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh)
    return hidden, inputs


def _column_shapes(x_t: Tensor, h_prev: Tensor, hidden: int, inputs: int) -> None:
    """Check ``x_t (input, 1)`` and ``h_prev (hidden, 1)``."""
    _checks.column("x_t", x_t, inputs, "input_size")
    _checks.column("h_prev", h_prev, hidden, "hidden_size")


def _row_shapes(x_t: Tensor, h_prev: Tensor, hidden: int, inputs: int) -> None:
    """Check ``x_t (batch, input)`` and ``h_prev (batch, hidden)``; a column gets its own hint."""
    if x_t.dim() != 2 or x_t.shape[1] != inputs:
        hint = "; it looks like a column, use x_t.T" if x_t.shape == (inputs, 1) else ""
        raise ValueError(
            f"x_t must be rows of shape (batch, {inputs}), got {tuple(x_t.shape)}{hint}"
        )
    _checks.shape("h_prev", h_prev, (x_t.shape[0], hidden), "batch, hidden_size")


def _check_step(
    x_t: object, h_prev: object, weights: tuple[object, object, object, object], nonlinearity: object,
    shapes: Callable[[Tensor, Tensor, int, int], None],
) -> Callable[[Tensor], Tensor]:
    """Check one step's arguments, their layout by ``shapes`` (columns or rows); return the activation."""
    act = ACTIVATIONS[_checks.nonlinearity(nonlinearity)]
    x_t = _checks.floating("x_t", x_t)
    h_prev = _checks.floating("h_prev", h_prev)
    hidden, inputs = _check_weights(*weights, x_t.dtype)
    shapes(x_t, h_prev, hidden, inputs)
    _checks.same_dtype("x_t", x_t.dtype, h_prev=h_prev)
    return act


def step_column(
    x_t: Tensor,
    h_prev: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
    nonlinearity: str = "tanh",
) -> Tensor:
    """Columns: ``x_t (input, 1)``, ``h_prev (hidden, 1)`` to ``act(W_ih x_t + b_ih + W_hh h_prev + b_hh)`` ``(hidden, 1)``."""
    act = _check_step(x_t, h_prev, (w_ih, w_hh, b_ih, b_hh), nonlinearity, _column_shapes)
    pre = w_ih @ x_t + w_hh @ h_prev
    for bias in (b_ih, b_hh):
        if bias is not None:
            pre = pre + bias.unsqueeze(1)
    return act(pre)


def step_row(
    x_t: Tensor,
    h_prev: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
    nonlinearity: str = "tanh",
) -> Tensor:
    """Rows: ``x_t (batch, input)``, ``h_prev (batch, hidden)`` to ``act(x_t W_ih^T + b_ih + h_prev W_hh^T + b_hh)`` ``(batch, hidden)``."""
    act = _check_step(x_t, h_prev, (w_ih, w_hh, b_ih, b_hh), nonlinearity, _row_shapes)
    return act(affine(x_t, w_ih, b_ih) + affine(h_prev, w_hh, b_hh))
