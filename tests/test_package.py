"""The package's public namespace: ``__all__`` names each public object once, sorted, and all of them exist."""

import pytest

import rnn_notes

pytestmark = pytest.mark.unit


def test_all_lists_each_name_once_and_sorted():
    assert len(rnn_notes.__all__) == len(set(rnn_notes.__all__))
    assert rnn_notes.__all__ == sorted(rnn_notes.__all__)


def test_all_names_exactly_the_public_objects():
    public = {name for name, value in vars(rnn_notes).items()
              if not name.startswith("_") and not isinstance(value, type(rnn_notes))}  # submodules apart
    assert set(rnn_notes.__all__) == public
