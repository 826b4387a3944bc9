"""rnn_notes.check: Spanish feedback on right, unanswered, wrong-shape and wrong-value answers."""

import pytest
import torch

from rnn_notes import check
from rnn_notes.exercises import EXERCISES, Feedback, exercise, expected
from rnn_notes.exercises._registry import difference

pytestmark = pytest.mark.unit
IDS = sorted(EXERCISES)


def shape_text(shape) -> str:
    return repr(tuple(shape))


def wrong_copy(answer):
    """A plausible wrong answer of the same type: one number off."""
    if isinstance(answer, torch.Tensor):
        return answer + 1
    if isinstance(answer, int):
        return answer + 1
    return (wrong_copy(answer[0]),) + tuple(answer[1:])


def test_there_are_exercises():
    assert len(IDS) >= 2


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_expected_answer_is_right(exercise_id):
    feedback = check(exercise_id, expected(exercise_id))
    assert isinstance(feedback, Feedback) and feedback
    assert feedback.status == "correct"
    assert repr(feedback) == f"✔ Ejercicio {exercise_id}: correcto."
    assert check(exercise_id, expected(exercise_id), strict=True)


@pytest.mark.parametrize("exercise_id", IDS)
def test_none_means_not_answered_yet(exercise_id):
    feedback = check(exercise_id, None)
    assert not feedback and feedback.status == "unanswered"
    assert "sin responder" in repr(feedback) and "None" in repr(feedback)
    with pytest.raises(AssertionError, match="sin responder"):
        check(exercise_id, None, strict=True)


@pytest.mark.parametrize("exercise_id", IDS)
def test_a_wrong_answer_is_wrong_and_strict_raises(exercise_id):
    answer = expected(exercise_id)
    feedback = check(exercise_id, wrong_copy(answer))
    assert not feedback and feedback.status == "wrong"
    assert repr(feedback).startswith(f"✘ Ejercicio {exercise_id}: ")
    with pytest.raises(AssertionError) as raised:
        check(exercise_id, wrong_copy(answer), strict=True)
    assert str(raised.value) == repr(feedback)


@pytest.mark.parametrize("exercise_id", [i for i in IDS if isinstance(expected(i), torch.Tensor)])
def test_a_tensor_answer_with_another_shape_names_both_shapes(exercise_id):
    answer = expected(exercise_id)
    given = answer.unsqueeze(0)
    message = repr(check(exercise_id, given))
    assert f"la forma es {shape_text(given.shape)}, se esperaba {shape_text(answer.shape)}" in message


def test_feedback_shows_as_an_html_paragraph_that_wraps():
    feedback = check("bucle-cinco-pasos", torch.zeros(1, 2))
    assert feedback._repr_html_() == f'<p class="rnn-notes-check">{feedback.message}</p>'
    assert check("bucle-cinco-pasos", None)._repr_html_().count("<p") == 1


def test_a_wrong_value_says_where_and_by_how_much():
    expected_h = expected("bucle-cinco-pasos")
    given = expected_h.clone()
    given[1] += 0.5
    message = repr(check("bucle-cinco-pasos", given))
    assert "el valor difiere del esperado en el índice [1]: la diferencia es 5,0·10⁻¹" in message


def test_a_float64_answer_of_a_float32_exercise_is_accepted():
    assert check("bucle-estado-inicial", expected("bucle-estado-inicial").double())


def test_values_within_float32_tolerance_are_accepted_and_beyond_are_not():
    answer = expected("bucle-estado-inicial")
    assert check("bucle-estado-inicial", answer * (1 + 1e-7))
    assert not check("bucle-estado-inicial", answer * (1 + 1e-3))


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ([[0.0, 0.0]] * 3, "se esperaba un tensor, tu respuesta es de tipo list"),
        (torch.zeros(3, 2, dtype=torch.int64), "el tipo es torch.int64, se esperaba un tensor de coma flotante (torch.float32)"),
        (torch.full((3, 2), float("nan")), "NaN"),
        (torch.full((3, 2), float("inf")), "la diferencia es infinita"),
    ],
)
def test_a_tensor_exercise_explains_a_wrong_kind_of_answer(given, words):
    assert words in repr(check("bucle-estado-inicial", given))


def test_an_integer_exercise_accepts_an_integer_tensor_and_refuses_bool_and_float():
    step = expected("bucle-saturacion")
    assert check("bucle-saturacion", torch.tensor(step))
    assert "se esperaba un número entero, tu respuesta es de tipo float" in repr(check("bucle-saturacion", float(step)))
    assert "de tipo bool" in repr(check("bucle-saturacion", True))
    assert str(step) not in repr(check("bucle-saturacion", step + 1)).replace(str(step + 1), "")  # not given away


def test_a_wrong_integer_is_not_told_higher_or_lower():
    step = expected("bucle-saturacion")
    above, below = (repr(check("bucle-saturacion", n)) for n in (step + 1, step - 1))
    assert above == f"✘ Ejercicio bucle-saturacion: tu respuesta es {step + 1}, que no es la esperada."
    # The two messages differ only in the number given: nothing points up or down.
    assert above.replace(str(step + 1), "N") == below.replace(str(step - 1), "N")


