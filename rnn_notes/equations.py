"""Displayed equations with real numbers: a matrix product, plus a bias, with the shapes written underneath.

An equation that shows ``= result`` is checked first: ``result`` must equal the product of the
factors (plus the bias) as ``torch.testing.assert_close`` sees it, so a false equation cannot render.
"""

from __future__ import annotations

import re

import torch
from torch import Tensor

from . import _checks
from ._ops import fixed
from .display import latex_matrix

LAYOUTS = ("line", "result_below", "split", "stacked")  # from widest to narrowest
# The widths an equation must fit, in em of the page's text: furo's text column is 736 px at a
# 1280 px window and 358 px on a 390 px phone, at 16 px a em (measured in tests/test_browser.py);
# the narrow version is drawn at NARROW_SCALE of the text size with narrower gaps between matrix
# columns (_ext/mathml_static/mathml.css).
WIDE_EM = 736 / 16
NARROW_SCALE = 0.8
NARROW_EM = 358 / 16 / NARROW_SCALE
# The site's math renderer (_ext/mathml.py) shows the LaTeX after this mark, on its own line, in
# place of the rest on narrow screens; MathJax (Jupyter) reads the line as a comment.
NARROW_MARK = "% narrow: "


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


# Widths in em of DejaVu Math TeX Gyre (Debian's math font), measured in Chromium: a digit, the
# point, the minus sign, the gap between columns, both brackets with their padding.
_DIGIT, _POINT, _MINUS, _COLUMN_GAP, _BRACKETS = 0.64, 0.32, 0.79, 0.8, 1.87
_NARROW_GAP = 0.5  # the column gap of the narrow version
_ALIGNED = 1.8  # what an aligned environment adds around its lines
_MARGIN = 0.97  # room for math fonts a little wider than Debian's
_SCRIPT = 0.71  # the size of a subscript relative to the text
_OPERATOR = 1.45  # " + " or " = " with the spaces MathML puts around it


def _text_em(text: str) -> float:
    """Width of a number such as ``-0.3121``, in em."""
    return sum(_MINUS if c == "-" else _POINT if c == "." else _DIGIT for c in text)


def _name_em(name: str | None) -> float:
    """A rough width of a LaTeX name such as ``W_{ih}^\\top`` under a matrix, in em (subscript size)."""
    if name is None:
        return 0.0
    visible = re.sub(r"\\[A-Za-z]+|[{}_^ ]", "", name)
    return _SCRIPT * (0.7 * len(visible) + _OPERATOR * name.count("+"))


def _width_em(matrix: Tensor, name: str | None, decimals: int, gap: float) -> float:
    """Width of ``_under(matrix, name)`` in em: the wider of the matrix and the label under it."""
    columns = matrix.detach().T.tolist()
    body = sum(max(_text_em(fixed(v, decimals)) for v in column) for column in columns)
    width = body + gap * (len(columns) - 1) + _BRACKETS
    shape = _SCRIPT * 2.2
    return max(width, shape, _name_em(name))


def _layout(parts: list[str], operators: list[str], layout: str) -> str:
    """Join the shown matrices (``parts``) with their ``operators`` ("" for a product) in ``layout``."""
    if layout in ("split", "stacked"):  # a line per term (split) or matrix (stacked), operators in front
        products = operators.count("") if layout == "split" else 0
        lines = ["& " + r" \, ".join(parts[: products + 1])]
        for op, part in zip(operators[products:], parts[products + 1:]):
            lines.append((op or r"\cdot") + r" \; & " + part)
        return r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}"
    text = parts[0]
    for op, part in zip(operators, parts[1:]):
        if op == "=" and layout == "result_below":
            return rf"\begin{{aligned}} & {text} \\ &= {part} \end{{aligned}}"
        text += (r" \, " if op == "" else f" {op} ") + part
    return text


def _layout_em(widths: list[float], operators: list[str], layout: str) -> float:
    """Estimated width of ``_layout`` in em, from the width of each shown matrix."""
    joins = [0.17 if op == "" else _OPERATOR for op in operators]
    if layout in ("split", "stacked"):
        products = operators.count("") if layout == "split" else 0
        first = sum(widths[: products + 1]) + sum(joins[:products])
        return max(first, *widths[products + 1:]) + _OPERATOR + _ALIGNED
    if layout == "result_below" and "=" in operators:
        return max(sum(widths[:-1]) + sum(joins[:-1]), _OPERATOR + widths[-1]) + _ALIGNED
    return sum(widths) + sum(joins)


