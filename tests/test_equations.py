"""latex_product and latex_aligned: the numbers, the shapes under them, the narrow version, and clear errors."""

import re

import pytest
import torch

from rnn_notes import latex_aligned, latex_matrix, latex_product
from rnn_notes.equations import NARROW_MARK

pytestmark = pytest.mark.unit


def test_matrix_times_column_plus_bias_shows_numbers_and_shapes_in_order():
    w = torch.tensor([[1.5, -2.0, 0.25], [0.0, 1.0, -0.125]])
    x = torch.tensor([[2.0], [1.0], [4.0]])
    b = torch.tensor([[0.5], [-1.0]])
    text = latex_product([w, x], bias=b, result=w @ x + b, decimals=3, layout="line")
    # Every value of w, x and b, with three decimals, in reading order.
    for number in ("1.500", "-2.000", "0.250", "-0.125", "4.000", "0.500", "-1.000"):
        assert number in text
    # w @ x + b = [[2.5], [-0.5]] by hand.
    assert r"2.500 \\ -0.500" in text
    shapes = [r"_{2\times 3}", r"_{3\times 1}", r"_{2\times 1}", r"_{2\times 1}"]
    position = 0
    for shape in shapes:  # each shape under its matrix, left to right
        position = text.index(shape, position) + 1
    assert text.count(r"\underbrace") == 4
    assert text.index(" + ") < text.index(" = ")
    assert text.count("{") == text.count("}")


def test_row_times_matrix_without_bias_or_result():
    text = latex_product([torch.ones(1, 2), torch.ones(2, 3)])
    assert r"_{1\times 2}" in text and r"_{2\times 3}" in text
    assert "+" not in text and "=" not in text


def test_names_go_above_the_shapes():
    w, x = torch.ones(2, 5), torch.ones(5, 1)
    text = latex_product([w, x], result=w @ x, names=["W_{ih}", "x_0", "r"])
    assert r"\substack{W_{ih} \\ 2\times 5}" in text
    assert r"\substack{x_0 \\ 5\times 1}" in text
    assert r"\substack{r \\ 2\times 1}" in text


def test_inner_sizes_must_match():
    with pytest.raises(ValueError, match=r"factors\[1\] must have 5 rows.*got shape \(4, 1\)"):
        latex_product([torch.ones(2, 5), torch.ones(4, 1)])


def test_bias_and_result_must_have_the_product_shape():
    w, x = torch.ones(2, 5), torch.ones(5, 1)
    with pytest.raises(ValueError, match=r"bias must be 2-D.*got shape \(2,\)"):
        latex_product([w, x], bias=torch.ones(2))
    with pytest.raises(ValueError, match=r"bias must have shape \(2, 1\).*got \(1, 2\)"):
        latex_product([w, x], bias=torch.ones(1, 2))
    with pytest.raises(ValueError, match=r"result must have shape \(2, 1\).*got \(2, 2\)"):
        latex_product([w, x], result=torch.ones(2, 2))


