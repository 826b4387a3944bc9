"""Exercises at the end of each chapter, and ``check``, which tells a student whether an answer is right.

Each chapter's module registers its exercises; an answer is a function that computes it from the
exercise's definition (usually by running the PyTorch layer), never a stored number.
"""

from ._registry import EXERCISES, Exercise, Feedback, check, exercise, expected

from . import (  # noqa: F401  (importing a chapter's module registers its exercises)
    bucle,
    capas_apiladas_y_bidireccionales,
    comparacion,
    de_estados_a_predicciones,
    entrada_y_salidas,
    gradientes,
    gru,
    lstm,
    parametros,
    paso_columna,
    paso_fila,
    secuencias_de_distinta_longitud,
    serie_real,
    streaming,
)

__all__ = ["EXERCISES", "Exercise", "Feedback", "check", "exercise", "expected"]
