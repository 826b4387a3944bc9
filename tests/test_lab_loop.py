"""The loop lab (bucle.html, docs/_static/labs.js): the step-through and its figure, the presets, the page's question.

Driven through the labs' contract (tests/labs_support.py) and checked against the page's layer in float64.
"""

import pytest
import torch

from labs_support import (  # noqa: F401 (opened, lab and page are fixtures)
    FIGURE_DECIMALS, LOOP_LAB, PAGE_X, READ_INPUTS, READ_OUTPUTS, RNN_LAB, SET_VALUES, TOLERANCE, ZEROS,
    check, lab, opened, page, reference, retype, rounded,
)


# -- The loop lab: the step-through, its figure, the presets, the page's question -----------

FIGURE = """(root) => {
  const figure = document.querySelector(`${root} svg.lab-unrolled`);
  return {current: [...figure.querySelectorAll(".lab-current")].map(g => g.dataset.t),
          box: [...figure.querySelectorAll(".lab-current > rect.lab-box")].map(box => box.dataset.t),
          label: figure.getAttribute("aria-label"), role: figure.getAttribute("role"),
          values: Object.fromEntries([...figure.querySelectorAll("text.lab-value")]
            .map(text => [`${text.dataset.t},${text.dataset.j}`, text.textContent]))};
}"""


def figure_matches(page, x: list, h0: list, step: int) -> None:
    """The unrolled network highlights step ``step`` alone and draws torch's h_0..h_T rounded to FIGURE_DECIMALS."""
    figure = page.evaluate(FIGURE, RNN_LAB)
    assert figure["current"] == figure["box"] == [str(step)] and figure["role"] == "img", figure
    states = torch.cat([torch.tensor([h0], dtype=torch.float64), reference("rnn", x, h0)["h"]])
    for t in range(4):
        for j in (1, 2):
            text = figure["values"][f"{t},{j}"]
            assert abs(float(text) - states[t, j - 1].item()) <= 0.5 * 10 ** -FIGURE_DECIMALS + TOLERANCE, (t, j, text)
            assert len(text.split(".")[1]) == FIGURE_DECIMALS, text
    label = figure["label"]
    assert f"paso t = {step} resaltado" in label and "h" + "₀₁₂₃"[step] in label, label
    assert all(rounded(v, FIGURE_DECIMALS) in label for v in states[step].tolist()), label


@pytest.mark.browser
@LOOP_LAB
def test_stepping_through_shows_each_steps_pieces_and_highlights_it(page):
    previous = page.get_by_role("button", name="Paso anterior")
    following = page.get_by_role("button", name="Paso siguiente")
    assert previous.is_disabled()
    figure_matches(page, PAGE_X, ZEROS, 1)
    for step in (2, 3):
        following.click()
        outputs = page.evaluate(READ_OUTPUTS, RNN_LAB)
        assert outputs["step"][0] == f"t = {step} de 3"
        check(outputs, "rnn", PAGE_X, ZEROS, step=step)
        figure_matches(page, PAGE_X, ZEROS, step)
    assert following.is_disabled()
    previous.click()
    check(page.evaluate(READ_OUTPUTS, RNN_LAB), "rnn", PAGE_X, ZEROS, step=2)
    figure_matches(page, PAGE_X, ZEROS, 2)
    x = [[0.5, -1.0, 2.0, 0.0, 1.5], [-3.0, 0.25, 1.0, -0.5, 2.0], [1.0, 1.0, -2.0, 0.75, -1.25]]
    h0 = [0.3, -0.8]
    values = {f"x[{t + 1}][{i + 1}]": str(v) for t, row in enumerate(x) for i, v in enumerate(row)}
    page.evaluate(SET_VALUES, [RNN_LAB, values | {"h0[1]": "0.3", "h0[2]": "-0.8"}])
    figure_matches(page, x, h0, 2)
    previous.focus()
    page.keyboard.press("Enter")  # the figure follows the keyboard
    figure_matches(page, x, h0, 1)


