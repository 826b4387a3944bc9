"""What the lab tests share: the page's layers and torch's reference, the contract's scripts, the fixtures.

The reference is the page's layer rebuilt here as the page builds it, converted to float64 (the
browser's precision) and run by torch: every value a lab shows is within 1e-6 of it, absolutely.
The fixtures open a lab's page once per test module and reload it (light, 1280 px) for each test.
"""

import copy
from decimal import ROUND_HALF_UP, Decimal

import pytest
import torch
from torch import nn

from test_browser import visit

TOLERANCE = 1e-6  # absolute: the bound for the values shown
DECIMALS = 4
FIGURE_DECIMALS = 3  # the unrolled network's values
TRIALS = 100
MAX_BYTES = 60_000
LABS = {"rnn": "bucle.html", "lstm": "lstm.html", "gru": "gru.html"}
LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
PAGE_X = [[1.0] * 5, [2.0] * 5, [3.0] * 5]  # every page's sequence, seed_sequence()
ZEROS = [0.0, 0.0]
EVERY_LAB = pytest.mark.parametrize("opened", list(LABS), indirect=True)
GATES_LABS = pytest.mark.parametrize("opened", ["lstm", "gru"], indirect=True)
LOOP_LAB = pytest.mark.parametrize("opened", ["rnn"], indirect=True)


def root(kind: str) -> str:
    """The CSS selector of the lab ``kind``."""
    return f'div.lab[data-lab="{kind}"]'


def page_layer(kind: str) -> nn.RNNBase:
    """The page's layer (``torch.manual_seed(1)``, then ``nn.RNN``/``LSTM``/``GRU(5, 2, batch_first=True)``) in float64."""
    torch.manual_seed(1)
    layer = LAYERS[kind](5, 2, batch_first=True)
    return copy.deepcopy(layer).double()  # the same float32 weights, computed in float64 as the browser does


def reference(kind: str, x: list, h0: list, c0: list = ZEROS, forget_bias: float = 0.0) -> dict[str, torch.Tensor]:
    """What the page's layer computes on ``x`` from ``h0`` (an LSTM's from ``c0`` too, ``forget_bias`` added to b_hf).

    States come from the layer itself (an LSTM's c_t is c_n of the first t steps); an RNN's terms
    and the gates from PyTorch's documented formulas on its parameters. Each entry is ``(T, 2)``.
    """
    layer = page_layer(kind)
    xs, h = torch.tensor(x, dtype=torch.float64).unsqueeze(0), torch.tensor(h0, dtype=torch.float64).reshape(1, 1, -1)
    hidden = layer.hidden_size
    with torch.no_grad():
        if kind == "lstm":
            layer.bias_hh_l0[hidden: 2 * hidden] += forget_bias
            c = torch.tensor(c0, dtype=torch.float64).reshape(1, 1, -1)
            output, _ = layer(xs, (h, c))
            cells = torch.stack([layer(xs[:, : t + 1], (h, c))[1][1][0, 0] for t in range(len(x))])
        else:
            output, _ = layer(xs, h)
        previous = torch.cat([h[0], output[0, :-1]])
        blocks = layer.weight_ih_l0.shape[0] // hidden
        xw, hw = xs[0] @ layer.weight_ih_l0.T, previous @ layer.weight_hh_l0.T
        from_x, from_h = (xw + layer.bias_ih_l0).chunk(blocks, 1), (hw + layer.bias_hh_l0).chunk(blocks, 1)
    if kind == "rnn":
        return {"h": output[0], "xw": xw, "hw": hw, "z": from_x[0] + from_h[0],
                "bih": layer.bias_ih_l0.expand_as(xw), "bhh": layer.bias_hh_l0.expand_as(xw)}
    if kind == "lstm":
        pre = [a + b for a, b in zip(from_x, from_h)]
        return {"i": torch.sigmoid(pre[0]), "f": torch.sigmoid(pre[1]), "g": torch.tanh(pre[2]),
                "o": torch.sigmoid(pre[3]), "c": cells, "h": output[0]}
    r, z = torch.sigmoid(from_x[0] + from_h[0]), torch.sigmoid(from_x[1] + from_h[1])
    return {"r": r, "z": z, "n": torch.tanh(from_x[2] + r * from_h[2]), "h": output[0]}


SET_VALUES = """([root, values]) => {
  const lab = document.querySelector(root);
  for (const [name, value] of Object.entries(values)) {
    const field = lab.querySelector(`input[name="${name}"]`);
    field.value = value;
    field.dispatchEvent(new Event("input", {bubbles: true}));
  }
}"""

READ_OUTPUTS = """(root) => Object.fromEntries([...document.querySelector(root).querySelectorAll("output[name]")]
  .map(output => [output.getAttribute("name"), [output.textContent, output.dataset.value]]))"""

READ_INPUTS = """(root) => Object.fromEntries([...document.querySelector(root).querySelectorAll("input[name]")]
  .map(input => [input.name, input.value]))"""

RNN_LAB = root("rnn")


@pytest.fixture(scope="module")
def opened(request, browser, site):
    """The page of the lab ``request.param``, opened once from file:// for this module; every request and error recorded."""
    with visit(browser, site, LABS[request.param]) as seen:
        seen.page.wait_for_selector(f"{root(request.param)} form")
        yield request.param, seen


@pytest.fixture
def lab(opened):
    """``(kind, page, root)``, the page reloaded (light, 1280 px) so each test starts from the lab's first view."""
    kind, seen = opened
    seen.page.evaluate("localStorage.clear()")  # furo keeps the chosen theme there
    seen.page.set_viewport_size({"width": 1280, "height": 900})
    seen.page.reload(wait_until="load")
    seen.page.wait_for_selector(f"{root(kind)} form")
    return kind, seen.page, root(kind)


@pytest.fixture
def page(lab):
    """The loop lab's page (tests parametrized with LOOP_LAB)."""
    return lab[1]


def rounded(value: float, decimals: int) -> str:
    """``value`` as JavaScript's ``toFixed`` writes it (ties away from zero), ``-0.0000`` as ``0.0000``."""
    text = str(Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return text.lstrip("-") if float(text) == 0 else text


def shown_matches(outputs: dict, name: str, expected: float) -> None:
    """The output ``name`` holds ``expected`` within TOLERANCE, absolute, and shows its value rounded to DECIMALS."""
    text, value = outputs[name]
    assert abs(float(value) - expected) <= TOLERANCE, (name, value, expected)
    assert text == rounded(float(value), DECIMALS), (name, text, value)


def check(outputs: dict, kind: str, x: list, h0: list, c0: list = ZEROS, forget_bias: float = 0.0, step: int = 1) -> None:
    """Every state and gate the lab shows (and the loop lab's pieces of step ``step``) against torch."""
    for name, values in reference(kind, x, h0, c0, forget_bias).items():
        for t in range(1, len(x) + 1):
            for j in range(1, 3):
                if name in ("h", "c"):
                    shown_matches(outputs, f"{name}[{t}][{j}]", values[t - 1, j - 1].item())
                elif kind != "rnn":
                    shown_matches(outputs, f"gate[{t}][{name}][{j}]", values[t - 1, j - 1].item())
                if kind == "rnn" and t == step:
                    shown_matches(outputs, f"step[{name}][{j}]", values[t - 1, j - 1].item())


def retype(page, text: str) -> None:
    """Replace the focused field's text with ``text``, typed key by key as a reader does."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
