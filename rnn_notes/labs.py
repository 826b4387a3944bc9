"""The site's labs: a page's own layer and input, exported into the page for the browser to recompute.

:func:`lab_data` turns a one-layer ``nn.RNN`` and a sequence into plain data (weights as nested
lists of floats, the input, h_0, and the states the layer computes); :func:`lab` wraps that data in
the HTML a code cell outputs: a ``<div class="lab" data-lab="rnn">`` holding the static table
that a reader without JavaScript (or in the downloaded notebook) sees, and the data as JSON,
which the site's ``_static/labs.js`` turns into the interactive lab.
"""

from __future__ import annotations

import html
import json
from copy import deepcopy
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from . import _checks, _layout
from .bptt import jacobian_norms
from .display import spanish_number

DECIMALS = 4  # what the static table and the lab show; the lab keeps every digit in data-value
DIGITS = 3  # the gradient lab's norms span many powers of ten: 4 significant digits, as spanish_number writes them
MAX_SCALE = 2.0  # the gradient lab's largest scale of W_hh: beyond it relu's norms pass 10^7 (see gradient_lab_data)
KINDS: dict[type[nn.RNNBase], str] = {nn.RNN: "rnn", nn.LSTM: "lstm", nn.GRU: "gru"}
PARAMETERS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _layer(module: object, what: str, kinds: tuple[type[nn.RNNBase], ...] = tuple(KINDS),
           activations: tuple[str, ...] = ("tanh",)) -> nn.RNNBase:
    """``module`` if a lab can recompute it: one layer and direction of one of ``kinds``, with biases,
    an ``nn.RNN`` with one of ``activations``, an LSTM without projection."""
    kind = next((kind for kind in kinds if isinstance(module, kind)), None)
    if kind is None:
        *first, last = [f"nn.{k.__name__}" for k in kinds]
        names = f"{', '.join(first)} or {last}" if first else last
        raise TypeError(f"{what} needs an {names}, got {type(module).__name__}")
    module = _checks.one_layer(module, what, kind=kind)
    if kind is nn.RNN and module.nonlinearity not in activations:
        raise ValueError(f"{what} follows {' or '.join(activations)} (what the lab computes), "
                         f"got nonlinearity={module.nonlinearity!r}")
    if kind is nn.LSTM and module.proj_size:
        raise ValueError(f"{what} follows an LSTM without projection, got proj_size={module.proj_size}")
    if not module.bias:
        raise ValueError(f"{what} needs a layer with biases, got bias=False")
    return module


def _sequence(x: object, input_size: int) -> Tensor:
    """``x`` if it is one floating-point sequence ``(T, H_in)`` with T >= 1, no batch axis."""
    x = _checks.floating("x", x)
    if x.dim() != 2 or x.shape[1] != input_size:
        raise ValueError(f"x must be one sequence (T, H_in) = (T, {input_size}), got shape {tuple(x.shape)}")
    if x.shape[0] < 1:
        raise ValueError(f"x must have at least one step, got shape {tuple(x.shape)}")
    return x


def _weights(module: nn.RNNBase) -> dict[str, list]:
    """The layer's four parameters as nested lists of floats, under the names the browser reads."""
    return {name: p.detach().double().tolist() for name, p in zip(PARAMETERS, _layout.parameters(module, 0, False))}


def _state(name: str, value: Tensor | None, hidden: int, dtype: torch.dtype) -> Tensor:
    """An initial state ``(hidden,)``, zeros when ``None``."""
    if value is None:
        return torch.zeros(hidden, dtype=dtype)
    value = _checks.floating(name, value)
    _checks.shape(name, value, (hidden,), " (one state, no batch or layer axis)")
    return value


def _gates(module: nn.RNNBase, x: Tensor, h0: Tensor, c0: Tensor) -> dict[str, list]:
    """Every gate of an LSTM or GRU at every step, in float64 (PyTorch's formulas); ``{}`` for an RNN."""
    names = _layout.gates(module)
    if not names:
        return {}
    n = len(names)
    blocks = [p.double().chunk(n) for p in _layout.parameters(module, 0, False)]
    w_i, w_h, b_i, b_h = ({name: block for name, block in zip(names, stacked)} for stacked in blocks)
    found: dict[str, list] = {name: [] for name in names}
    h, c = h0.double(), c0.double()
    with torch.no_grad():
        for x_t in x.double():
            pre = {k: (x_t @ w_i[k].T + b_i[k], h @ w_h[k].T + b_h[k]) for k in names}
            if isinstance(module, nn.LSTM):
                gate = {k: torch.sigmoid(sum(pre[k])) for k in ("i", "f", "o")} | {"g": torch.tanh(sum(pre["g"]))}
                c = gate["f"] * c + gate["i"] * gate["g"]
                h = gate["o"] * torch.tanh(c)
                found.setdefault("c", [])
            else:
                gate = {k: torch.sigmoid(sum(pre[k])) for k in ("r", "z")}
                gate["n"] = torch.tanh(pre["n"][0] + gate["r"] * pre["n"][1])
                h = (1 - gate["z"]) * gate["n"] + gate["z"] * h
            for k in names:
                found[k].append(gate[k].tolist())
            if "c" in found:
                found["c"].append(c.tolist())
    return found


