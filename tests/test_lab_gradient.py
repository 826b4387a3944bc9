"""The gradient lab (gradientes.html, docs/_static/labs-gradient.js): the norms of ∂h_T/∂h_t against PyTorch.

The lab is driven only through its contract: the number fields ``scale`` and ``steps``, the select
``nonlinearity``, the outputs ``norm[t]`` (t = 0..T) and ``summary``, updated on the ``input`` event.
The reference is the page's layer (``decay_layers()``'s tanh layer with σ = 1, and the relu layer with
the same parameters), its W_hh multiplied by the scale, in float64: autograd's Jacobians of h_T with
respect to each h_t, and ``rnn_notes.jacobian_norms``.
"""

import copy
import random

import nbformat
import pytest
import torch
from bs4 import BeautifulSoup
from torch import nn

from rnn_notes import decay_layers, jacobian_norms, spanish_number
from labs_support import MAX_BYTES, TOLERANCE, TRIALS, retype
from rnn_notes.labs import MAX_SCALE, gradient_lab, gradient_lab_data
from test_browser import LOCAL_SCHEMES, contrast, english_words, set_theme, visit

ROOT = 'div.lab[data-lab="gradient"]'
LAYERS, X = decay_layers()  # what gradientes.md calls layers and decay_x, with its arguments' defaults

READ = """(root) => Object.fromEntries([...document.querySelector(root).querySelectorAll("output[name]")]
  .filter(output => !output.closest("[hidden]")).map(output => [output.name, [output.value, output.dataset.value]]))"""

SET = """([root, values]) => {
  const lab = document.querySelector(root);
  for (const [name, value] of Object.entries(values)) lab.querySelector(`[name="${name}"]`).value = value;
  lab.querySelector('[name="scale"]').dispatchEvent(new Event("input", {bubbles: true}));
}"""


def layer(scale: float, nonlinearity: str) -> nn.RNN:
    """The page's layer with W_hh multiplied by ``scale`` and the given activation, in float64."""
    scaled = copy.deepcopy(LAYERS[nonlinearity, 1.0]).double()
    with torch.no_grad():
        scaled.weight_hh_l0 *= scale
    return scaled


def autograd_norms(rnn: nn.RNN, steps: int) -> list[float]:
    """The norm of ∂h_T/∂h_t for t = 0..T, by autograd: the layer runs one step at a time from h_0 = 0,
    and one backward pass per component of h_T gives that row of every ∂h_T/∂h_t at once."""
    x = X[:, :steps].double()
    states = [torch.zeros(1, 1, rnn.hidden_size, dtype=torch.float64, requires_grad=True)]
    for t in range(steps):
        states.append(rnn(x[:, t : t + 1], states[-1])[1])  # h_{t+1}, the layer's own step
    rows = [torch.autograd.grad(states[-1][0, 0, j], states, retain_graph=True, allow_unused=True)
            for j in range(rnn.hidden_size)]
    jacobians = [torch.stack([row[t][0, 0] if row[t] is not None else torch.zeros(rnn.hidden_size, dtype=torch.float64)
                              for row in rows]) for t in range(steps + 1)]
    return [torch.linalg.matrix_norm(jacobian, ord=2).item() for jacobian in jacobians]


def check(outputs: dict, scale: float, steps: int, nonlinearity: str) -> None:
    """Every norm the lab shows equals autograd's and jacobian_norms' within 1e-6, written as spanish_number writes it."""
    rnn = layer(scale, nonlinearity)
    expected = autograd_norms(rnn, steps)
    package = jacobian_norms(rnn, X[:, :steps].double()).flip(0).tolist()
    assert sorted(name for name in outputs if name.startswith("norm[")) == sorted(f"norm[{t}]" for t in range(steps + 1))
    for t in range(steps + 1):
        text, value = outputs[f"norm[{t}]"]
        assert abs(float(value) - expected[t]) <= TOLERANCE, (scale, steps, nonlinearity, t, value, expected[t])
        assert abs(float(value) - package[t]) <= TOLERANCE, (t, value, package[t])
        assert text == spanish_number(float(value), 3)
    assert spanish_number(float(outputs["norm[0]"][1]), 3) in outputs["summary"][0]


@pytest.fixture(scope="module")
def opened(browser, site):
    """gradientes.html, opened once from file:// for this module; every request and error recorded."""
    with visit(browser, site, "gradientes.html") as seen:
        seen.page.wait_for_selector(f"{ROOT} form")
        yield seen


