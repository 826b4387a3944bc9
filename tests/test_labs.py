"""The loop and gates labs (docs/_static/labs.js, data from rnn_notes.labs) in Chromium, checked against PyTorch.

Each lab is driven only through its testing contract: inputs ``x[t][i]`` and ``h0[j]``, outputs
``h[t][j]`` (and ``gate[t][name][j]``), updated on the ``input`` event. The reference is the page's
layer rebuilt here as the page builds it, converted to float64 (the browser's precision) and run by
torch: every value a lab shows is within 1e-6 of it, absolutely. Where the check is the same for the
three labs (bucle's "rnn", lstm's and gru's), one test is parametrized over them.
"""

import copy
import json
import random
from decimal import ROUND_HALF_UP, Decimal

import nbformat
import pytest
import torch
from bs4 import BeautifulSoup
from torch import nn

from test_browser import LOCAL_SCHEMES, contrast, english_words, set_theme, visit

TOLERANCE = 1e-6  # absolute: the bound for the values shown
DECIMALS = 4
FIGURE_DECIMALS = 3  # the unrolled network's values
TRIALS = 100
MAX_BYTES = 60_000
LABS = {"rnn": "bucle.html", "lstm": "lstm.html", "gru": "gru.html"}
LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
PAGE_X = [[1.0] * 5, [2.0] * 5, [3.0] * 5]  # every page's sequence, seed_sequence()
ZEROS = [0.0, 0.0]
EVERY_LAB = pytest.mark.parametrize("opened", list(LABS), indirect=True)
GATES_LABS = pytest.mark.parametrize("opened", ["lstm", "gru"], indirect=True)
LOOP_LAB = pytest.mark.parametrize("opened", ["rnn"], indirect=True)


def root(kind: str) -> str:
    """The CSS selector of the lab ``kind``."""
    return f'div.lab[data-lab="{kind}"]'


def page_layer(kind: str) -> nn.RNNBase:
    """The page's layer (``torch.manual_seed(1)``, then ``nn.RNN``/``LSTM``/``GRU(5, 2, batch_first=True)``) in float64."""
    torch.manual_seed(1)
    layer = LAYERS[kind](5, 2, batch_first=True)
    return copy.deepcopy(layer).double()  # the same float32 weights, computed in float64 as the browser does


def reference(kind: str, x: list, h0: list, c0: list = ZEROS, forget_bias: float = 0.0) -> dict[str, torch.Tensor]:
    """What the page's layer computes on ``x`` from ``h0`` (an LSTM's from ``c0`` too, ``forget_bias`` added to b_hf).

    States come from the layer itself (an LSTM's c_t is c_n of the first t steps); an RNN's terms
    and the gates from PyTorch's documented formulas on its parameters. Each entry is ``(T, 2)``.
    """
    layer = page_layer(kind)
    xs, h = torch.tensor(x, dtype=torch.float64).unsqueeze(0), torch.tensor(h0, dtype=torch.float64).reshape(1, 1, -1)
    hidden = layer.hidden_size
    with torch.no_grad():
        if kind == "lstm":
            layer.bias_hh_l0[hidden: 2 * hidden] += forget_bias
            c = torch.tensor(c0, dtype=torch.float64).reshape(1, 1, -1)
            output, _ = layer(xs, (h, c))
            cells = torch.stack([layer(xs[:, : t + 1], (h, c))[1][1][0, 0] for t in range(len(x))])
        else:
            output, _ = layer(xs, h)
        previous = torch.cat([h[0], output[0, :-1]])
        blocks = layer.weight_ih_l0.shape[0] // hidden
        xw, hw = xs[0] @ layer.weight_ih_l0.T, previous @ layer.weight_hh_l0.T
        from_x, from_h = (xw + layer.bias_ih_l0).chunk(blocks, 1), (hw + layer.bias_hh_l0).chunk(blocks, 1)
    if kind == "rnn":
        return {"h": output[0], "xw": xw, "hw": hw, "z": from_x[0] + from_h[0],
                "bih": layer.bias_ih_l0.expand_as(xw), "bhh": layer.bias_hh_l0.expand_as(xw)}
    if kind == "lstm":
        pre = [a + b for a, b in zip(from_x, from_h)]
        return {"i": torch.sigmoid(pre[0]), "f": torch.sigmoid(pre[1]), "g": torch.tanh(pre[2]),
                "o": torch.sigmoid(pre[3]), "c": cells, "h": output[0]}
    r, z = torch.sigmoid(from_x[0] + from_h[0]), torch.sigmoid(from_x[1] + from_h[1])
    return {"r": r, "z": z, "n": torch.tanh(from_x[2] + r * from_h[2]), "h": output[0]}


