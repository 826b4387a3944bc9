"""The labs (docs/_static/labs.js, data from rnn_notes.labs) in Chromium, checked against PyTorch.

Each lab is driven only through its testing contract: inputs ``x[t][i]`` and ``h0[j]``, outputs
``h[t][j]`` (and ``gate[t][name][j]``), updated on the ``input`` event. The reference is the page's
layer rebuilt here as the page builds it, run by torch in float32.
"""

import json
import random

import nbformat
import pytest
import torch
from bs4 import BeautifulSoup
from torch import nn

from test_browser import LOCAL_SCHEMES, contrast, english_words, set_theme, visit

TOLERANCE = 1e-6
DECIMALS = 4
TRIALS = 100
MAX_BYTES = 60_000


def seed_layer() -> nn.RNN:
    """bucle.md's layer: ``torch.manual_seed(1)``, then ``nn.RNN(5, 2, batch_first=True)``."""
    torch.manual_seed(1)
    return nn.RNN(5, 2, batch_first=True)


def rnn_reference(x: list[list[float]], h0: list[float]) -> dict[str, torch.Tensor]:
    """What the float32 layer computes on ``x`` from ``h0``: the states and each step's terms."""
    rnn = seed_layer()
    xs, h = torch.tensor(x, dtype=torch.float32), torch.tensor(h0, dtype=torch.float32)
    with torch.no_grad():
        output, _ = rnn(xs.unsqueeze(0), h.reshape(1, 1, -1))
        previous = torch.cat([h.unsqueeze(0), output[0, :-1]])
        xw, hw = xs @ rnn.weight_ih_l0.T, previous @ rnn.weight_hh_l0.T
        z = xw + rnn.bias_ih_l0 + hw + rnn.bias_hh_l0
    return {"h": output[0], "xw": xw, "hw": hw, "z": z, "bih": rnn.bias_ih_l0.detach().expand_as(z),
            "bhh": rnn.bias_hh_l0.detach().expand_as(z)}


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

RNN_LAB = 'div.lab[data-lab="rnn"]'


@pytest.fixture(scope="module")
def bucle(browser, site):
    """bucle.html, opened once from file:// for this module; every request and error recorded."""
    with visit(browser, site, "bucle.html") as seen:
        seen.page.wait_for_selector(f"{RNN_LAB} form")
        yield seen


@pytest.fixture
def page(bucle):
    """The page, reloaded so each test starts from the lab's first view."""
    bucle.page.reload(wait_until="load")
    bucle.page.wait_for_selector(f"{RNN_LAB} form")
    return bucle.page


def shown_matches(outputs: dict, name: str, expected: float) -> None:
    """The output ``name`` holds ``expected`` within TOLERANCE, and shows it rounded to DECIMALS.

    TOLERANCE is absolute up to 1 and relative beyond: a float32 reference of 10 is itself only
    known to about 1e-6 (float32 keeps 24 bits), and states and gates stay within [-1, 1].
    """
    text, value = outputs[name]
    tolerance = TOLERANCE * max(1.0, abs(expected))
    assert abs(float(value) - expected) <= tolerance, (name, value, expected)
    assert abs(float(text) - expected) <= 0.5 * 10 ** -DECIMALS + tolerance, (name, text, expected)
    assert len(text.split(".")[1]) == DECIMALS, text


def check_rnn(outputs: dict, x: list[list[float]], h0: list[float], step: int) -> None:
    """Every state the lab shows, and the pieces of step ``step``, against torch."""
    expected = rnn_reference(x, h0)
    for t in range(len(x)):
        for j in range(len(h0)):
            shown_matches(outputs, f"h[{t + 1}][{j + 1}]", expected["h"][t, j].item())
    for piece in ("xw", "bih", "hw", "bhh", "z", "h"):
        for j in range(len(h0)):
            shown_matches(outputs, f"step[{piece}][{j + 1}]", expected[piece][step - 1, j].item())


