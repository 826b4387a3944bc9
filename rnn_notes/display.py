"""Tables and LaTeX for the site: turn tensors into text a page can show."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor, nn

from . import _checks
from ._ops import fixed
from .layer import StepTrace


@dataclass(frozen=True)
class ParameterRow:
    """One parameter of an ``nn.RNN``: its name, shape, what it is, size and values.

    ``kind`` is ``"weight"`` or ``"bias"``; ``source`` is ``"input"`` (the layer's input: x, or
    the output of the layer below) or ``"hidden"`` (the previous state); ``direction`` is
    ``"forward"`` or ``"reverse"``.
    """

    name: str
    shape: tuple[int, ...]
    kind: str
    source: str
    layer: int
    direction: str
    numel: int
    value: Tensor


def _fields(name: str) -> tuple[str, str, int, str]:
    """``weight_ih_l0_reverse`` to ``("weight", "input", 0, "reverse")``."""
    kind, source, layer = name.split("_")[:3]
    direction = "reverse" if name.endswith("_reverse") else "forward"
    return kind, {"ih": "input", "hh": "hidden"}[source], int(layer[1:]), direction


def parameter_table(module: nn.RNN) -> list[ParameterRow]:
    """One row per parameter of ``module``, in ``named_parameters`` order."""
    module = _checks.rnn_module(module)
    return [
        ParameterRow(name, tuple(p.shape), *_fields(name), p.numel(), p.detach())
        for name, p in module.named_parameters()
    ]


# The site's words for the parameter table (the pages are Spanish).
_KIND = {"weight": "pesos", "bias": "sesgo"}
_DIRECTION = {"forward": "directa", "reverse": "inversa"}


def describe_parameter(row: ParameterRow) -> str:
    """What a parameter is, in the site's Spanish, e.g. ``pesos de la entrada; capa 0, dirección directa``."""
    if row.source == "hidden":
        source = "del estado anterior"
    elif row.layer == 0:
        source = "de la entrada"
    else:
        source = f"de la salida de la capa {row.layer - 1}"
    return f"{_KIND[row.kind]} {source}; capa {row.layer}, dirección {_DIRECTION[row.direction]}"


def parameter_symbol(row: ParameterRow) -> str:
    """The parameter's symbol in the site's equations, e.g. ``$W_{ih}$``; layer and direction as a superscript."""
    letter = "W" if row.kind == "weight" else "b"
    index = "ih" if row.source == "input" else "hh"
    marks = ([f"{row.layer}"] if row.layer else []) + (["R"] if row.direction == "reverse" else [])
    return f"${letter}_{{{index}}}" + (f"^{{({','.join(marks)})}}$" if marks else "$")


def parameter_rows(module: nn.RNN) -> list[dict[str, str]]:
    """``parameter_table`` as rows of text under the site's headers (parámetro, símbolo, forma, qué es)."""
    return [
        {
            "parámetro": f"`{row.name}`",
            "símbolo": parameter_symbol(row),
            "forma": str(row.shape),
            "qué es": describe_parameter(row),
        }
        for row in parameter_table(module)
    ]


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def spanish_number(value: float, digits: int = 1) -> str:
    """A number as Spanish prose writes it: ``6e-08`` is ``6,0·10⁻⁸``, ``0.25`` is ``2,5·10⁻¹``; zero is ``0``.

    A plain ``str``: glued, its text/plain is the quoted repr, which ``{glue:text}`` reads back
    (``ast.literal_eval``) and shows without quotes. A bare ``1,8`` would read back as a tuple.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    digits = _checks.decimals(digits)
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    mantissa = mantissa.replace(".", ",").replace("-", "−")
    exponent = str(int(exponent))
    if exponent == "0":
        return mantissa
    return f"{mantissa}·10{exponent.translate(_SUPERSCRIPT)}"



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
    body = r" \\ ".join(" & ".join(fixed(v, decimals) for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def format_vector(tensor: Tensor, decimals: int = 4) -> str:
    """A 1-D tensor as plain text, e.g. ``[-0.3520, 0.5253]``."""
    tensor = _checks.tensor("tensor", tensor)
    decimals = _checks.decimals(decimals)
    if tensor.dim() != 1:
        raise ValueError(f"format_vector takes a 1-D tensor, got shape {tuple(tensor.shape)}")
    return "[" + ", ".join(fixed(v, decimals) for v in tensor.tolist()) + "]"


def trace_rows(
    trace: list[StepTrace], layer_output: Tensor | None = None, decimals: int = 4
) -> list[dict[str, str]]:
    """One row per quantity and one column per step t = 1..T, under the site's (Spanish) headers.

    Labels are symbols: x_t, a_t (input term), h_{t-1}, r_t (recurrent term), z_t, h_t.
    Vectors are small LaTeX columns. With ``layer_output (seq, hidden)`` two more rows: the
    layer's h_t (hat h_t) and Delta_t, the largest absolute difference from the trace's h_t.
    """
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
        layer_output = layer_output.detach()
    quantities = {
        "$x_t$": lambda s: s.x,
        "$a_t$": lambda s: s.input_term,
        "$h_{t-1}$": lambda s: s.h_prev,
        "$r_t$": lambda s: s.recurrent_term,
        "$z_t$": lambda s: s.pre_activation,
        "$h_t$": lambda s: s.h,
    }
    if layer_output is not None:
        quantities[r"$\hat h_t$"] = lambda s: layer_output[s.t - 1]
    # Short labels and \small columns keep three steps within a 390 px phone screen.
    rows = [
        {"": label} | {f"$t = {s.t}$": rf"$\small {latex_matrix(of(s), decimals)}$" for s in trace}
        for label, of in quantities.items()
    ]
    if layer_output is not None:
        differences = [(s.h - layer_output[s.t - 1]).abs().max().item() for s in trace]
        rows.append({"": r"$\Delta_t$"} | {
            f"$t = {s.t}$": spanish_number(d) for s, d in zip(trace, differences)
        })
    return rows


def markdown_table(rows: list[dict[str, str]]) -> str:
    """A Markdown table from rows of text with the same keys; the keys are the header."""
    if not isinstance(rows, list):
        raise TypeError(f"rows must be a list of dicts, got {type(rows).__name__}")
    if not rows:
        raise ValueError("markdown_table needs at least one row, got an empty list")
    for row in rows:
        if not isinstance(row, dict) or not all(isinstance(v, str) for v in row.values()):
            raise TypeError(f"every row must be a dict of str to str, got {row!r}")
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        if list(row) != header:
            raise ValueError(f"every row must have the columns {header}, got {list(row)}")
        lines.append("| " + " | ".join(row.values()) + " |")
    return "\n".join(lines)