SET_VALUES = """([root, values]) => {
  const lab = document.querySelector(root);
  for (const [name, value] of Object.entries(values)) {
    const field = lab.querySelector(`input[name="${name}"]`);
    field.value = value;
    field.dispatchEvent(new Event("input", {bubbles: true}));
  }
}"""

READ_OUTPUTS = """(root) => Object.fromEntries([...document.querySelector(root).querySelectorAll("output[name]")]
  .map(output => [output.getAttribute("name"), [output.textContent, output.dataset.value]]))"""

READ_INPUTS = """(root) => Object.fromEntries([...document.querySelector(root).querySelectorAll("input[name]")]
  .map(input => [input.name, input.value]))"""

RNN_LAB = root("rnn")


@pytest.fixture(scope="module")
def opened(request, browser, site):
    """The page of the lab ``request.param``, opened once from file:// for this module; every request and error recorded."""
    with visit(browser, site, LABS[request.param]) as seen:
        seen.page.wait_for_selector(f"{root(request.param)} form")
        yield request.param, seen


@pytest.fixture
def lab(opened):
    """``(kind, page, root)``, the page reloaded (light, 1280 px) so each test starts from the lab's first view."""
    kind, seen = opened
    seen.page.evaluate("localStorage.clear()")  # furo keeps the chosen theme there
    seen.page.set_viewport_size({"width": 1280, "height": 900})
    seen.page.reload(wait_until="load")
    seen.page.wait_for_selector(f"{root(kind)} form")
    return kind, seen.page, root(kind)


@pytest.fixture
def page(lab):
    """The loop lab's page (tests parametrized with LOOP_LAB)."""
    return lab[1]