@pytest.fixture
def page(opened):
    """The page, reloaded (light, 1280 px) so each test starts from the lab's first view."""
    opened.page.evaluate("localStorage.clear()")  # furo keeps the chosen theme there
    opened.page.set_viewport_size({"width": 1280, "height": 900})
    opened.page.reload(wait_until="load")
    opened.page.wait_for_selector(f"{ROOT} form")
    return opened.page


pytestmark = pytest.mark.xdist_group("lab-gradient")


@pytest.mark.browser
def test_first_view_equals_the_static_table_and_torch(page):
    static = BeautifulSoup(page.inner_html(ROOT), "html.parser").select("table.lab-static tbody tr")
    outputs = page.evaluate(READ, ROOT)
    assert [(row.th.get_text(), row.td.get_text()) for row in static] == \
        [(str(t), outputs[f"norm[{t}]"][0]) for t in range(X.shape[1] + 1)]
    inputs = page.evaluate(f"""() => [...document.querySelectorAll('{ROOT} [name]')]
                              .filter(field => field.tagName !== "OUTPUT").map(field => [field.name, field.value])""")
    assert dict(inputs) == {"scale": "1", "steps": str(X.shape[1]), "nonlinearity": "tanh"}
    check(outputs, 1.0, X.shape[1], "tanh")


@pytest.mark.browser
def test_random_settings_match_torch(page):
    rng = random.Random(23)
    for trial in range(TRIALS):
        scale = round(rng.uniform(0, MAX_SCALE), 4) if trial % 10 else rng.choice([0.0, 1.0, MAX_SCALE])
        steps, nonlinearity = rng.randint(1, X.shape[1]), rng.choice(["tanh", "relu"])
        page.evaluate(SET, [ROOT, {"scale": str(scale), "steps": str(steps), "nonlinearity": nonlinearity}])
        check(page.evaluate(READ, ROOT), scale, steps, nonlinearity)


@pytest.mark.browser
def test_vanishing_and_exploding_can_be_caused(page):
    """The presets: σ = 0.5 vanishes, relu with σ = 1.5 explodes; the summary says which, in Spanish."""
    page.get_by_role("button", name="σ = 0,5").click()
    outputs = page.evaluate(READ, ROOT)
    check(outputs, 0.5, X.shape[1], "tanh")
    assert float(outputs["norm[0]"][1]) < 1e-2 and "se desvanece" in outputs["summary"][0]
    page.get_by_role("button", name="relu, σ = 1,5").click()
    outputs = page.evaluate(READ, ROOT)
    check(outputs, 1.5, X.shape[1], "relu")
    assert float(outputs["norm[0]"][1]) > 1e2 and "explota" in outputs["summary"][0]
    page.get_by_role("button", name="La de la página").click()
    check(page.evaluate(READ, ROOT), 1.0, X.shape[1], "tanh")


@pytest.mark.browser
def test_the_keyboard_drives_every_control(page):
    scale = page.locator(f'{ROOT} input[name="scale"]')
    scale.focus()
    retype(page, "0.5")
    check(page.evaluate(READ, ROOT), 0.5, X.shape[1], "tanh")
    page.keyboard.press("Tab")  # the scale's slider: each arrow key moves it one step of 0.05
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert scale.input_value() == "0.6"
    page.keyboard.press("Tab")  # the length
    retype(page, "10")
    page.keyboard.press("Tab")  # its slider
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Tab")  # the activation
    page.keyboard.press("ArrowDown")
    check(page.evaluate(READ, ROOT), 0.6, 9, "relu")
    page.get_by_role("button", name="La de la página").focus()
    page.keyboard.press("Enter")
    check(page.evaluate(READ, ROOT), 1.0, X.shape[1], "tanh")


@pytest.mark.browser
def test_a_decimal_comma_and_out_of_range_values_are_read_and_said(page):
    """A Spanish keyboard's 0,5 is 0.5; a scale past the range is marked and the summary names the value used."""
    scale = page.locator(f'{ROOT} input[name="scale"]')
    scale.focus()
    retype(page, "0,5")
    assert scale.input_value() == "0.5" and scale.get_attribute("aria-invalid") is None
    check(page.evaluate(READ, ROOT), 0.5, X.shape[1], "tanh")
    retype(page, "5")
    outputs = page.evaluate(READ, ROOT)
    check(outputs, MAX_SCALE, X.shape[1], "tanh")
    assert scale.get_attribute("aria-invalid") == "true"
    assert "fuera de su intervalo" in outputs["summary"][0] and "σ = 2 (tanh)" in outputs["summary"][0]
    retype(page, "1.25")
    assert scale.get_attribute("aria-invalid") is None and "σ = 1,25 (tanh)" in page.evaluate(READ, ROOT)["summary"][0]