@pytest.mark.browser
def test_first_view_equals_the_static_numbers(page):
    static = BeautifulSoup(page.inner_html(RNN_LAB), "html.parser").select_one("table.lab-static")
    rows = [[cell.get_text() for cell in row.select("td")] for row in static.select("tbody tr")]
    outputs, inputs = page.evaluate(READ_OUTPUTS, RNN_LAB), page.evaluate(READ_INPUTS, RNN_LAB)
    steps = len(rows[0])
    assert [[float(inputs[f"x[{t}][{i}]"]) for t in range(1, steps + 1)] for i in range(1, 6)] == \
        [[float(text) for text in row] for row in rows[:5]]
    assert [[outputs[f"h[{t}][{j}]"][0] for t in range(1, steps + 1)] for j in (1, 2)] == rows[5:]
    x = [[float(inputs[f"x[{t}][{i}]"]) for i in range(1, 6)] for t in range(1, steps + 1)]
    assert x == [[1.0] * 5, [2.0] * 5, [3.0] * 5]  # the page's sequence
    check_rnn(outputs, x, [0.0, 0.0], step=1)


@pytest.mark.browser
def test_random_inputs_match_torch(page):
    rng = random.Random(23)
    next_step = page.get_by_role("button", name="Paso siguiente")
    step = 1
    for trial in range(TRIALS):
        scale = rng.choice([0.1, 1.0, 3.0, 10.0])
        x = [[round(rng.uniform(-scale, scale), 6) for _ in range(5)] for _ in range(3)]
        h0 = [round(rng.uniform(-1, 1), 6) for _ in range(2)]
        if trial % 10 == 0:
            x[rng.randrange(3)] = [0.0] * 5
        values = {f"x[{t + 1}][{i + 1}]": str(v) for t, row in enumerate(x) for i, v in enumerate(row)}
        values |= {f"h0[{j + 1}]": str(v) for j, v in enumerate(h0)}
        page.evaluate(SET_VALUES, [RNN_LAB, values])
        check_rnn(page.evaluate(READ_OUTPUTS, RNN_LAB), x, h0, step)
        if trial % 25 == 24:  # the step-through follows too: 1, 2, 3, 3
            next_step.click() if step < 3 else None
            step = min(step + 1, 3)


@pytest.mark.browser
def test_stepping_through_shows_each_steps_pieces(page):
    previous = page.get_by_role("button", name="Paso anterior")
    following = page.get_by_role("button", name="Paso siguiente")
    x = [[1.0] * 5, [2.0] * 5, [3.0] * 5]
    assert previous.is_disabled()
    for step in (2, 3):
        following.click()
        outputs = page.evaluate(READ_OUTPUTS, RNN_LAB)
        assert outputs["step"][0] == f"t = {step} de 3"
        check_rnn(outputs, x, [0.0, 0.0], step)
    assert following.is_disabled()
    previous.click()
    check_rnn(page.evaluate(READ_OUTPUTS, RNN_LAB), x, [0.0, 0.0], 2)


@pytest.mark.browser
def test_presets_set_the_input_and_the_states_follow(page):
    page.get_by_role("button", name="Todo ceros").click()
    inputs = page.evaluate(READ_INPUTS, RNN_LAB)
    assert all(float(inputs[f"x[{t}][{i}]"]) == 0 for t in (1, 2, 3) for i in range(1, 6))
    check_rnn(page.evaluate(READ_OUTPUTS, RNN_LAB), [[0.0] * 5] * 3, [0.0, 0.0], 1)

    page.get_by_role("button", name="Un pico en t = 2").click()
    inputs = page.evaluate(READ_INPUTS, RNN_LAB)
    x = [[float(inputs[f"x[{t}][{i}]"]) for i in range(1, 6)] for t in (1, 2, 3)]
    assert x[0] == x[2] == [0.0] * 5 and all(v != 0 for v in x[1])
    check_rnn(page.evaluate(READ_OUTPUTS, RNN_LAB), x, [0.0, 0.0], 1)

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
    check_rnn(page.evaluate(READ_OUTPUTS, RNN_LAB), x, [0.0, 0.0], 1)