def rounded(value: float, decimals: int) -> str:
    """``value`` as JavaScript's ``toFixed`` writes it (ties away from zero), ``-0.0000`` as ``0.0000``."""
    text = str(Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return text.lstrip("-") if float(text) == 0 else text


def shown_matches(outputs: dict, name: str, expected: float) -> None:
    """The output ``name`` holds ``expected`` within TOLERANCE, absolute, and shows its value rounded to DECIMALS."""
    text, value = outputs[name]
    assert abs(float(value) - expected) <= TOLERANCE, (name, value, expected)
    assert text == rounded(float(value), DECIMALS), (name, text, value)


def check(outputs: dict, kind: str, x: list, h0: list, c0: list = ZEROS, forget_bias: float = 0.0, step: int = 1) -> None:
    """Every state and gate the lab shows (and the loop lab's pieces of step ``step``) against torch."""
    for name, values in reference(kind, x, h0, c0, forget_bias).items():
        for t in range(1, len(x) + 1):
            for j in range(1, 3):
                if name in ("h", "c"):
                    shown_matches(outputs, f"{name}[{t}][{j}]", values[t - 1, j - 1].item())
                elif kind != "rnn":
                    shown_matches(outputs, f"gate[{t}][{name}][{j}]", values[t - 1, j - 1].item())
                if kind == "rnn" and t == step:
                    shown_matches(outputs, f"step[{name}][{j}]", values[t - 1, j - 1].item())


# -- Every lab: its first view, random inputs, the keyboard ---------------------------------

LAB_TABLE = """(root) => [...document.querySelectorAll(`${root} form table.lab-table:not(.lab-pieces) tbody tr`)]
  .map(row => [...row.querySelectorAll("td")].map(cell => (cell.querySelector("input") || cell.querySelector("output")).value))"""


@pytest.mark.browser
@EVERY_LAB
def test_first_view_equals_the_static_numbers(lab):
    kind, page, selector = lab
    static = BeautifulSoup(page.inner_html(selector), "html.parser").select_one("table.lab-static")
    rows = [[cell.get_text() for cell in row.select("td")] for row in static.select("tbody tr")]
    shown = page.evaluate(LAB_TABLE, selector)
    assert [[float(v) for v in row] for row in shown[:5]] == [[float(v) for v in row] for row in rows[:5]]
    assert shown[5:] == rows[5:] and len(rows) > 5  # every gate, c_t and h_t, as the page prints them
    inputs = page.evaluate(READ_INPUTS, selector)
    assert [[float(inputs[f"x[{t}][{i}]"]) for i in range(1, 6)] for t in (1, 2, 3)] == PAGE_X
    check(page.evaluate(READ_OUTPUTS, selector), kind, PAGE_X, ZEROS)


@pytest.mark.browser
@EVERY_LAB
def test_random_inputs_match_torch(lab):
    """TRIALS inputs, some large (scale 10) or with a zero step, an LSTM's forget bias up to ±10; the loop lab steps too."""
    kind, page, selector = lab
    rng = random.Random(23)
    step = 1
    for trial in range(TRIALS):
        scale = rng.choice([0.1, 1.0, 3.0, 10.0])
        x = [[round(rng.uniform(-scale, scale), 6) for _ in range(5)] for _ in range(3)]
        h0, c0, bias = [round(rng.uniform(-1, 1), 6) for _ in range(2)], ZEROS, 0.0
        if trial % 10 == 0:
            x[rng.randrange(3)] = [0.0] * 5
        values = {f"x[{t + 1}][{i + 1}]": str(v) for t, row in enumerate(x) for i, v in enumerate(row)}
        values |= {f"h0[{j + 1}]": str(v) for j, v in enumerate(h0)}
        if kind == "lstm":
            c0 = [round(rng.uniform(-2, 2), 6) for _ in range(2)]
            bias = rng.choice([-10.0, 0.0, round(rng.uniform(-5, 5), 3), 10.0])
            values |= {f"c0[{j + 1}]": str(v) for j, v in enumerate(c0)} | {"forget_bias": str(bias)}
        page.evaluate(SET_VALUES, [selector, values])
        check(page.evaluate(READ_OUTPUTS, selector), kind, x, h0, c0, bias, step)
        if kind == "rnn" and trial % 25 == 24 and step < 3:  # the step-through follows too: 1, 2, 3, 3
            page.get_by_role("button", name="Paso siguiente").click()
            step += 1


FOCUSED = "() => document.activeElement.name"


@pytest.mark.browser
@EVERY_LAB
def test_the_keyboard_alone_drives_the_lab(lab):
    """Typing into x fields moved between with Tab, a preset pressed with Enter, an LSTM's forget bias typed."""
    kind, page, selector = lab
    page.locator(f'{selector} input[name="x[1][1]"]').focus()
    x = [row[:] for row in PAGE_X]
    for t, typed in ((1, "0.5"), (2, "-1.5"), (3, "2.25")):  # a row holds one feature for every step
        assert page.evaluate(FOCUSED) == f"x[{t}][1]"
        page.keyboard.press("Control+A")
        page.keyboard.type(typed)
        x[t - 1][0] = float(typed)
        page.keyboard.press("Tab")
    check(page.evaluate(READ_OUTPUTS, selector), kind, x, ZEROS)
    bias = 0.0
    if kind == "lstm":  # the forget bias is the field after c_0
        page.locator(f'{selector} input[name="c0[2]"]').focus()
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED) == "forget_bias"
        page.keyboard.press("Control+A")
        page.keyboard.type("-10")
        bias = -10.0
        check(page.evaluate(READ_OUTPUTS, selector), kind, x, ZEROS, ZEROS, bias)
    page.get_by_role("button", name="Todo ceros").focus()
    page.keyboard.press("Enter")
    check(page.evaluate(READ_OUTPUTS, selector), kind, [[0.0] * 5] * 3, ZEROS, ZEROS, bias)


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
        page.keyboard.press("Control+A")
        page.keyboard.type("0")
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
    page.keyboard.press("Control+A")
    page.keyboard.type("0,5")  # a Spanish keyboard's decimal comma
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


# -- Every lab: names, widths, themes, requests, size, without JavaScript, the notebook -----

ACCESSIBLE_NAMES = """(root) => [...document.querySelector(root).querySelectorAll("input, button, output, select")]
  .filter(control => !(control.getAttribute("aria-label") || control.closest("label") || control.labels?.length
                       || (control.tagName === "BUTTON" && control.textContent.trim())))
  .map(control => control.outerHTML)"""


