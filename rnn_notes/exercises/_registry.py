"""The exercises' registry and ``check``: each answer is computed from its definition when asked."""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor

from ..display import spanish_number

Answer = Tensor | int | tuple


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id, the chapter (page) it ends, and the function that computes its answer."""

    id: str
    chapter: str
    answer: Callable[[], Answer]

    @property
    def summary(self) -> str:
        """The first line of the answer function's docstring."""
        return (self.answer.__doc__ or "").strip().splitlines()[0]


EXERCISES: dict[str, Exercise] = {}


def exercise(exercise_id: str) -> Callable[[Callable[[], Answer]], Callable[[], Answer]]:
    """Register the decorated function as the answer of ``exercise_id``; its module names the chapter."""

    def register(function: Callable[[], Answer]) -> Callable[[], Answer]:
        chapter = function.__module__.rpartition(".")[2].replace("_", "-")
        if not exercise_id.startswith(chapter + "-"):
            raise ValueError(f"exercise id must start with {chapter + '-'!r}, got {exercise_id!r}")
        if exercise_id in EXERCISES:
            raise ValueError(f"exercise id {exercise_id!r} is already registered")
        if not (function.__doc__ or "").strip():
            raise ValueError(f"the answer of {exercise_id!r} needs a docstring (its summary)")
        EXERCISES[exercise_id] = Exercise(exercise_id, chapter, function)
        return function

    return register


def find(exercise_id: object) -> Exercise:
    """Return the registered exercise ``exercise_id``; an unknown id names the known ones."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a str such as 'bucle-cinco-pasos', got {type(exercise_id).__name__}")
    if exercise_id not in EXERCISES:
        same_chapter = sorted(i for i in EXERCISES if exercise_id.startswith(EXERCISES[i].chapter + "-"))
        if same_chapter:
            raise ValueError(f"unknown exercise id {exercise_id!r}; known ids: {', '.join(same_chapter)}")
        chapters = sorted({e.chapter for e in EXERCISES.values()})
        raise ValueError(f"unknown exercise id {exercise_id!r}; ids start with a chapter: {', '.join(chapters)}")
    return EXERCISES[exercise_id]


def expected(exercise_id: str) -> Answer:
    """The answer of an exercise, computed now from its definition; the caller's random state is left as it was."""
    exercise = find(exercise_id)
    with torch.random.fork_rng(devices=[]):
        return exercise.answer()


@dataclass(frozen=True)
class Feedback:
    """What ``check`` says about an answer; true only when it is right, shown as its Spanish message."""

    exercise: str
    status: Literal["correct", "wrong", "unanswered"]
    message: str

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        """The message as a paragraph, so Jupyter and the site wrap it on a narrow screen."""
        return f'<p class="rnn-notes-check">{html.escape(self.message)}</p>'


def check(exercise_id: str, answer: object, *, strict: bool = False) -> Feedback:
    """Tell, in Spanish, whether ``answer`` is the answer of ``exercise_id``; ``None`` means not answered yet.

    With ``strict=True`` a wrong or missing answer raises ``AssertionError`` with the same message:
    the site's solutions use it, so a wrong solution fails the build.
    """
    exercise = find(exercise_id)
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be True or False, got {type(strict).__name__}")
    if answer is None:
        feedback = Feedback(
            exercise.id, "unanswered",
            f"… Ejercicio {exercise.id}: sin responder todavía. "
            "Escribe tu respuesta en lugar de None y vuelve a ejecutar la celda.",
        )
    else:
        problem = difference(answer, expected(exercise.id))
        if problem is None:
            feedback = Feedback(exercise.id, "correct", f"✔ Ejercicio {exercise.id}: correcto.")
        else:
            feedback = Feedback(exercise.id, "wrong", f"✘ Ejercicio {exercise.id}: {problem}.")
    if strict and not feedback:
        raise AssertionError(feedback.message)
    return feedback


