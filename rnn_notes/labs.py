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

DECIMALS = 4  # what the static table and the lab show; the lab keeps every digit in data-value
KINDS: dict[type[nn.RNNBase], str] = {nn.RNN: "rnn"}


def lab_data(module: nn.RNN, x: Tensor, h0: Tensor | None = None) -> dict:
    """The lab's data: ``kind``, sizes, ``weights`` (nested lists), ``x`` ``(T, H_in)``, ``h0`` and the states ``h`` ``(T, H_out)``.

    ``x`` is one sequence without batch axis; ``h0`` is ``(H_out,)``, zeros when ``None``. The
    states are the layer's own, computed in float64 on a copy, the precision of the browser.
    """
    module = _checks.one_layer(module, "lab_data", kind=nn.RNN)
    if module.nonlinearity != "tanh":
        raise ValueError(f"lab_data follows a tanh layer (the lab computes tanh), got nonlinearity={module.nonlinearity!r}")
    if not module.bias:
        raise ValueError("lab_data needs a layer with biases, got bias=False")
    x = _checks.floating("x", x)
    if x.dim() != 2 or x.shape[1] != module.input_size:
        raise ValueError(f"x must be one sequence (T, H_in) = (T, {module.input_size}), got shape {tuple(x.shape)}")
    if x.shape[0] < 1:
        raise ValueError("x must have at least one step, got 0")
    hidden = module.hidden_size
    if h0 is None:
        h0 = torch.zeros(hidden, dtype=x.dtype)
    h0 = _checks.floating("h0", h0)
    _checks.shape("h0", h0, (hidden,), " (one state, no batch or layer axis)")
    double = deepcopy(module).double()
    batch_first = module.batch_first
    seq = x.double().unsqueeze(0 if batch_first else 1)
    with torch.no_grad():
        output, _ = double(seq, h0.double().reshape(1, 1, hidden))
    states = output[0] if batch_first else output[:, 0]
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    weights = {name: p.detach().double().tolist() for name, p in zip(names, _layout.parameters(module, 0, False))}
    return {
        "kind": KINDS[type(module)],
        "input_size": module.input_size,
        "hidden_size": hidden,
        "weights": weights,
        "x": x.double().tolist(),
        "h0": h0.double().tolist(),
        "h": states.tolist(),
    }


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
        return _note(self.where)


def _note(where: str) -> str:
    """The Spanish sentence that says where the interactive lab is."""
    return (f"En el sitio ({where}), esta tabla es un laboratorio: cambias la entrada y ves cambiar cada número. "
            "Aquí se muestran los números de la página.")


def lab(module: nn.RNN, x: Tensor, h0: Tensor | None = None, *, where: str) -> Lab:
    """The lab of ``module`` on ``x`` (see :func:`lab_data`) as a cell output; ``where`` names its place on the site."""
    if not isinstance(where, str) or not where.strip():
        raise TypeError(f"where must be a non-empty str naming the lab's page, got {where!r}")
    return Lab(lab_data(module, x, h0), where)


def _static_table(data: dict) -> str:
    """The table a reader without JavaScript sees: one column per step, x_t's features then h_t's."""
    steps = range(1, len(data["x"]) + 1)
    head = "".join(f'<th scope="col">t = {t}</th>' for t in steps)
    rows = [f'<tr><th scope="row">x<sub>t,{i + 1}</sub></th>'
            + "".join(f"<td>{_fixed(x_t[i])}</td>" for x_t in data["x"]) + "</tr>"
            for i in range(data["input_size"])]
    rows += [f'<tr class="lab-state"><th scope="row">h<sub>t,{j + 1}</sub></th>'
             + "".join(f"<td>{_fixed(h_t[j])}</td>" for h_t in data["h"]) + "</tr>"
             for j in range(data["hidden_size"])]
    h0 = ", ".join(_fixed(value) for value in data["h0"])
    return (f'<table class="lab-static"><caption>h<sub>0</sub> = ({h0})</caption>'
            f'<thead><tr><th scope="col"></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _lab_html(data: dict, where: str) -> str:
    """The lab's HTML: ``<div class="lab" data-lab=...>`` with the note, the static table and the JSON data."""
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")  # nothing can close the <script>
    return (f'<div class="lab" data-lab="{html.escape(data["kind"])}">'
            f'<p class="lab-note">{html.escape(_note(where))}</p>'
            f"{_static_table(data)}"
            f'<script type="application/json" class="lab-data">{payload}</script></div>')
