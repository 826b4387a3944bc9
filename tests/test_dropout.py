"""Dropout between stacked layers: the by-hand layers refuse it in training mode and match in eval mode."""

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_sequence
from torch.utils._pytree import tree_leaves

from rnn_notes import bptt, manual_gru, manual_lstm, manual_rnn, run_in_chunks, trace_rnn

pytestmark = pytest.mark.unit

# (layer class, its by-hand twin, extra sizes for the eval-mode comparison)
LAYERS = [
    pytest.param(nn.RNN, manual_rnn, dict(hidden_size=2), id="rnn"),
    pytest.param(nn.GRU, manual_gru, dict(hidden_size=2), id="gru"),
    pytest.param(nn.LSTM, manual_lstm, dict(hidden_size=4, proj_size=2), id="lstm",
                 marks=pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")),
]


@pytest.mark.parametrize(("kind", "manual", "sizes"), LAYERS)
def test_dropout_in_training_mode_is_refused(kind, manual, sizes):
    layer = kind(3, 2, num_layers=2, dropout=0.5)
    with pytest.raises(ValueError, match=r"dropout=0\.5.*expected dropout=0 or eval mode"):
        manual(layer, torch.randn(4, 3))


@pytest.mark.parametrize(("kind", "manual", "sizes"), LAYERS)
def test_dropout_in_eval_mode_matches(kind, manual, sizes):
    torch.manual_seed(0)
    layer = kind(3, num_layers=3, dropout=0.5, bidirectional=True, **sizes).eval()
    x = torch.randn(4, 2, 3)
    got, want = tree_leaves(manual(layer, x)), tree_leaves(layer(x))
    assert len(got) == len(want) >= 2
    for mine, theirs in zip(got, want):
        torch.testing.assert_close(mine, theirs)


# Every entry point that reads the output of a layer below another one, on a 2-layer nn.RNN.
STACKED_RNN_CALLS = [
    pytest.param(lambda rnn, x: manual_rnn(rnn, x), id="manual_rnn"),
    pytest.param(lambda rnn, x: manual_rnn(rnn, pack_sequence([x, x[:2]])), id="manual_rnn-packed"),
    pytest.param(lambda rnn, x: bptt(rnn, x, None, torch.ones(4, 2)), id="bptt"),
    pytest.param(lambda rnn, x: trace_rnn(rnn, x, layer=1), id="trace_rnn-layer-1"),
    pytest.param(lambda rnn, x: run_in_chunks(rnn, x, 2), id="run_in_chunks"),
]


@pytest.mark.parametrize("call", STACKED_RNN_CALLS)
def test_every_rnn_entry_point_refuses_dropout_in_training_mode(call):
    rnn = nn.RNN(3, 2, num_layers=2, dropout=0.5)
    x = torch.randn(4, 3)
    with pytest.raises(ValueError, match=r"dropout=0\.5.*expected dropout=0 or eval mode"):
        call(rnn, x)
    call(rnn.eval(), x)  # the same call in eval mode runs
