"""rnn_notes.labs on its own: the data a page's lab carries, its static table, and bad input."""

import json

import pytest
import torch
from bs4 import BeautifulSoup
from torch import nn

from rnn_notes import seed_rnn, seed_sequence
from rnn_notes.labs import Lab, lab, lab_data

pytestmark = pytest.mark.unit


def test_weights_are_the_layers_own():
    rnn = seed_rnn()
    data = lab_data(rnn, seed_sequence())
    assert data["kind"] == "rnn" and (data["input_size"], data["hidden_size"]) == (5, 2)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        exported = torch.tensor(data["weights"][name], dtype=torch.float32)
        assert torch.equal(exported, getattr(rnn, name + "_l0"))  # float32 -> float64 -> float32 is exact


@pytest.mark.parametrize("batch_first", [True, False])
def test_states_match_the_layer(batch_first):
    torch.manual_seed(7)
    rnn = nn.RNN(4, 3, batch_first=batch_first)
    x, h0 = torch.randn(6, 4), torch.randn(3)
    data = lab_data(rnn, x, h0)
    with torch.no_grad():
        output, _ = rnn(x.unsqueeze(0) if batch_first else x.unsqueeze(1), h0.reshape(1, 1, 3))
    expected = output[0] if batch_first else output[:, 0]
    torch.testing.assert_close(torch.tensor(data["h"], dtype=torch.float64), expected.double(), atol=1e-6, rtol=0)
    assert data["x"] == x.double().tolist() and data["h0"] == h0.double().tolist()


def test_h0_defaults_to_zeros():
    assert lab_data(seed_rnn(), seed_sequence())["h0"] == [0.0, 0.0]


def test_html_holds_the_static_table_and_the_data():
    rnn, x = seed_rnn(), seed_sequence()
    shown = lab(rnn, x, where="bucle.html")
    soup = BeautifulSoup(shown._repr_html_(), "html.parser")
    (root,) = soup.select("div.lab")
    assert root["data-lab"] == "rnn"
    assert json.loads(root.select_one('script[type="application/json"]').string) == lab_data(rnn, x)
    with torch.no_grad():
        output, _ = rnn(x.unsqueeze(0))
    rows = [[cell.get_text() for cell in row.select("td")] for row in root.select("table.lab-static tbody tr")]
    assert rows[:5] == [[f"{value:.4f}" for value in x[:, i].tolist()] for i in range(5)]
    states = [[float(text) for text in row] for row in rows[5:]]
    torch.testing.assert_close(torch.tensor(states).T, output[0], atol=0.5e-4 + 1e-6, rtol=0)
    assert "bucle.html" in root.select_one("p.lab-note").get_text() and "bucle.html" in repr(shown)
    assert isinstance(shown, Lab)


def test_nothing_in_the_data_can_close_the_script():
    data = lab_data(seed_rnn(), seed_sequence())
    html = lab(seed_rnn(), seed_sequence(), where="</script><b>")._repr_html_()
    soup = BeautifulSoup(html, "html.parser")
    assert json.loads(soup.select_one("script").string) == data
    assert soup.select_one("b") is None