@pytest.mark.browser
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
    check_rnn(page.evaluate(READ_OUTPUTS, RNN_LAB), x, [0.0, 0.0], 1)
    page.keyboard.press("Shift+Tab")  # buttons answer the keyboard too
    page.get_by_role("button", name="Todo ceros").focus()
    page.keyboard.press("Enter")
    check_rnn(page.evaluate(READ_OUTPUTS, RNN_LAB), [[0.0] * 5] * 3, [0.0, 0.0], 1)


ACCESSIBLE_NAMES = """(root) => [...document.querySelector(root).querySelectorAll("input, button, output, select")]
  .filter(control => !(control.getAttribute("aria-label") || control.closest("label") || control.labels?.length
                       || (control.tagName === "BUTTON" && control.textContent.trim())))
  .map(control => control.outerHTML)"""


@pytest.mark.browser
def test_every_control_has_an_accessible_name(page):
    assert page.evaluate(ACCESSIBLE_NAMES, RNN_LAB) == []
    labels = page.evaluate(f"""() => [...document.querySelectorAll('{RNN_LAB} [aria-label]')]
                               .map(e => e.getAttribute('aria-label'))""")
    texts = labels + page.locator(RNN_LAB).all_inner_texts()
    assert labels and not [text for text in texts if english_words(text)], "English in the lab"


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_lab_fits_the_column(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    measured = page.evaluate(f"""() => {{
      const article = document.querySelector("article[role=main]").getBoundingClientRect();
      const lab = document.querySelector('{RNN_LAB}');
      const parts = [lab, ...lab.querySelectorAll("table, form, input, button")].filter(p => p.checkVisibility());
      return {{page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
               outside: parts.filter(p => {{ const box = p.getBoundingClientRect();
                 return box.left < article.left - 0.5 || box.right > article.right + 0.5
                        || p.scrollWidth > p.clientWidth + 1; }}).map(p => p.outerHTML.slice(0, 80))}};
    }}""")
    assert measured["page"] <= 0 and measured["outside"] == [], measured


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_lab_is_legible_in_both_themes(page, theme):
    set_theme(page, theme)
    colours = page.evaluate(f"""() => {{
      const form = document.querySelector('{RNN_LAB} form');
      const input = form.querySelector("input[name='x[1][1]']"), output = form.querySelector("output");
      return {{form: getComputedStyle(form).backgroundColor, text: getComputedStyle(output).color,
               input: getComputedStyle(input).backgroundColor, inputText: getComputedStyle(input).color}};
    }}""")
    assert contrast(colours["text"], colours["form"]) >= 4.5, colours
    assert contrast(colours["inputText"], colours["input"]) >= 4.5, colours


@pytest.mark.browser
def test_no_errors_and_no_request_leaves_the_page(bucle):
    bucle.page.reload(wait_until="networkidle")
    assert not bucle.errors
    assert not bucle.blocked and not [url for url in bucle.requests if not url.startswith(LOCAL_SCHEMES)]
    assert any("_static/labs.js" in url for url in bucle.requests)


@pytest.mark.site
def test_the_labs_script_and_data_weigh_at_most_60_kb(site):
    for name in ("bucle.html", "lstm.html", "gru.html"):
        soup = BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")
        data = sum(len(script.string.encode()) for script in soup.select("div.lab script.lab-data"))
        scripts = sum((site / script["src"].split("?")[0]).stat().st_size
                      for script in soup.select("script[src]") if "labs" in script["src"])
        assert data and scripts and data + scripts <= MAX_BYTES, (name, data, scripts)


@pytest.mark.browser
def test_without_javascript_the_static_table_shows(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto((site / "bucle.html").as_uri())
        lab = page.locator(RNN_LAB)
        assert lab.locator("table.lab-static").is_visible()
        assert lab.locator("form").count() == 0
        with torch.no_grad():
            output, _ = seed_layer()(torch.arange(1.0, 4.0).unsqueeze(1).expand(3, 5).unsqueeze(0))
        states = [[float(text) for text in lab.locator("tr.lab-state").nth(j).locator("td").all_inner_texts()]
                  for j in (0, 1)]
        torch.testing.assert_close(torch.tensor(states).T, output[0], atol=0.5e-4 + TOLERANCE, rtol=0)
    finally:
        context.close()


@pytest.mark.site
def test_the_downloaded_notebook_says_where_the_lab_is(site):
    notebook = nbformat.read(site / "bucle.ipynb", as_version=4)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
               if 'class="lab"' in output.get("data", {}).get("text/html", "")]
    assert len(outputs) == 1
    (output,) = outputs
    assert "laboratorio" in output["data"]["text/plain"] and "La secuencia completa" in output["data"]["text/plain"]
    html = BeautifulSoup(output["data"]["text/html"], "html.parser")
    assert "La secuencia completa" in html.select_one("p.lab-note").get_text()
    assert not [s for s in html.select("script") if s.get("type") != "application/json" or s.get("src")]
    assert json.loads(html.select_one("script").string)["kind"] == "rnn"


# -- The gates labs (lstm.md, gru.md) ------------------------------------------------------

GATE_PAGES = {"lstm.html": "lstm", "gru.html": "gru"}


def gates_reference(kind: str, x: list[list[float]], h0: list[float], c0: list[float], forget_bias: float) -> dict:
    """The page's layer (manual_seed(1), then nn.LSTM or nn.GRU(5, 2, batch_first=True)) on ``x``, in float32.

    States come from the layer itself (an LSTM's c_t is c_n of the first t steps); the gates from
    PyTorch's documented formulas on its parameters, ``forget_bias`` added to b_hf.
    """
    torch.manual_seed(1)
    layer = (nn.LSTM if kind == "lstm" else nn.GRU)(5, 2, batch_first=True)
    xs, h = torch.tensor(x, dtype=torch.float32).unsqueeze(0), torch.tensor(h0, dtype=torch.float32).reshape(1, 1, 2)
    with torch.no_grad():
        if kind == "lstm":
            layer.bias_hh_l0[2:4] += forget_bias
            c = torch.tensor(c0, dtype=torch.float32).reshape(1, 1, 2)
            output, _ = layer(xs, (h, c))
            cells = torch.stack([layer(xs[:, : t + 1], (h, c))[1][1][0, 0] for t in range(len(x))])
        else:
            output, _ = layer(xs, h)
        previous = torch.cat([h[0], output[0, :-1]])
        n = 4 if kind == "lstm" else 3
        from_x = (xs[0] @ layer.weight_ih_l0.T + layer.bias_ih_l0).chunk(n, dim=1)
        from_h = (previous @ layer.weight_hh_l0.T + layer.bias_hh_l0).chunk(n, dim=1)
    if kind == "lstm":
        pre = [a + b for a, b in zip(from_x, from_h)]
        return {"i": torch.sigmoid(pre[0]), "f": torch.sigmoid(pre[1]), "g": torch.tanh(pre[2]),
                "o": torch.sigmoid(pre[3]), "c": cells, "h": output[0]}
    r, z = torch.sigmoid(from_x[0] + from_h[0]), torch.sigmoid(from_x[1] + from_h[1])
    return {"r": r, "z": z, "n": torch.tanh(from_x[2] + r * from_h[2]), "h": output[0]}


def check_gates(outputs: dict, kind: str, x, h0, c0, forget_bias: float) -> None:
    """Every gate, c_t and h_t the lab shows, against torch."""
    for name, values in gates_reference(kind, x, h0, c0, forget_bias).items():
        for t in range(len(x)):
            for j in range(2):
                key = f"{name}[{t + 1}][{j + 1}]" if name in ("c", "h") else f"gate[{t + 1}][{name}][{j + 1}]"
                shown_matches(outputs, key, values[t, j].item())


@pytest.fixture(scope="module", params=list(GATE_PAGES))
def gates_page(request, browser, site):  # noqa: F811
    """lstm.html or gru.html, opened once from file://."""
    with visit(browser, site, request.param) as seen:
        seen.page.wait_for_selector("div.lab form")
        yield GATE_PAGES[request.param], seen


@pytest.mark.browser
def test_gates_labs_match_torch(gates_page):
    kind, seen = gates_page
    page, root = seen.page, f'div.lab[data-lab="{kind}"]'
    seq = [[1.0] * 5, [2.0] * 5, [3.0] * 5]
    outputs = page.evaluate(READ_OUTPUTS, root)
    static = BeautifulSoup(page.inner_html(root), "html.parser").select("table.lab-static tbody tr.lab-state td")
    shown = [outputs[f"h[{t}][{j}]"][0] for j in (1, 2) for t in (1, 2, 3)]
    assert [cell.get_text() for cell in static][-6:] == shown  # the first view is the page's
    check_gates(outputs, kind, seq, [0.0, 0.0], [0.0, 0.0], 0.0)
    rng = random.Random(29)
    for trial in range(TRIALS):
        scale = rng.choice([0.1, 1.0, 3.0])
        x = [[round(rng.uniform(-scale, scale), 6) for _ in range(5)] for _ in range(3)]
        h0, c0 = [round(rng.uniform(-1, 1), 6) for _ in range(2)], [0.0, 0.0]
        values = {f"x[{t + 1}][{i + 1}]": str(v) for t, row in enumerate(x) for i, v in enumerate(row)}
        values |= {f"h0[{j + 1}]": str(v) for j, v in enumerate(h0)}
        bias = 0.0
        if kind == "lstm":
            c0 = [round(rng.uniform(-2, 2), 6) for _ in range(2)]
            bias = rng.choice([-10.0, 0.0, round(rng.uniform(-5, 5), 3), 10.0])
            values |= {f"c0[{j + 1}]": str(v) for j, v in enumerate(c0)} | {"forget_bias": str(bias)}
        page.evaluate(SET_VALUES, [root, values])
        check_gates(page.evaluate(READ_OUTPUTS, root), kind, x, h0, c0, bias)
    assert page.evaluate(ACCESSIBLE_NAMES, root) == []
    assert not seen.errors and not seen.blocked


@pytest.mark.browser
def test_gates_labs_fit_and_draw_bars(gates_page):
    kind, seen = gates_page
    page, root = seen.page, f'div.lab[data-lab="{kind}"]'
    page.get_by_role("button", name="La de la página").click()
    bars = page.evaluate(f"""() => [...document.querySelectorAll('{root} .lab-bar > span')]
                              .map(bar => bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width)""")
    first = {name: page.evaluate(READ_OUTPUTS, root)[f"gate[1][{name}][1]"] for name in ("i", "r") if
             f"gate[1][{name}][1]" in page.evaluate(READ_OUTPUTS, root)}
    assert bars and all(0 <= width <= 1.001 for width in bars)
    (text, _), = first.values()
    assert abs(bars[0] - abs(float(text))) < 0.02, (bars[0], text)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(f"""() => {{
          const article = document.querySelector("article[role=main]").getBoundingClientRect();
          return [...document.querySelectorAll('{root}, {root} table, {root} input')].filter(p => p.checkVisibility())
            .filter(p => p.getBoundingClientRect().right > article.right + 0.5
                         || (p.tagName !== "INPUT" && p.scrollWidth > p.clientWidth + 1)).length;  // inputs scroll their text
        }}""")
        assert overflow == 0 and page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