def test_bad_factors_and_names_are_refused():
    with pytest.raises(ValueError, match=r"factors\[0\] must be 2-D.*got shape \(5,\)"):
        latex_product([torch.ones(5)])
    with pytest.raises(TypeError, match="non-empty list"):
        latex_product([])
    with pytest.raises(TypeError, match="non-empty list"):
        latex_product(torch.ones(2, 2))
    with pytest.raises(TypeError, match="must be a torch.Tensor, got list"):
        latex_product([[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"one name per matrix shown \(2\)"):
        latex_product([torch.ones(1, 2), torch.ones(2, 1)], names=["a"])


def test_result_below_puts_the_result_on_a_second_aligned_line():
    a, b, r = torch.ones(1, 2), torch.ones(2, 1), torch.full((1, 1), 2.0)
    one_line = latex_product([a, b], result=r)
    two_lines = latex_product([a, b], result=r, result_below=True)
    left, right = one_line.split(" = ")
    assert two_lines == rf"\begin{{aligned}} & {left} \\ &= {right} \end{{aligned}}"


def test_a_result_that_is_not_the_product_fails():
    w = torch.tensor([[1.5, -2.0, 0.25], [0.0, 1.0, -0.125]])
    x = torch.tensor([[2.0], [1.0], [4.0]])
    b = torch.tensor([[0.5], [-1.0]])
    wrong = w @ x + b
    wrong[1, 0] += 1e-3  # off in the fourth decimal: a false equation
    with pytest.raises(ValueError, match=r"result must equal the product of the factors plus the bias.*Mismatched elements: 1 / 2"):
        latex_product([w, x], bias=b, result=wrong)
    with pytest.raises(ValueError, match=r"result must equal the product of the factors plus the bias"):
        latex_product([w, x], bias=b, result=w @ x)  # the bias left out
    with pytest.raises(ValueError, match=r"result must equal the product of the factors, which"):
        latex_product([w, x], result=w @ x + b)  # a bias the equation does not show
    with pytest.raises(ValueError, match=r"result must equal the product"):
        latex_product([w.T.T, x], result=(w.T @ torch.ones(2, 1))[:2])  # right shape, wrong numbers


def test_a_result_within_assert_close_tolerance_renders():
    torch.manual_seed(0)
    a, b, c = torch.randn(1, 5), torch.randn(5, 4), torch.randn(4, 2)
    # torch's other order of the same products: equal up to rounding, as assert_close allows
    latex_product([a, b, c], result=a @ (b @ c))
    torch.testing.assert_close(a @ (b @ c), (a @ b) @ c)


def test_each_layout_shows_the_same_matrices():
    w, x, b = torch.ones(2, 5), torch.ones(5, 1), torch.ones(2, 1)
    texts = {layout: latex_product([w, x], bias=b, result=w @ x + b, layout=layout)
             for layout in ("line", "result_below", "split", "stacked")}
    for text in texts.values():
        assert text.count(r"\underbrace") == 4 and text.count("{") == text.count("}")
    assert "aligned" not in texts["line"]
    lines = {layout: len(re.findall(r"\} \\\\ ", text)) + 1 for layout, text in texts.items()}
    assert lines == {"line": 1, "result_below": 2, "split": 3, "stacked": 4}
    assert "&= " in texts["result_below"]
    assert r"+ \; &" in texts["split"] and r"= \; &" in texts["split"]
    assert r"\cdot \; &" in texts["stacked"]
    with pytest.raises(ValueError, match=r"layout must be one of .*'fit'\), got 'wide'"):
        latex_product([w, x], layout="wide")


def test_fit_keeps_a_small_product_on_one_line():
    a, b = torch.ones(1, 2), torch.ones(2, 1)
    assert latex_product([a, b], result=a @ b) == latex_product([a, b], result=a @ b, layout="line")


def test_fit_gives_a_wide_product_a_narrow_version_for_phones():
    torch.manual_seed(1)
    w, x, b = torch.randn(2, 5), torch.randn(5, 1), torch.randn(2, 1)
    text = latex_product([w, x], bias=b, result=w @ x + b, names=["W", "x", "b", "r"])
    narrow_line, wide = text.split("\n")
    assert narrow_line.startswith(NARROW_MARK)
    narrow = narrow_line.removeprefix(NARROW_MARK)
    # 2x5 times 5x1 plus bias is too wide for 736 px on one line, and the phone gets one matrix a line
    assert wide != latex_product([w, x], bias=b, result=w @ x + b, names=["W", "x", "b", "r"], layout="line")
    assert narrow == latex_product([w, x], bias=b, result=w @ x + b, names=["W", "x", "b", "r"], layout="stacked")


def test_latex_aligned_writes_one_line_per_matrix():
    a, b = torch.tensor([[1.0, -2.0]]), torch.tensor([0.5, 0.25])
    text = latex_aligned({"A": a, "b_{i}": b}, decimals=2)
    assert text == (r"\begin{aligned} A &= \begin{bmatrix} 1.00 & -2.00 \end{bmatrix} \\"
                    r" b_{i} &= \begin{bmatrix} 0.50 \\ 0.25 \end{bmatrix} \end{aligned}")


def test_latex_aligned_adds_a_narrow_version_only_when_too_wide_for_a_phone():
    narrow = torch.full((2, 2), -0.5)
    assert NARROW_MARK not in latex_aligned({"W": narrow})
    wide = torch.full((2, 7), -0.5)  # seven columns of "-0.5000": wider than a phone's 22 em
    text = latex_aligned({"W": wide})
    narrow_line, wide_line = text.split("\n")
    # The same equation twice: drawn smaller on a phone, as it is elsewhere.
    assert narrow_line == NARROW_MARK + wide_line
    assert wide_line == rf"\begin{{aligned}} W &= {latex_matrix(wide)} \end{{aligned}}"


@pytest.mark.parametrize("call, error, message", [
    (lambda: latex_aligned([torch.ones(2)]), TypeError, "matrices must be a dict of LaTeX names to tensors, got list"),
    (lambda: latex_aligned({}), ValueError, "latex_aligned needs at least one matrix, got an empty dict"),
    (lambda: latex_aligned({1: torch.ones(2)}), TypeError, "keyed by LaTeX names (str), got int"),
    (lambda: latex_aligned({"W": [1.0]}), TypeError, "tensor must be a torch.Tensor, got list"),
    (lambda: latex_aligned({"W": torch.ones(2, 2, 2)}), ValueError, "1-D or 2-D tensor, got shape (2, 2, 2)"),
    (lambda: latex_aligned({"W": torch.ones(2)}, decimals=-1), ValueError, "decimals must be >= 0, got -1"),
], ids=["list", "empty", "int name", "list value", "3-D", "negative decimals"])
def test_latex_aligned_bad_input(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