@pytest.mark.parametrize(
    "module, x, h0, error, words",
    [
        (nn.Linear(5, 2), seed_sequence(), None, TypeError, "nn.RNN, nn.LSTM or nn.GRU, got Linear"),
        (nn.RNN(5, 2, num_layers=2), seed_sequence(), None, ValueError, "num_layers=2"),
        (nn.RNN(5, 2, bidirectional=True), seed_sequence(), None, ValueError, "bidirectional=True"),
        (nn.RNN(5, 2, nonlinearity="relu"), seed_sequence(), None, ValueError, "relu"),
        (nn.RNN(5, 2, bias=False), seed_sequence(), None, ValueError, "bias=False"),
        (nn.RNN(5, 2), seed_sequence().unsqueeze(0), None, ValueError, "(1, 3, 5)"),
        (nn.RNN(5, 2), torch.ones(3, 4), None, ValueError, "(3, 4)"),
        (nn.RNN(5, 2), torch.ones(0, 5), None, ValueError, "at least one step"),
        (nn.RNN(5, 2), torch.ones(3, 5, dtype=torch.long), None, TypeError, "floating"),
        (nn.RNN(5, 2), [[1.0] * 5], None, TypeError, "list"),
        (nn.RNN(5, 2), seed_sequence(), torch.zeros(1, 1, 2), ValueError, "(1, 1, 2)"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(module, x, h0, error, words):
    with pytest.raises(error) as raised:
        lab_data(module, x, h0)
    assert words in str(raised.value)


def test_where_must_name_a_place():
    with pytest.raises(TypeError, match="where"):
        lab(seed_rnn(), seed_sequence(), where=" ")


def test_lstm_gates_and_cell_states_match_the_layer():
    torch.manual_seed(3)
    lstm = nn.LSTM(4, 3, batch_first=True)
    x, h0, c0 = torch.randn(5, 4), torch.randn(3), torch.randn(3)
    data = lab_data(lstm, x, h0, c0)
    assert list(data["gates"]) == ["i", "f", "g", "o"] and data["c0"] == c0.double().tolist()
    with torch.no_grad():  # each prefix's c_n is c_t
        cells = torch.stack([lstm(x[: t + 1].unsqueeze(0), (h0.reshape(1, 1, 3), c0.reshape(1, 1, 3)))[1][1][0, 0]
                             for t in range(5)])
        output, _ = lstm(x.unsqueeze(0), (h0.reshape(1, 1, 3), c0.reshape(1, 1, 3)))
        w_ih, w_hh = lstm.weight_ih_l0, lstm.weight_hh_l0
        previous = torch.cat([h0.unsqueeze(0), output[0, :-1]])
        pre = (x @ w_ih.T + lstm.bias_ih_l0 + previous @ w_hh.T + lstm.bias_hh_l0).chunk(4, dim=1)
    expected = {"i": torch.sigmoid(pre[0]), "f": torch.sigmoid(pre[1]), "g": torch.tanh(pre[2]), "o": torch.sigmoid(pre[3])}
    close = dict(atol=1e-6, rtol=0)
    torch.testing.assert_close(torch.tensor(data["h"], dtype=torch.float32), output[0], **close)
    torch.testing.assert_close(torch.tensor(data["c"], dtype=torch.float32), cells, **close)
    for name, values in expected.items():
        torch.testing.assert_close(torch.tensor(data["gates"][name], dtype=torch.float32), values, **close)


def test_gru_gates_match_the_layer():
    torch.manual_seed(4)
    gru = nn.GRU(4, 3)  # batch_first=False too
    x, h0 = torch.randn(5, 4), torch.randn(3)
    data = lab_data(gru, x, h0)
    assert list(data["gates"]) == ["r", "z", "n"] and "c" not in data
    with torch.no_grad():
        output, _ = gru(x.unsqueeze(1), h0.reshape(1, 1, 3))
        previous = torch.cat([h0.unsqueeze(0), output[:-1, 0]])
        i_r, i_z, i_n = (x @ gru.weight_ih_l0.T + gru.bias_ih_l0).chunk(3, dim=1)
        h_r, h_z, h_n = (previous @ gru.weight_hh_l0.T + gru.bias_hh_l0).chunk(3, dim=1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    close = dict(atol=1e-6, rtol=0)
    torch.testing.assert_close(torch.tensor(data["h"], dtype=torch.float32), output[:, 0], **close)
    for name, values in {"r": r, "z": z, "n": torch.tanh(i_n + r * h_n)}.items():
        torch.testing.assert_close(torch.tensor(data["gates"][name], dtype=torch.float32), values, **close)


def test_static_table_shows_gates_and_cell_states():
    torch.manual_seed(1)
    lstm = nn.LSTM(5, 2, batch_first=True)
    soup = BeautifulSoup(lab(lstm, seed_sequence(), where="lstm.html")._repr_html_(), "html.parser")
    heads = [row.th.get_text() for row in soup.select("table.lab-static tbody tr")]
    assert heads[5:] == [f"{name}t,{j}" for name in "ifgoch" for j in (1, 2)]
    assert soup.select_one("div.lab")["data-lab"] == "lstm"


@pytest.mark.parametrize(
    "module, c0, words",
    [
        (nn.LSTM(5, 3, proj_size=2), None, "proj_size=2"),
        (nn.GRU(5, 2), torch.zeros(2), "c0"),
        (nn.LSTM(5, 2), torch.zeros(3), "(3,)"),
    ],
)
def test_gate_layers_bad_input(module, c0, words):
    with pytest.raises((TypeError, ValueError)) as raised:
        lab_data(module, seed_sequence(), None, c0)
    assert words in str(raised.value)