def lab_data(module: nn.RNNBase, x: Tensor, h0: Tensor | None = None, c0: Tensor | None = None) -> dict:
    """The lab's data: ``kind``, sizes, ``weights`` (nested lists), ``x`` ``(T, H_in)``, ``h0`` and the states ``h`` ``(T, H_out)``.

    ``module`` is a one-layer ``nn.RNN`` (tanh), ``nn.LSTM`` (no projection) or ``nn.GRU``, with
    biases. ``x`` is one sequence without batch axis; ``h0`` (and an LSTM's ``c0``) is
    ``(H_out,)``, zeros when ``None``. The states are the layer's own, computed in float64 on a
    copy, the precision of the browser; an LSTM's and GRU's data adds ``gates`` (each gate,
    ``(T, H_out)``) and an LSTM's ``c0`` and ``c`` (the cell states).
    """
    module = _layer(module, "lab_data")
    x = _sequence(x, module.input_size)
    hidden, lstm = module.hidden_size, isinstance(module, nn.LSTM)
    if c0 is not None and not lstm:
        raise ValueError(f"c0 is an LSTM's cell state, got c0 for an {type(module).__name__}")
    h0 = _state("h0", h0, hidden, x.dtype)
    c0 = _state("c0", c0, hidden, x.dtype)
    double = deepcopy(module).double()
    state = h0.double().reshape(1, 1, hidden)
    with torch.no_grad():
        output, _ = double(x.double().unsqueeze(0 if module.batch_first else 1),
                           (state, c0.double().reshape(1, 1, hidden)) if lstm else state)
    gates = _gates(module, x, h0, c0)
    data = {
        "kind": KINDS[next(kind for kind in KINDS if isinstance(module, kind))],
        "input_size": module.input_size,
        "hidden_size": hidden,
        "weights": _weights(module),
        "x": x.double().tolist(),
        "h0": h0.double().tolist(),
        "h": (output[0] if module.batch_first else output[:, 0]).tolist(),
    }
    if gates:
        data["gates"] = {name: gates[name] for name in _layout.gates(module)}
    if lstm:
        data["c0"], data["c"] = c0.double().tolist(), gates["c"]
    return data


def gradient_lab_data(rnn: nn.RNN, x: Tensor, max_scale: float = MAX_SCALE) -> dict:
    """The gradient lab's data: ``weights``, ``x`` ``(T, H_in)`` and ``norms``, the norm of ∂h_T/∂h_t for t = 0..T.

    ``rnn`` is a one-layer, one-direction ``nn.RNN`` with biases, tanh or relu, started from h_0 = 0.
    The norms are :func:`~rnn_notes.jacobian_norms` of the layer as it is (scale 1), in float64
    on a copy; the browser recomputes them for any scale of W_hh up to ``max_scale``, any length
    up to T and either activation. ``max_scale`` bounds what the lab offers: with relu the norms
    grow like the scale to the power T, and past about 10^7 float64 no longer keeps them to 1e-6.
    """
    rnn = _layer(rnn, "gradient_lab_data", (nn.RNN,), ("tanh", "relu"))
    max_scale = _checks.positive("max_scale", max_scale)
    x = _sequence(x, rnn.input_size)
    double = deepcopy(rnn).double()
    norms = jacobian_norms(double, x.double().unsqueeze(0 if rnn.batch_first else 1)).flip(0)  # entry k is t = T - k
    return {
        "kind": "gradient",
        "input_size": rnn.input_size,
        "hidden_size": rnn.hidden_size,
        "nonlinearity": rnn.nonlinearity,
        "weights": _weights(rnn),
        "x": x.double().tolist(),
        "scale": 1.0,
        "max_scale": float(max_scale),
        "norms": norms.tolist(),
    }


def gradient_lab(rnn: nn.RNN, x: Tensor, *, where: str, max_scale: float = MAX_SCALE) -> Lab:
    """The gradient lab of ``rnn`` on ``x`` (see :func:`gradient_lab_data`) as a cell output; ``where`` names its place."""
    _where(where)
    return Lab(gradient_lab_data(rnn, x, max_scale), where)


