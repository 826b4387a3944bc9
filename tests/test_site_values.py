"""The built pages show the seed's numbers, computed at build time.

Expected values come from ``torch.nn.RNN`` itself (never from rnn_notes), formatted to the
4 decimals the pages use; the seed notebook printed the same figures.
"""

import re

import pytest
import torch
from torch import nn

from site_contract import SITE, parse

pytestmark = pytest.mark.site


def page_text(name: str) -> str:
    """The visible text of a built page, with a minus sign glued to its number as in ``-0.3520``."""
    path = SITE / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make html` (make test does) first")
    text = parse(path).get_text(" ")
    return re.sub(r"[-\u2212]\s*(?=\d)", "-", text)


@pytest.fixture(scope="module")
def seed():
    """The seed's layer, its input and its outputs, straight from torch."""
    torch.manual_seed(1)
    rnn = nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)
    x = torch.tensor([[1.0] * 5, [2.0] * 5, [3.0] * 5]).reshape(1, 3, 5)
    with torch.no_grad():
        output, h_n = rnn(x)
    return rnn, x, output, h_n


def fmt(value: float) -> str:
    return f"{value:.4f}"


def shows(text: str, value: float) -> bool:
    """Whether ``text`` holds ``value`` to 4 decimals as a whole number, sign included."""
    return re.search(rf"(?<![\d.-]){re.escape(fmt(value))}(?!\d)", text) is not None


def test_seed_figures_are_what_torch_computes(seed):
    """Guards the constants below: the seed notebook's printed numbers equal torch's today."""
    rnn, _, output, _ = seed
    assert [fmt(v) for v in rnn.weight_ih_l0[0].tolist()][:2] == ["0.3643", "-0.3121"]
    assert [fmt(v) for v in output[0].flatten().tolist()] == [
        "-0.3520", "0.5253", "-0.6842", "0.7607", "-0.8649", "0.9047"]


def test_parameters_page_shows_every_weight(seed):
    rnn = seed[0]
    text = page_text("parametros.html")
    for name, p in rnn.named_parameters():
        for v in p.detach().flatten().tolist():
            assert shows(text, v), f"{name} value {fmt(v)} missing from parametros.html"


def test_column_page_shows_first_input_term(seed):
    rnn, x, _, _ = seed
    with torch.no_grad():
        term = rnn.weight_ih_l0 @ x[0, 0] + rnn.bias_ih_l0
    text = page_text("paso-columna.html")
    for v in term.tolist():
        assert shows(text, v)


@pytest.mark.parametrize("page", ["paso-fila.html", "bucle.html"])
def test_pages_show_the_layers_first_output(seed, page):
    output = seed[2]
    text = page_text(page)
    for v in output[0, 0].tolist():
        assert shows(text, v)


def test_loop_page_shows_all_three_outputs(seed):
    _, _, output, h_n = seed
    text = page_text("bucle.html")
    for v in output.flatten().tolist() + h_n.flatten().tolist():
        assert shows(text, v)