def difference(answer: object, expected: Answer) -> str | None:
    """How ``answer`` differs from ``expected``, in Spanish, or ``None`` if it is right."""
    if isinstance(expected, Tensor):
        return tensor_difference(answer, expected)
    if isinstance(expected, int) and not isinstance(expected, bool):
        return integer_difference(answer, expected)
    if isinstance(expected, tuple) and all(type(item) is int for item in expected):
        return sizes_difference(answer, expected)
    if isinstance(expected, tuple):
        if not isinstance(answer, (tuple, list)):
            return f"se esperaba una tupla de {count(len(expected))}, tu respuesta es de tipo {type(answer).__name__}"
        if len(answer) != len(expected):
            return f"tu respuesta tiene {count(len(answer))}, se esperaban {len(expected)}"
        for position, (given, wanted) in enumerate(zip(answer, expected), start=1):
            problem = difference(given, wanted)
            if problem is not None:
                return f"en el elemento {position}, {problem}"
        return None
    raise TypeError(f"an exercise's answer must be a Tensor, an int or a tuple of them, got {type(expected).__name__}")


def tensor_difference(answer: object, expected: Tensor) -> str | None:
    """Compare a tensor answer: type, shape, then values with ``torch.testing.assert_close``."""
    if expected.dim() == 0 and isinstance(answer, (int, float)) and not isinstance(answer, bool):
        answer = torch.tensor(answer, dtype=expected.dtype)
    if not isinstance(answer, Tensor):
        return f"se esperaba un tensor, tu respuesta es de tipo {type(answer).__name__}"
    if answer.shape != expected.shape:
        return f"la forma es {sizes(answer.shape)}, se esperaba {sizes(expected.shape)}"
    if expected.is_floating_point() and not answer.is_floating_point():
        return f"el tipo es {answer.dtype}, se esperaba un tensor de coma flotante ({expected.dtype})"
    answer = answer.detach().to(expected.dtype)
    if answer.isnan().any():
        return "tu respuesta contiene NaN (un valor no numérico)"
    try:
        torch.testing.assert_close(answer, expected)
    except AssertionError:
        gaps = (answer - expected).abs().double()
        gap = gaps.max().item()
        where = "" if expected.dim() == 0 else f" en el índice {index(torch.unravel_index(gaps.argmax(), gaps.shape))}"
        size = "infinita" if math.isinf(gap) else spanish_number(gap)
        return f"el valor difiere del esperado{where}: la diferencia es {size}, mayor que la tolerancia"
    return None


def integer_difference(answer: object, expected: int) -> str | None:
    """Compare a whole-number answer; a one-element integer tensor counts as its number.

    A wrong number is told only that it is wrong: saying higher or lower would give the answer away.
    """
    if isinstance(answer, Tensor) and answer.numel() == 1 and not answer.is_floating_point():
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, int):
        return f"se esperaba un número entero, tu respuesta es de tipo {type(answer).__name__}"
    if answer == expected:
        return None
    return f"tu respuesta es {answer}, que no es la esperada"


def sizes_difference(answer: object, expected: tuple[int, ...]) -> str | None:
    """Compare a tuple of whole numbers, such as a shape; a list, a ``torch.Size`` or a 1-D integer tensor also counts.

    A wrong answer is told where it differs, not what was expected: guessing must not reveal it.
    """
    if isinstance(answer, Tensor) and answer.dim() == 1 and not answer.is_floating_point():
        answer = answer.tolist()
    if type(answer) is int and len(expected) == 1:
        return f"tu respuesta es el número {answer}, no una tupla: una tupla de un elemento se escribe ({answer},)"
    if not isinstance(answer, (tuple, list)) or not all(type(item) is int for item in answer):
        return f"se esperaba una tupla de {count(len(expected), 'entero')}, tu respuesta es {answer!r}"
    if len(answer) != len(expected):
        return f"tu respuesta {sizes(answer)} tiene {count(len(answer), 'entero')}, se esperaban {len(expected)}"
    wrong = [str(i) for i, (given, wanted) in enumerate(zip(answer, expected), start=1) if given != wanted]
    if wrong:
        where = f"la posición {wrong[0]}" if len(wrong) == 1 else f"las posiciones {', '.join(wrong[:-1])} y {wrong[-1]}"
        return f"tu respuesta es {sizes(answer)}, que no coincide con la esperada en {where} (contando desde 1)"
    return None


def count(number: int, noun: str = "elemento") -> str:
    """``1 elemento``, ``3 elementos``."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def index(position: tuple[Tensor, ...]) -> str:
    """``[1, 0]``: a position as Python indexes a tensor."""
    return "[" + ", ".join(str(int(i)) for i in position) + "]"


def sizes(values: object) -> str:
    """``(2, 3)``, ``(5,)`` or ``()``: a shape as Python writes a tuple, from sizes or 0-d tensors."""
    return repr(tuple(int(v) for v in values))