def _fixed(value: float, decimals: int = DECIMALS) -> str:
    """``value`` with ``decimals`` decimals and a point, as the lab writes it (``-0.0000`` is ``0.0000``)."""
    text = f"{value:.{decimals}f}"
    return f"{0:.{decimals}f}" if float(text) == 0 else text


@dataclass
class Lab:
    """A lab as a cell output: HTML for the site (and Jupyter), a note for plain text."""

    data: dict
    where: str  # where the interactive lab is on the site, e.g. "bucle.html, «Laboratorio: cambia la entrada»"

    def _repr_html_(self) -> str:
        """The lab's ``<div>``: the note, the static table, the data as JSON."""
        return _lab_html(self.data, self.where)

    def __repr__(self) -> str:
        """What plain text shows: where the interactive lab is."""
        return _note(self.where, self.data["kind"])


def _note(where: str, kind: str) -> str:
    """The Spanish sentence that says where the interactive lab is."""
    change = "la escala de W_hh, la longitud o la activación" if kind == "gradient" else "la entrada"
    return (f"En el sitio ({where}), esta tabla es un laboratorio: cambias {change} y ves cambiar cada número. "
            "Aquí se muestran los números de la página.")


def lab(module: nn.RNNBase, x: Tensor, h0: Tensor | None = None, c0: Tensor | None = None, *, where: str) -> Lab:
    """The lab of ``module`` on ``x`` (see :func:`lab_data`) as a cell output; ``where`` names its place on the site."""
    _where(where)
    return Lab(lab_data(module, x, h0, c0), where)


def _where(where: object) -> None:
    """Refuse a ``where`` that names no place."""
    if not isinstance(where, str) or not where.strip():
        raise TypeError(f"where must be a non-empty str naming the lab's page, got {where!r}")


def _static_table(data: dict) -> str:
    """The table a reader without JavaScript sees: one column per step, x_t's features, the gates, c_t's and h_t's."""
    steps = range(1, len(data["x"]) + 1)
    head = "".join(f'<th scope="col">t = {t}</th>' for t in steps)
    rows = [f'<tr><th scope="row">x<sub>t,{i + 1}</sub></th>'
            + "".join(f"<td>{_fixed(x_t[i])}</td>" for x_t in data["x"]) + "</tr>"
            for i in range(data["input_size"])]
    series = [(name, "lab-gate", values) for name, values in data.get("gates", {}).items()]
    series += [("c", "lab-state", data["c"])] if "c" in data else []
    series += [("h", "lab-state", data["h"])]
    rows += [f'<tr class="{css}"><th scope="row">{name}<sub>t,{j + 1}</sub></th>'
             + "".join(f"<td>{_fixed(v_t[j])}</td>" for v_t in values) + "</tr>"
             for name, css, values in series for j in range(data["hidden_size"])]
    caption = ", ".join(f"{name}<sub>0</sub> = ({', '.join(_fixed(v) for v in data[name + '0'])})"
                        for name in ("h", "c") if name + "0" in data)
    return (f'<table class="lab-static"><caption>{caption}</caption>'
            f'<thead><tr><th scope="col"></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _gradient_table(data: dict) -> str:
    """The gradient lab without JavaScript: the norm of ∂h_T/∂h_t for t = 0..T, at the page's scale."""
    steps = len(data["norms"]) - 1
    rows = "".join(f'<tr><th scope="row">{t}</th><td>{spanish_number(v, DIGITS)}</td></tr>'
                   for t, v in enumerate(data["norms"]))
    caption = (f"σ = {spanish_number(data['scale'], 2)}, {data['nonlinearity']}, T = {steps}: "
               "la norma de ∂h<sub>T</sub>/∂h<sub>t</sub>")
    return (f'<table class="lab-static"><caption>{caption}</caption><thead><tr><th scope="col">t</th>'
            f'<th scope="col">‖∂h<sub>T</sub>/∂h<sub>t</sub>‖</th></tr></thead><tbody>{rows}</tbody></table>')


def _lab_html(data: dict, where: str) -> str:
    """The lab's HTML: ``<div class="lab" data-lab=...>`` with the note, the static table and the JSON data."""
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")  # nothing can close the <script>
    return (f'<div class="lab" data-lab="{html.escape(data["kind"])}">'
            f'<p class="lab-note">{html.escape(_note(where, data["kind"]))}</p>'
            f"{_gradient_table(data) if data['kind'] == 'gradient' else _static_table(data)}"
            f'<script type="application/json" class="lab-data">{payload}</script></div>')
