"""The shared argument checks of rnn_notes._checks: what they accept, and what they say when they refuse."""

import math
from fractions import Fraction

import pytest
import torch

from rnn_notes import _checks

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("value", [1, 0.5, 1e-300, 3, Fraction(1, 3)])
def test_positive_returns_a_float(value):
    got = _checks.positive("lr", value)
    assert type(got) is float and got == float(value)


@pytest.mark.parametrize("value, error, message", [
    (True, TypeError, "lr must be a real number, got bool"),
    (False, TypeError, "lr must be a real number, got bool"),
    ("0.1", TypeError, "lr must be a real number, got str"),
    (None, TypeError, "lr must be a real number, got NoneType"),
    (torch.tensor(0.1), TypeError, "lr must be a real number, got Tensor"),
    (1j, TypeError, "lr must be a real number, got complex"),
    (math.nan, ValueError, "lr must be a finite number, got nan"),
    (math.inf, ValueError, "lr must be a finite number, got inf"),
    (-math.inf, ValueError, "lr must be a finite number, got -inf"),
    (0, ValueError, "lr must be a number > 0, got 0"),
    (-0.0, ValueError, "lr must be a number > 0, got -0.0"),
    (-2, ValueError, "lr must be a number > 0, got -2"),
])
def test_positive_refuses_what_is_not_a_finite_positive_real(value, error, message):
    with pytest.raises(error, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        _checks.positive("lr", value)


@pytest.mark.parametrize("value", [-3, 0, 2.5, -1e300])
def test_real_accepts_any_finite_real(value):
    assert _checks.real("value", value) == value


@pytest.mark.parametrize("value, error", [(True, TypeError), ("1", TypeError), (math.nan, ValueError)])
def test_real_refuses_bools_text_and_nan(value, error):
    with pytest.raises(error, match="^value must be a (real|finite) number, got "):
        _checks.real("value", value)


@pytest.mark.parametrize("value, error, message", [
    (True, TypeError, "steps must be an int, got bool"),
    (2.0, TypeError, "steps must be an int, got float"),
    (0, ValueError, "steps must be >= 1, got 0"),
])
def test_count_refuses_what_is_not_an_int_at_least_one(value, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        _checks.count("steps", value)
