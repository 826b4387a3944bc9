"""Tables and LaTeX for the site: turn tensors into text a page can show."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor, nn

from . import _checks
from .layer import StepTrace


@dataclass(frozen=True)
class ParameterRow:
    """One parameter of an ``nn.RNN``: its name, shape, role, size and values."""

    name: str
    shape: tuple[int, ...]
    role: str
    numel: int
    value: Tensor


def _role(name: str) -> str:
    """``weight_ih_l0_reverse`` to ``"input → hidden, layer 0, reverse direction"``."""
    kind, source, layer = name.split("_")[:3]
    if source == "ih":
        start = "input" if layer == "l0" else f"layer {int(layer[1:]) - 1} output"
        connects = f"{start} → hidden"
    else:
        connects = "hidden → hidden"
    what = "bias" if kind == "bias" else "weights"
    direction = "reverse" if name.endswith("_reverse") else "forward"
    return f"{connects} {what}, layer {layer[1:]}, {direction} direction"


def parameter_table(module: nn.RNN) -> list[ParameterRow]:
    """One row per parameter of ``module``, in ``named_parameters`` order."""
    module = _checks.rnn_module(module)
    return [
        ParameterRow(name, tuple(p.shape), _role(name), p.numel(), p.detach())
        for name, p in module.named_parameters()
    ]


def parameter_rows(module: nn.RNN, decimals: int = 4) -> list[dict[str, str]]:
    """``parameter_table`` as rows of text; values as inline LaTeX matrices."""
    return [
        {
            "name": f"`{row.name}`",
            "shape": str(row.shape),
            "role": row.role,
            "elements": str(row.numel),
            "values": f"${latex_matrix(row.value, decimals)}$",
        }
        for row in parameter_table(module)
    ]


def _number(value: float, decimals: int) -> str:
    """Fixed decimals, with ``-0.0000`` shown as ``0.0000``."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def latex_matrix(tensor: Tensor, decimals: int = 4, vector: str = "column") -> str:
    """A ``bmatrix`` of a 1-D or 2-D tensor; a 1-D tensor is a ``vector="column"`` or ``"row"``."""
    tensor = _checks.tensor("tensor", tensor)
    decimals = _checks.decimals(decimals)
    if vector not in ("column", "row"):
        raise ValueError(f"vector must be 'column' or 'row', got {vector!r}")
    if tensor.dim() == 1:
        tensor = tensor.unsqueeze(1) if vector == "column" else tensor.unsqueeze(0)
    elif tensor.dim() != 2:
        raise ValueError(f"latex_matrix takes a 1-D or 2-D tensor, got shape {tuple(tensor.shape)}")
    rows = tensor.detach().tolist()
    body = r" \\ ".join(" & ".join(_number(v, decimals) for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def format_vector(tensor: Tensor, decimals: int = 4) -> str:
    """A 1-D tensor as plain text, e.g. ``[-0.3520, 0.5253]``."""
    tensor = _checks.tensor("tensor", tensor)
    decimals = _checks.decimals(decimals)
    if tensor.dim() != 1:
        raise ValueError(f"format_vector takes a 1-D tensor, got shape {tuple(tensor.shape)}")
    return "[" + ", ".join(_number(v, decimals) for v in tensor.tolist()) + "]"


def trace_rows(
    trace: list[StepTrace], layer_output: Tensor | None = None, decimals: int = 4
) -> list[dict[str, str]]:
    """One row of text per step; with ``layer_output (seq, hidden)`` also the layer's row and the difference."""
    if not isinstance(trace, list):
        raise TypeError(f"trace must be the list trace_rnn returns, got {type(trace).__name__}")
    if not trace:
        raise ValueError("trace must hold at least one step, got an empty list")
    for step in trace:
        if not isinstance(step, StepTrace):
            raise TypeError(f"trace must hold StepTrace items, got {type(step).__name__}")
    decimals = _checks.decimals(decimals)
    if layer_output is not None:
        layer_output = _checks.tensor("layer_output", layer_output)
        _checks.shape("layer_output", layer_output, (len(trace), trace[0].h.shape[0]), "seq, hidden_size")
        _checks.same_dtype("the trace", trace[0].h.dtype, layer_output=layer_output)
    rows = []
    for step in trace:
        row = {
            "$t$": str(step.t),
            "$x_t$": format_vector(step.x, decimals),
            r"$x_t W_{ih}^\top + b_{ih}$": format_vector(step.input_term, decimals),
            "$h_{t-1}$": format_vector(step.h_prev, decimals),
            r"$h_{t-1} W_{hh}^\top + b_{hh}$": format_vector(step.recurrent_term, decimals),
            "$z_t$": format_vector(step.pre_activation, decimals),
            "$h_t$ (manual)": format_vector(step.h, decimals),
        }
        if layer_output is not None:
            layer_h = layer_output[step.t].detach()
            row["$h_t$ (nn.RNN)"] = format_vector(layer_h, decimals)
            row["max abs difference"] = f"{(step.h - layer_h).abs().max().item():.1e}"
        rows.append(row)
    return rows


def markdown_table(rows: list[dict[str, str]], headers: dict[str, str] | None = None) -> str:
    """A Markdown table from rows of text with the same keys; the header shows each key, or ``headers[key]``."""
    if not isinstance(rows, list):
        raise TypeError(f"rows must be a list of dicts, got {type(rows).__name__}")
    if not rows:
        raise ValueError("markdown_table needs at least one row, got an empty list")
    for row in rows:
        if not isinstance(row, dict) or not all(isinstance(v, str) for v in row.values()):
            raise TypeError(f"every row must be a dict of str to str, got {row!r}")
    header = list(rows[0])
    headers = {} if headers is None else headers
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise TypeError(f"headers must be a dict of str to str, got {headers!r}")
    if unknown := sorted(set(headers) - set(header)):
        raise ValueError(f"headers renames columns the rows lack: {unknown}; the columns are {header}")
    shown = [headers.get(key, key) for key in header]
    lines = ["| " + " | ".join(shown) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        if list(row) != header:
            raise ValueError(f"every row must have the columns {header}, got {list(row)}")
        lines.append("| " + " | ".join(row.values()) + " |")
    return "\n".join(lines)
