"""packed_batch draws what pack_padded_sequence builds: its cells are torch's layout."""

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnn_notes import packed_batch

pytestmark = pytest.mark.unit


def _packed(lengths, enforce_sorted):
    x = torch.randn(len(lengths), max(lengths), 2)
    return pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=enforce_sorted)


def _rows(packed):
    """For each sequence and step, the row of data that holds it (-1 for padding), from torch's unpacking."""
    numbered = packed._replace(data=torch.arange(packed.data.shape[0], dtype=torch.float32).unsqueeze(1))
    return pad_packed_sequence(numbered, batch_first=True, padding_value=-1)[0][..., 0].long()


def _patches(drawn, prefix):
    return [p.get_gid() for p in drawn.figure.axes[0].patches if (p.get_gid() or "").startswith(prefix)]


@pytest.mark.parametrize("lengths, enforce_sorted", [([3, 2, 1], True), ([2, 3, 1], False),
                                                     ([1, 4, 4, 2], False), ([1], True), ([2, 2], True)])
def test_cells_follow_the_packed_sequence(lengths, enforce_sorted):
    packed = _packed(lengths, enforce_sorted)
    drawn = packed_batch(packed)
    rows = _rows(packed)
    real = {f"real-{i}-{t + 1}-row-{int(rows[i, t])}" for i in range(len(lengths)) for t in range(max(lengths))
            if rows[i, t] >= 0}
    padding = {f"padding-{i}-{t + 1}" for i in range(len(lengths)) for t in range(max(lengths)) if rows[i, t] < 0}
    assert set(_patches(drawn, "real-")) == real
    assert set(_patches(drawn, "padding-")) == padding
    assert len(real) == sum(lengths) == packed.data.shape[0]
    assert sorted(_patches(drawn, "data-")) == sorted(f"data-{k}" for k in range(packed.data.shape[0]))
    assert f"batch_sizes = {packed.batch_sizes.tolist()}" in drawn.alt
    assert f"longitudes {', '.join(map(str, lengths))}" in drawn.alt


def test_refuses_what_it_cannot_draw():
    with pytest.raises(TypeError, match="packed must be a torch.nn.utils.rnn.PackedSequence, got Tensor"):
        packed_batch(torch.zeros(3, 2))
    with pytest.raises(ValueError, match="at most 12 rows of data, got 15"):
        packed_batch(_packed([5, 5, 5], True))
