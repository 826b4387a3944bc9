"""Tables and LaTeX for the site: turn tensors and modules into text a page can show (in Spanish)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import torch
from torch import Tensor, nn

from . import _checks, _layout
from ._ops import fixed
from .comparison import layer_summaries
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


# What _layout.parameters returns, in its order: (kind, source) of weight_ih, weight_hh, bias_ih, bias_hh.
_STORED = (("weight", "ih"), ("weight", "hh"), ("bias", "ih"), ("bias", "hh"))


def _stored(module: nn.RNNBase) -> Iterator[tuple[str, str, str, int, bool, Tensor]]:
    """``(name, kind, source, layer, reverse, tensor)`` per parameter, in ``named_parameters`` order.

    ``source`` is ``"ih"``, ``"hh"`` or, for an LSTM's projection ``weight_hr``, ``"hr"``.
    """
    for layer in range(module.num_layers):
        for reverse in _layout.directions(module):
            stored = list(zip(_STORED, _layout.parameters(module, layer, reverse)))
            if isinstance(module, nn.LSTM):
                stored.append((("weight", "hr"), _layout.projection(module, layer, reverse)))
            for (kind, source), tensor in stored:
                if tensor is not None:
                    name = _layout.parameter_name(kind, source, layer, reverse)
                    yield name, kind, source, layer, reverse, tensor


def parameter_table(module: nn.RNN) -> list[ParameterRow]:
    """One row per parameter of ``module``, in ``named_parameters`` order."""
    module = _checks.rnn_module(module)
    return [
        ParameterRow(
            name, tuple(p.shape), kind, {"ih": "input", "hh": "hidden"}[source], layer,
            "reverse" if reverse else "forward", p.numel(), p.detach(),
        )
        for name, kind, source, layer, reverse, p in _stored(module)
    ]


# The site's words for the parameter table (the pages are Spanish).
_KIND = {"weight": "pesos", "bias": "sesgo"}
_DIRECTION = {"forward": "directa", "reverse": "inversa"}


def _row(row: object) -> ParameterRow:
    """Return ``row`` if it is a ``ParameterRow``, else raise ``TypeError``."""
    if not isinstance(row, ParameterRow):
        raise TypeError(f"row must be a ParameterRow (one item of parameter_table), got {type(row).__name__}")
    return row


def describe_parameter(row: ParameterRow) -> str:
    """What a parameter is, in the site's Spanish, e.g. ``pesos de la entrada; capa 0, dirección directa``."""
    row = _row(row)
    if row.source == "hidden":
        source = "del estado anterior"
    elif row.layer == 0:
        source = "de la entrada"
    else:
        source = f"de la salida de la capa {row.layer - 1}"
    return f"{_KIND[row.kind]} {source}; capa {row.layer}, dirección {_DIRECTION[row.direction]}"


def parameter_symbol(row: ParameterRow) -> str:
    """The parameter's symbol in the site's equations, e.g. ``$W_{ih}$``; layer and direction as a superscript."""
    row = _row(row)
    letter = "W" if row.kind == "weight" else "b"
    index = "ih" if row.source == "input" else "hh"
    marks = ([f"{row.layer}"] if row.layer else []) + (["R"] if row.direction == "reverse" else [])
    return f"${letter}_{{{index}}}" + (f"^{{({','.join(marks)})}}$" if marks else "$")


def _blocks(kind: str, source: str, gates: tuple[str, ...]) -> str:
    r"""The blocks one tensor stacks, in LaTeX: ``$W_{ir}$, $W_{iz}$, $W_{in}$``.

    Four or more are shortened to the first and the last, ``$W_{ii}, \ldots, W_{io}$``, so the
    column fits a phone; an LSTM's projection ``weight_hr`` is one block, ``$W_{hr}$``.
    """
    letter = "W" if kind == "weight" else "b"
    if source == "hr":
        return f"${letter}_{{hr}}$"
    names = [f"{letter}_{{{source[0]}{gate}}}" for gate in gates]
    if len(names) > 3:
        return f"${names[0]}, \\ldots, {names[-1]}$"
    return ", ".join(f"${name}$" for name in names)


def parameter_rows(module: nn.RNNBase) -> list[dict[str, str]]:
    """The site's (Spanish) table of ``module``'s parameters, one row each, in ``named_parameters`` order.

    ``nn.RNN``: parámetro, símbolo, forma, qué es (``parameter_table`` as text). ``nn.LSTM`` and
    ``nn.GRU``: parámetro, forma, bloques (the gate blocks each tensor stacks, in PyTorch's order).
    """
    kind = next((k for k in _layout.GATES if isinstance(module, k)), None)
    if kind is None:
        raise TypeError(f"expected a torch.nn.RNN, nn.LSTM or nn.GRU module, got {type(module).__name__}")
    if kind is nn.RNN:
        return [
            {
                "parámetro": f"`{row.name}`",
                "símbolo": parameter_symbol(row),
                "forma": str(row.shape),
                "qué es": describe_parameter(row),
            }
            for row in parameter_table(module)
        ]
    gates = _layout.GATES[kind]
    return [
        {"parámetro": f"`{name}`", "forma": str(tuple(p.shape)), "bloques": _blocks(what, source, gates)}
        for name, what, source, _, _, p in _stored(module)
    ]


def gru_parameter_rows(gru: nn.GRU) -> list[dict[str, str]]:
    """One row of Spanish text per parameter of ``gru``: its name, shape and the r, z, n blocks it stacks."""
    return parameter_rows(_checks.module_of(gru, nn.GRU))