def test_a_shape_exercise_accepts_a_size_a_list_or_an_integer_tensor_and_does_not_give_it_away():
    shape = expected("parametros-segunda-capa")
    assert check("parametros-segunda-capa", torch.Size(shape))
    assert check("parametros-segunda-capa", list(shape))
    assert check("parametros-segunda-capa", torch.tensor(shape))
    off = (shape[0], shape[1] + 1)
    message = repr(check("parametros-segunda-capa", off))
    assert f"tu respuesta es {off}, que no coincide con la esperada en la posición 2 (contando desde 1)" in message
    assert str(shape) not in message
    both = (shape[0] + 1, shape[1] + 1)
    assert "en las posiciones 1 y 2 (contando desde 1)" in repr(check("parametros-segunda-capa", both))
    assert f"tu respuesta {shape + (1,)} tiene 3 enteros, se esperaban 2" in repr(check("parametros-segunda-capa", shape + (1,)))
    assert "se esperaba una tupla de 2 enteros" in repr(check("parametros-segunda-capa", "3, 2"))
    assert "se esperaba una tupla de 2 enteros" in repr(check("parametros-segunda-capa", torch.ones(2)))


def test_a_number_where_a_one_element_shape_is_expected_says_how_to_write_the_tuple():
    shapes = expected("parametros-formas")
    given = shapes[:2] + (shapes[2][0],) + shapes[3:]
    message = repr(check("parametros-formas", given))
    assert f"en el elemento 3, tu respuesta es el número {shapes[2][0]}, no una tupla" in message
    assert f"se escribe ({shapes[2][0]},)" in message


def test_a_tuple_of_answers_names_the_wrong_element():
    shapes = expected("parametros-formas")
    given = shapes[:2] + ((9,),) + shapes[3:]
    assert "en el elemento 3, tu respuesta es (9,), que no coincide con la esperada en la posición 1 (contando desde 1)" in repr(check("parametros-formas", given))
    assert f"tu respuesta tiene 3 elementos, se esperaban {len(shapes)}" in repr(check("parametros-formas", shapes[:3]))
    assert "se esperaba una tupla de 4 elementos" in repr(check("parametros-formas", 7))


def test_an_unknown_id_is_a_value_error_naming_the_chapters_ids_or_the_chapters():
    with pytest.raises(ValueError, match="unknown exercise id 'bucle-relux'; known ids: bucle-") as raised:
        check("bucle-relux", None)
    assert all(i in str(raised.value) for i in IDS if i.startswith("bucle-"))
    assert "parametros-" not in str(raised.value)
    with pytest.raises(ValueError, match="unknown exercise id 'paso_fila-lote'; ids start with a chapter: ") as raised:
        expected("paso_fila-lote")
    chapters = {EXERCISES[i].chapter for i in IDS}
    assert str(raised.value).endswith(", ".join(sorted(chapters)))


@pytest.mark.parametrize("exercise_id", IDS)
def test_checking_leaves_the_callers_random_state_alone(exercise_id):
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    check(exercise_id, None)
    check(exercise_id, expected(exercise_id))
    assert torch.equal(torch.random.get_rng_state(), before)


def test_bad_arguments_are_type_errors():
    with pytest.raises(TypeError, match="exercise_id must be a str such as 'bucle-cinco-pasos', got int"):
        check(3, None)
    with pytest.raises(TypeError, match="strict must be True or False, got str"):
        check(IDS[0], None, strict="yes")
    with pytest.raises(TypeError, match="an exercise's answer must be a Tensor, an int or a tuple of them, got float"):
        difference(1.0, 1.5)


def registered_in(chapter: str, exercise_id: str, doc: str | None = "An answer."):
    def answer() -> int:
        return 1

    answer.__module__ = f"rnn_notes.exercises.{chapter}"
    answer.__doc__ = doc
    return exercise(exercise_id)(answer)


@pytest.mark.parametrize(
    ("chapter", "exercise_id", "doc", "message"),
    [
        ("paso_columna", "bucle-otro", "An answer.", "exercise id must start with 'paso-columna-', got 'bucle-otro'"),
        ("bucle", "bucle-cinco-pasos", "An answer.", "exercise id 'bucle-cinco-pasos' is already registered"),
        ("bucle", "bucle-sin-docstring", None, "the answer of 'bucle-sin-docstring' needs a docstring"),
    ],
)
def test_registering_an_exercise_checks_its_id_and_docstring(chapter, exercise_id, doc, message):
    before = dict(EXERCISES)
    with pytest.raises(ValueError, match=message):
        registered_in(chapter, exercise_id, doc)
    assert EXERCISES == before


def test_every_answer_has_a_summary_and_its_chapter_prefix():
    for exercise_id, registered in EXERCISES.items():
        assert registered.summary
        assert exercise_id.startswith(registered.chapter + "-")
