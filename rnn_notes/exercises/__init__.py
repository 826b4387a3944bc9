"""Exercises at the end of each chapter, and ``check``, which tells a student whether an answer is right.

Each chapter's module registers its exercises; an answer is a function that computes it from the
exercise's definition (usually by running the PyTorch layer), never a stored number.
"""

from ._registry import EXERCISES, Exercise, Feedback, check, exercise, expected

from . import bucle  # noqa: E402,F401  (each chapter module registers its exercises)
from . import comparacion  # noqa: E402,F401
from . import gru  # noqa: E402,F401
from . import lstm  # noqa: E402,F401

__all__ = ["EXERCISES", "Exercise", "Feedback", "check", "exercise", "expected"]