# Text node by text node, as test_browser's READER_TEXT: "i" and its subscript "t,1" are not the word "it".
LAB_TEXTS = """(root) => {
  const lab = document.querySelector(root), texts = [];
  const walker = document.createTreeWalker(lab, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) if (walker.currentNode.parentElement.checkVisibility()) texts.push(walker.currentNode.textContent);
  const labels = [...lab.querySelectorAll("[aria-label], [title]")]
    .flatMap(e => ["aria-label", "title"].filter(name => e.hasAttribute(name)).map(name => e.getAttribute(name)));
  return [labels, texts];
}"""


@pytest.mark.browser
@EVERY_LAB
def test_every_control_has_an_accessible_name_and_no_english(lab):
    _, page, selector = lab
    assert page.evaluate(ACCESSIBLE_NAMES, selector) == []
    labels, texts = page.evaluate(LAB_TEXTS, selector)
    assert labels and not [text for text in labels + texts if english_words(text)], "English in the lab"


FITS = """(root) => {
  const article = document.querySelector("article[role=main]").getBoundingClientRect();
  const lab = document.querySelector(root);
  const parts = [lab, ...lab.querySelectorAll("table, form, input, button, svg")].filter(p => p.checkVisibility());
  const small = [...lab.querySelectorAll("svg text")].filter(text => {  // drawn size: font size times the SVG's scale
    const svg = text.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return parseFloat(getComputedStyle(text).fontSize) * scale < 11;
  });
  return {page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          small: small.map(text => text.textContent),
          outside: parts.filter(p => { const box = p.getBoundingClientRect();
            return box.left < article.left - 0.5 || box.right > article.right + 0.5
                   || (p.tagName !== "INPUT" && p.scrollWidth > p.clientWidth + 1); }).map(p => p.outerHTML.slice(0, 80))};
}"""


@pytest.mark.browser
@EVERY_LAB
@pytest.mark.parametrize("width", [390, 1280])
def test_the_lab_fits_the_column(lab, width):
    kind, page, selector = lab
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_function("""(root) => [...document.querySelectorAll(`${root} svg`)]  // redrawn on "resize"
      .every(svg => svg.getBoundingClientRect().right <= svg.closest("form").getBoundingClientRect().right)""",
                           arg=selector, timeout=2000)
    measured = page.evaluate(FITS, selector)
    assert measured["page"] <= 0 and measured["outside"] == [] and measured["small"] == [], measured
    if kind == "rnn":
        assert page.locator(f"{selector} svg.lab-unrolled text").count() > 10


LEGIBLE = """(root) => {
  const style = element => getComputedStyle(element);
  const form = document.querySelector(`${root} form`), figure = form.querySelector("svg.lab-unrolled");
  const input = form.querySelector("input[name='x[1][1]']"), output = form.querySelector("output");
  const bars = [...form.querySelectorAll(".lab-bar")];
  const positive = bars.map(bar => bar.firstElementChild).find(span => !span.classList.contains("lab-negative"));
  const negative = bars.map(bar => bar.firstElementChild).find(span => span.classList.contains("lab-negative"));
  return {form: style(form).backgroundColor, text: style(output).color,
          input: style(input).backgroundColor, inputText: style(input).color,
          track: bars.length ? style(bars[0]).backgroundColor : null,
          bars: [positive, negative].filter(Boolean).map(span => style(span).backgroundColor),
          figure: figure && {text: style(figure.querySelector(".lab-step:not(.lab-current) text.lab-value")).fill,
                             current: style(figure.querySelector(".lab-current text.lab-value")).fill,
                             box: style(figure.querySelector(".lab-current rect")).fill,
                             stroke: style(figure.querySelector(".lab-current rect")).stroke,
                             other: style(figure.querySelector(".lab-step:not(.lab-current) rect")).stroke}};
}"""