def layer_comparison(input_size: int, hidden_size: int) -> list[dict[str, str]]:
    """Rows of Spanish text comparing one layer of nn.RNN, nn.LSTM and nn.GRU built with these sizes.

    Every entry is read from a module: the blocks stacked in each weight (its gates, and the
    candidate, ``_layout.CANDIDATE``), the shapes of its parameters, how many parameters (scalars)
    one layer learns and the state a call returns.
    """
    columns = {}
    for layer in layer_summaries(input_size, hidden_size):
        candidate = _layout.CANDIDATE.get(layer.kind)
        gates = [f"${gate}$" for gate in layer.gates if gate != candidate]
        columns[f"`nn.{layer.kind.__name__}`"] = {
            "puertas": ", ".join(gates) or "ninguna",
            "candidato": f"${candidate}$" if candidate else "ninguno",
            "bloques apilados": str(layer.blocks),
            **{f"`{name}`": str(shape) for name, shape in layer.shapes.items()},
            "parámetros por capa": str(layer.numel),
            "estado": ", ".join(f"`{name}` {shape}" for name, shape in layer.state.items()),
        }
    first = next(iter(columns.values()))
    return [{"": what, **{name: column[what] for name, column in columns.items()}} for what in first]


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def spanish_number(value: float, digits: int = 1) -> str:
    """A number as Spanish prose writes it: ``6e-08`` is ``6,0·10⁻⁸``, ``0.25`` is ``2,5·10⁻¹``; zero is ``0``.

    Infinities are ``∞`` and ``−∞``, and not-a-number ``NaN`` (as PyTorch prints it), so a
    measured overflow still reads; an int of any size is exact (``10**400`` is ``1,0·10⁴⁰⁰``).
    A plain ``str``: glued, its text/plain is the quoted repr, which ``{glue:text}`` reads back
    (``ast.literal_eval``) and shows without quotes. A bare ``1,8`` would read back as a tuple.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    digits = _checks.decimals(digits)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    # An int goes through Decimal: exact at any size, where float() overflows past about 1.8e308.
    mantissa, exponent = format(Decimal(value) if isinstance(value, int) else value, f".{digits}e").split("e")
    mantissa = mantissa.replace(".", ",").replace("-", "−")
    exponent = str(int(exponent))
    if exponent == "0":
        return mantissa
    return f"{mantissa}·10{exponent.translate(_SUPERSCRIPT)}"


def _numbers(tensor: object) -> Tensor:
    """Return ``tensor`` if it holds real numbers to typeset: a real dtype, at least one entry, all finite."""
    tensor = _checks.tensor("tensor", tensor)
    if tensor.is_complex() or tensor.dtype == torch.bool:
        raise TypeError(
            f"tensor must hold real numbers (a floating-point or integer dtype), got dtype {tensor.dtype}"
        )
    if tensor.numel() == 0:
        raise ValueError(f"tensor must hold at least one number, got shape {tuple(tensor.shape)}")
    tensor = tensor.detach()
    bad = ~torch.isfinite(tensor)
    if bad.any():
        where = [int(i) for i in bad.nonzero()[0]]
        value = tensor[tuple(where)].item()
        raise ValueError(f"tensor must hold finite numbers, got {value} at index {where}")
    return tensor


def latex_matrix(tensor: Tensor, decimals: int = 4, vector: str = "column") -> str:
    """A ``bmatrix`` of a 1-D or 2-D tensor; a 1-D tensor is a ``vector="column"`` or ``"row"``.

    The tensor must hold real, finite numbers (not complex or bool) and at least one of them.
    """
    tensor = _numbers(tensor)
    decimals = _checks.decimals(decimals)
    if vector not in ("column", "row"):
        raise ValueError(f"vector must be 'column' or 'row', got {vector!r}")
    if tensor.dim() == 1:
        tensor = tensor.unsqueeze(1) if vector == "column" else tensor.unsqueeze(0)
    elif tensor.dim() != 2:
        raise ValueError(f"latex_matrix takes a 1-D or 2-D tensor, got shape {tuple(tensor.shape)}")
    rows = tensor.tolist()
    body = r" \\ ".join(" & ".join(fixed(v, decimals) for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def latex_column(tensor: Tensor, decimals: int = 4) -> str:
    """All the numbers of ``tensor`` as one column ``bmatrix``: a ``(1, H)`` state is written top to bottom."""
    return latex_matrix(_checks.tensor("tensor", tensor).reshape(-1), decimals)


def format_vector(tensor: Tensor, decimals: int = 4) -> str:
    """A 1-D tensor of real, finite numbers as plain text, e.g. ``[-0.3520, 0.5253]``."""
    tensor = _numbers(tensor)
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


def _cell(text: str) -> str:
    r"""``text`` as one cell: ``|`` escaped as ``\|`` (Markdown shows ``|``, in code and math too)."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"a table cell must be one line, got {text!r}")
    return text.replace("|", r"\|")


def markdown_table(rows: list[dict[str, str]]) -> str:
    """A Markdown table from rows of text with the same keys; the keys are the header, ``|`` in a cell is escaped."""
    if not isinstance(rows, list):
        raise TypeError(f"rows must be a list of dicts, got {type(rows).__name__}")
    if not rows:
        raise ValueError("markdown_table needs at least one row, got an empty list")
    for row in rows:
        if not isinstance(row, dict) or not all(isinstance(t, str) for t in (*row, *row.values())):
            raise TypeError(f"every row must be a dict of str to str, got {row!r}")
    header = list(rows[0])
    lines = ["| " + " | ".join(map(_cell, header)) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        if list(row) != header:
            raise ValueError(f"every row must have the columns {header}, got {list(row)}")
        lines.append("| " + " | ".join(map(_cell, row.values())) + " |")
    return "\n".join(lines)