def _check_result(factors: list[Tensor], bias: Tensor | None, result: Tensor) -> None:
    """ValueError unless ``result`` equals the product of ``factors`` (plus ``bias``) under assert_close."""
    expected = factors[0]
    for factor in factors[1:]:
        expected = expected @ factor
    what = "the product of the factors"
    if bias is not None:
        expected = expected + bias
        what += " plus the bias"
    try:
        torch.testing.assert_close(result, expected)
    except AssertionError as error:
        detail = " ".join(str(error).split())
        raise ValueError(f"result must equal {what}, which it does not: {detail}") from None


def latex_product(
    factors: list[Tensor],
    bias: Tensor | None = None,
    result: Tensor | None = None,
    names: list[str] | None = None,
    decimals: int = 4,
    result_below: bool = False,
    layout: str = "fit",
) -> str:
    """LaTeX for ``A B ... + bias = result`` from 2-D tensors, each with its shape (and name) under it.

    ``result`` must equal the product plus the bias (``torch.testing.assert_close``), else ValueError.
    ``layout`` is ``"line"``, ``"result_below"`` (``= result`` on a second line), ``"split"`` (the
    product, then ``+ bias`` and ``= result`` on lines of their own), ``"stacked"`` (one matrix a
    line) or ``"fit"``: the first of those that fits the site's text column at 1280 px,
    plus, when that one is too wide for a 390 px phone, the first that fits there after
    ``NARROW_MARK`` on a line of its own. ``result_below=True`` is ``layout="result_below"``.
    """
    if not isinstance(factors, (list, tuple)) or not factors:
        raise TypeError(f"factors must be a non-empty list of 2-D tensors, got {factors!r:.60}")
    if layout not in (*LAYOUTS, "fit"):
        raise ValueError(f"layout must be one of {(*LAYOUTS, 'fit')}, got {layout!r}")
    decimals = _checks.decimals(decimals)
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
    if result is not None:
        _check_result(factors, bias, result)
    shown = [*factors, *(m for m in (bias, result) if m is not None)]
    if names is None:
        names = [None] * len(shown)
    elif not isinstance(names, (list, tuple)) or len(names) != len(shown):
        raise ValueError(f"names must give one name per matrix shown ({len(shown)}), got {names!r}")
    operators = [""] * (len(factors) - 1) + ["+"] * (bias is not None) + ["="] * (result is not None)
    parts = [_under(m, n, decimals) for m, n in zip(shown, names)]
    if result_below:
        layout = "result_below"
    if layout != "fit":
        return _layout(parts, operators, layout)

    def first_fitting(limit: float, gap: float) -> str:
        widths = [_width_em(m, n, decimals, gap) for m, n in zip(shown, names)]
        fits = (lay for lay in LAYOUTS if _layout_em(widths, operators, lay) <= _MARGIN * limit)
        return next(fits, "stacked")

    wide, narrow = first_fitting(WIDE_EM, _COLUMN_GAP), first_fitting(NARROW_EM, _NARROW_GAP)
    text = _layout(parts, operators, wide)
    if narrow == wide:
        return text
    return _with_narrow(_layout(parts, operators, narrow), text)


def _with_narrow(narrow: str, wide: str) -> str:
    """LaTeX the site shows as ``narrow`` on a phone and as ``wide`` elsewhere (MathJax shows ``wide``)."""
    return f"{NARROW_MARK}{narrow}\n{wide}"


def latex_aligned(matrices: dict[str, Tensor], decimals: int = 4) -> str:
    """LaTeX for ``name = matrix``, one line each, aligned at the ``=``; drawn smaller on a phone if it is too wide there.

    ``matrices`` maps a LaTeX name (``W_{ii}``) to a 1-D (a column) or 2-D tensor.
    """
    if not isinstance(matrices, dict):
        raise TypeError(f"matrices must be a dict of LaTeX names to tensors, got {type(matrices).__name__}")
    if not matrices:
        raise ValueError("latex_aligned needs at least one matrix, got an empty dict")
    decimals = _checks.decimals(decimals)
    for name in matrices:
        if not isinstance(name, str):
            raise TypeError(f"matrices must be keyed by LaTeX names (str), got {type(name).__name__}")
    lines = r" \\ ".join(rf"{name} &= {latex_matrix(value, decimals)}" for name, value in matrices.items())
    text = rf"\begin{{aligned}} {lines} \end{{aligned}}"

    # The widest line at full size: its name, the "=" and the matrix (a 1-D tensor is a column).
    widest = max(
        _name_em(name) / _SCRIPT + _OPERATOR
        + _width_em(value.reshape(len(value), -1), None, decimals, _COLUMN_GAP)
        for name, value in matrices.items()
    )
    if _ALIGNED + widest <= _MARGIN * NARROW_EM * NARROW_SCALE:  # it fits a phone as it is
        return text
    return _with_narrow(text, text)