@pytest.mark.browser
@EVERY_LAB
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_lab_is_legible_in_both_themes(lab, theme):
    kind, page, selector = lab
    set_theme(page, theme)
    if kind == "lstm":  # a negative candidate g too, for the other bar colour
        page.evaluate(SET_VALUES, [selector, {"x[1][1]": "-3", "x[1][2]": "3"}])
    colours = page.evaluate(LEGIBLE, selector)
    assert contrast(colours["text"], colours["form"]) >= 4.5, colours
    assert contrast(colours["inputText"], colours["input"]) >= 4.5, colours
    if kind == "rnn":  # the figure: its text on the form, the chosen step's in the box; the highlight stands out
        figure = colours["figure"]
        assert contrast(figure["text"], colours["form"]) >= 4.5, figure
        assert contrast(figure["current"], colours["form"]) >= 4.5 and contrast(figure["current"], figure["box"]) >= 4.5, figure
        assert contrast(figure["stroke"], colours["form"]) >= 3 and figure["stroke"] != figure["other"], figure
    else:  # each bar against its track (the non-text contrast of WCAG 1.4.11)
        assert colours["bars"] and all(contrast(bar, colours["track"]) >= 3 for bar in colours["bars"]), colours


@pytest.mark.browser
@EVERY_LAB
def test_no_errors_and_no_request_leaves_the_page(opened):
    _, seen = opened
    seen.page.reload(wait_until="networkidle")
    assert not seen.errors
    assert not seen.blocked and not [url for url in seen.requests if not url.startswith(LOCAL_SCHEMES)]
    assert any("_static/labs.js" in url for url in seen.requests)


@pytest.mark.site
def test_the_labs_script_and_data_weigh_at_most_60_kb(site):
    for name in LABS.values():
        soup = BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")
        data = sum(len(script.string.encode()) for script in soup.select("div.lab script.lab-data"))
        scripts = sum((site / script["src"].split("?")[0]).stat().st_size
                      for script in soup.select("script[src]") if "labs" in script["src"])
        assert data and scripts and data + scripts <= MAX_BYTES, (name, data, scripts)


@pytest.mark.browser
@pytest.mark.parametrize("kind", list(LABS))
def test_without_javascript_the_static_table_shows(browser, site, kind):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto((site / LABS[kind]).as_uri())
        lab = page.locator(root(kind))
        assert lab.locator("table.lab-static").is_visible() and lab.locator("p.lab-note").is_visible()
        assert lab.locator("form").count() == 0
        rows = lab.locator("tr.lab-state")
        shown = torch.tensor([[float(text) for text in rows.nth(k).locator("td").all_inner_texts()] for k in range(rows.count())])
        expected = reference(kind, PAGE_X, ZEROS)
        states = torch.cat([expected["c"].T, expected["h"].T]) if kind == "lstm" else expected["h"].T
        torch.testing.assert_close(shown.double(), states, atol=0.5 * 10 ** -DECIMALS + TOLERANCE, rtol=0)
    finally:
        context.close()


def heading(tag) -> str:
    """A heading's text without its permalink."""
    for link in tag.select("a.headerlink"):
        link.decompose()
    return tag.get_text().strip()


@pytest.mark.site
@pytest.mark.parametrize("kind", list(LABS))
def test_the_downloaded_notebook_says_where_the_lab_is(site, kind):
    page = BeautifulSoup((site / LABS[kind]).read_text(encoding="utf-8"), "html.parser")
    chapter = heading(page.select_one("h1"))
    section = heading(page.select_one(root(kind)).find_parent("section").find(["h2", "h3", "h4"]))
    notebook = nbformat.read(site / LABS[kind].replace(".html", ".ipynb"), as_version=4)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
               if 'class="lab"' in output.get("data", {}).get("text/html", "")]
    assert len(outputs) == 1
    (output,) = outputs
    note = output["data"]["text/plain"]
    assert "laboratorio" in note and chapter in note and section in note, (note, chapter, section)
    html = BeautifulSoup(output["data"]["text/html"], "html.parser")
    assert html.select_one("p.lab-note").get_text() == note
    assert not [s for s in html.select("script") if s.get("type") != "application/json" or s.get("src")]
    assert json.loads(html.select_one("script").string)["kind"] == kind


# -- The gates labs: the bars -------------------------------------------------------------


@pytest.mark.browser
@GATES_LABS
def test_gates_labs_draw_bars_as_long_as_the_gates(lab):
    kind, page, selector = lab
    bars = page.evaluate(f"""() => [...document.querySelectorAll('{selector} .lab-bar')]
      .map(bar => [bar.previousElementSibling.dataset.value,
                   bar.firstElementChild.getBoundingClientRect().width / bar.getBoundingClientRect().width])""")
    assert len(bars) == 3 * 2 * (4 if kind == "lstm" else 3)
    for value, width in bars:
        assert abs(width - min(1.0, abs(float(value)))) < 0.02, (value, width)