@pytest.mark.browser
@LOOP_LAB
def test_presets_set_the_input_and_the_states_follow(page):
    page.get_by_role("button", name="Todo ceros").click()
    inputs = page.evaluate(READ_INPUTS, RNN_LAB)
    assert all(float(inputs[f"x[{t}][{i}]"]) == 0 for t in (1, 2, 3) for i in range(1, 6))
    check(page.evaluate(READ_OUTPUTS, RNN_LAB), "rnn", [[0.0] * 5] * 3, ZEROS)

    page.get_by_role("button", name="Un pico en t = 2").click()
    inputs = page.evaluate(READ_INPUTS, RNN_LAB)
    x = [[float(inputs[f"x[{t}][{i}]"]) for i in range(1, 6)] for t in (1, 2, 3)]
    assert x[0] == x[2] == [0.0] * 5 and all(v != 0 for v in x[1])
    check(page.evaluate(READ_OUTPUTS, RNN_LAB), "rnn", x, ZEROS)

    page.get_by_label("Semilla de la entrada al azar").fill("7")
    page.get_by_role("button", name="Al azar").click()
    first = page.evaluate(READ_INPUTS, RNN_LAB)
    page.get_by_role("button", name="La de la página").click()
    assert float(page.evaluate(READ_INPUTS, RNN_LAB)["x[3][5]"]) == 3.0
    page.get_by_role("button", name="Al azar").click()
    again = page.evaluate(READ_INPUTS, RNN_LAB)
    assert again == first, "the same seed gave another input"
    x = [[float(again[f"x[{t}][{i}]"]) for i in range(1, 6)] for t in (1, 2, 3)]
    assert len({v for row in x for v in row}) > 5
    check(page.evaluate(READ_OUTPUTS, RNN_LAB), "rnn", x, ZEROS)


@pytest.mark.browser
@LOOP_LAB
def test_the_question_x2_to_zero_can_be_answered_with_the_keyboard(page):
    """The page's question: x_2 set to zero by keyboard alone changes h_3, as torch says."""
    page.locator(f'{RNN_LAB} input[name="x[2][1]"]').focus()
    for i in range(1, 6):
        retype(page, "0")
        if i < 5:  # the next feature of x_2 is three fields on (one per step)
            for _ in range(3):
                page.keyboard.press("Tab")
    x = [[1.0] * 5, [0.0] * 5, [3.0] * 5]
    assert [float(v) for k, v in page.evaluate(READ_INPUTS, RNN_LAB).items() if k.startswith("x[2]")] == [0.0] * 5
    check(page.evaluate(READ_OUTPUTS, RNN_LAB), "rnn", x, ZEROS)


@pytest.mark.browser
@LOOP_LAB
def test_a_comma_types_a_point_and_an_empty_field_is_marked_and_counts_as_zero(page):
    field = page.locator(f'{RNN_LAB} input[name="x[1][1]"]')
    field.focus()
    retype(page, "0,5")  # a Spanish keyboard's decimal comma
    assert field.input_value() == "0.5"
    x = [[0.5] + [1.0] * 4, [2.0] * 5, [3.0] * 5]
    check(page.evaluate(READ_OUTPUTS, RNN_LAB), "rnn", x, ZEROS)
    assert page.evaluate(READ_OUTPUTS, RNN_LAB)["warning"][0] == ""
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    outputs = page.evaluate(READ_OUTPUTS, RNN_LAB)
    check(outputs, "rnn", [[0.0] + [1.0] * 4, [2.0] * 5, [3.0] * 5], ZEROS)
    assert field.get_attribute("aria-invalid") == "true" and "cuenta como 0" in outputs["warning"][0]
    page.keyboard.type("1")
    assert field.get_attribute("aria-invalid") is None and page.evaluate(READ_OUTPUTS, RNN_LAB)["warning"][0] == ""