@pytest.mark.browser
def test_the_plot_draws_the_numbers(page):
    """One point per step, t = T..0 from left to right (as the page's figure), higher for a larger norm; Spanish."""
    page.evaluate(SET, [ROOT, {"scale": "1.3", "steps": "12", "nonlinearity": "tanh"}])
    outputs = page.evaluate(READ, ROOT)
    points = page.evaluate(f"""() => [...document.querySelectorAll('{ROOT} svg circle')]
                              .map(c => [Number(c.getAttribute("cx")), Number(c.getAttribute("cy"))])""")
    norms = [float(outputs[f"norm[{t}]"][1]) for t in range(13)]
    assert len(points) == 13 and [x for x, _ in points] == sorted((x for x, _ in points), reverse=True)  # t = T at the left
    for (_, y1), (_, y2), n1, n2 in zip(points, points[1:], norms, norms[1:]):
        assert (y1 > y2) == (n1 < n2), (y1, y2, n1, n2)  # SVG's y grows downwards
    label = page.locator(f"{ROOT} svg").get_attribute("aria-label")
    assert "escala logarítmica" in label and outputs["norm[0]"][0] in label and not english_words(label)


@pytest.mark.browser
def test_every_control_has_a_spanish_accessible_name(page):
    unnamed = page.evaluate(f"""() => [...document.querySelectorAll('{ROOT} input, button, output, select')]
      .filter(c => !(c.getAttribute("aria-label") || (c.tagName === "BUTTON" && c.textContent.trim())))
      .map(c => c.outerHTML)""")
    assert unnamed == []
    labels = page.evaluate(f"() => [...document.querySelectorAll('{ROOT} [aria-label]')].map(e => e.getAttribute('aria-label'))")
    texts = labels + page.locator(ROOT).all_inner_texts()
    assert not [text for text in texts if english_words(text)], "English in the lab"


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_lab_fits_the_column(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate(SET, [ROOT, {"scale": "1.5", "steps": "30", "nonlinearity": "relu"}])  # the widest numbers
    measured = page.evaluate(f"""() => {{
      const article = document.querySelector("article[role=main]").getBoundingClientRect();
      const lab = document.querySelector('{ROOT}');
      const parts = [lab, ...lab.querySelectorAll("form, svg, input, select, button, output")].filter(p => p.checkVisibility());
      return {{page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
               outside: parts.filter(p => {{ const box = p.getBoundingClientRect();
                 return box.left < article.left - 0.5 || box.right > article.right + 0.5; }}).map(p => p.outerHTML.slice(0, 80))}};
    }}""")
    assert measured["page"] <= 0 and measured["outside"] == [], measured
    font = page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector('{ROOT} svg text')).fontSize)")
    assert font >= 11


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_lab_is_legible_in_both_themes(page, theme):
    set_theme(page, theme)
    colours = page.evaluate(f"""() => {{
      const form = document.querySelector('{ROOT} form'), style = e => getComputedStyle(e);
      const field = form.querySelector("input[name=scale]");
      return {{form: style(form).backgroundColor, output: style(form.querySelector("output")).color,
               label: style(form.querySelector("svg text")).fill, line: style(form.querySelector("svg polyline")).stroke,
               field: style(field).backgroundColor, fieldText: style(field).color}};
    }}""")
    assert contrast(colours["output"], colours["form"]) >= 4.5, colours
    assert contrast(colours["label"], colours["form"]) >= 4.5, colours
    assert contrast(colours["line"], colours["form"]) >= 3, colours  # a graphic: WCAG's 3:1
    assert contrast(colours["fieldText"], colours["field"]) >= 4.5, colours


@pytest.mark.browser
def test_no_errors_and_no_request_leaves_the_page(opened):
    opened.page.reload(wait_until="networkidle")
    assert not opened.errors
    assert not opened.blocked and not [url for url in opened.requests if not url.startswith(LOCAL_SCHEMES)]
    assert any("_static/labs-gradient.js" in url for url in opened.requests)


