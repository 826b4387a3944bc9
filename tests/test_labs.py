"""The loop and gates labs (docs/_static/labs.js, data from rnn_notes.labs) in Chromium, checked against PyTorch.

Each lab is driven only through its testing contract: inputs ``x[t][i]`` and ``h0[j]``, outputs
``h[t][j]`` (and ``gate[t][name][j]``), updated on the ``input`` event. The reference is the page's
layer rebuilt here as the page builds it, converted to float64 (the browser's precision) and run by
torch: every value a lab shows is within 1e-6 of it, absolutely. Where the check is the same for the
three labs (bucle's "rnn", lstm's and gru's), one test is parametrized over them.
"""

import json
import random

import nbformat
import pytest
import torch
from bs4 import BeautifulSoup

from labs_support import (  # noqa: F401 (opened and lab are fixtures)
    DECIMALS, EVERY_LAB, GATES_LABS, LABS, MAX_BYTES, PAGE_X, READ_INPUTS, READ_OUTPUTS, SET_VALUES, TOLERANCE,
    TRIALS, ZEROS, check, lab, opened, reference, retype, root,
)
from test_browser import LOCAL_SCHEMES, contrast, english_words, set_theme

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
        retype(page, typed)
        x[t - 1][0] = float(typed)
        page.keyboard.press("Tab")
    check(page.evaluate(READ_OUTPUTS, selector), kind, x, ZEROS)
    bias = 0.0
    if kind == "lstm":  # the forget bias is the field after c_0
        page.locator(f'{selector} input[name="c0[2]"]').focus()
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED) == "forget_bias"
        retype(page, "-10")
        bias = -10.0
        check(page.evaluate(READ_OUTPUTS, selector), kind, x, ZEROS, ZEROS, bias)
    page.get_by_role("button", name="Todo ceros").focus()
    page.keyboard.press("Enter")
    check(page.evaluate(READ_OUTPUTS, selector), kind, [[0.0] * 5] * 3, ZEROS, ZEROS, bias)



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