@pytest.mark.browser
def test_without_javascript_the_static_table_shows(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto((site / "gradientes.html").as_uri())
        lab = page.locator(ROOT)
        assert lab.locator("table.lab-static").is_visible() and lab.locator("form").count() == 0
        expected = autograd_norms(layer(1.0, "tanh"), X.shape[1])
        shown = lab.locator("table.lab-static tbody td").all_inner_texts()
        assert shown == [spanish_number(value, 3) for value in expected]
    finally:
        context.close()


@pytest.mark.site
def test_the_scripts_and_data_weigh_at_most_60_kb(site):
    soup = BeautifulSoup((site / "gradientes.html").read_text(encoding="utf-8"), "html.parser")
    data = sum(len(script.string.encode()) for script in soup.select("div.lab script.lab-data"))
    scripts = sum((site / script["src"].split("?")[0]).stat().st_size
                  for script in soup.select("script[src]") if "labs" in script["src"])
    assert data and scripts > 10_000 and data + scripts <= MAX_BYTES, (data, scripts)


@pytest.mark.site
def test_the_downloaded_notebook_says_where_the_lab_is(site):
    notebook = nbformat.read(site / "gradientes.ipynb", as_version=4)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
               if 'data-lab="gradient"' in output.get("data", {}).get("text/html", "")]
    assert len(outputs) == 1
    text = outputs[0]["data"]["text/plain"]
    assert "laboratorio" in text and "Gradientes a mano" in text and "escala de W_hh" in text
    html = BeautifulSoup(outputs[0]["data"]["text/html"], "html.parser")
    assert [script.get("type") for script in html.select("script")] == ["application/json"]


# -- The data on its own ---------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_the_data_is_the_layers_own(nonlinearity):
    rnn = LAYERS[nonlinearity, 1.5]
    data = gradient_lab_data(rnn, X[0])
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        assert torch.equal(torch.tensor(data["weights"][name], dtype=torch.float32), getattr(rnn, name + "_l0"))
    assert data["nonlinearity"] == nonlinearity and data["scale"] == 1.0 and data["max_scale"] == MAX_SCALE
    expected = autograd_norms(copy.deepcopy(rnn).double(), X.shape[1])
    torch.testing.assert_close(torch.tensor(data["norms"]), torch.tensor(expected), atol=TOLERANCE, rtol=0)


@pytest.mark.unit
def test_the_static_table_and_the_note():
    shown = gradient_lab(LAYERS["tanh", 1.0], X[0, :4], where="gradientes.html")
    root = BeautifulSoup(shown._repr_html_(), "html.parser").select_one("div.lab")
    assert root["data-lab"] == "gradient"
    rows = [[cell.get_text() for cell in row.select("th, td")] for row in root.select("table.lab-static tbody tr")]
    assert rows == [[str(t), spanish_number(v, 3)] for t, v in enumerate(autograd_norms(layer(1.0, "tanh"), 4))]
    assert "gradientes.html" in repr(shown) and "escala de W_hh" in repr(shown)


@pytest.mark.unit
@pytest.mark.parametrize(
    "module, x, options, error, words",
    [
        (nn.LSTM(8, 8), X[0], {}, TypeError, "nn.RNN, got LSTM"),
        (nn.RNN(8, 8, num_layers=2), X[0], {}, ValueError, "num_layers=2"),
        (nn.RNN(8, 8, bias=False), X[0], {}, ValueError, "bias=False"),
        (nn.RNN(8, 8), X, {}, ValueError, "(1, 30, 8)"),
        (nn.RNN(8, 8), X[0, :0], {}, ValueError, "(0, 8)"),
        (nn.RNN(8, 8), X[0].long(), {}, TypeError, "floating"),
        (nn.RNN(8, 8), X[0], {"max_scale": 0}, ValueError, "max_scale must be a number > 0, got 0"),
        (nn.RNN(8, 8), X[0], {"max_scale": "2"}, TypeError, "max_scale"),
    ],
)
def test_bad_input_is_refused_clearly(module, x, options, error, words):
    with pytest.raises(error, match=None) as caught:
        gradient_lab_data(module, x, **options)
    assert words in str(caught.value)


@pytest.mark.unit
def test_where_must_name_a_place():
    with pytest.raises(TypeError, match="where must be a non-empty str"):
        gradient_lab(LAYERS["tanh", 1.0], X[0], where=" ")
