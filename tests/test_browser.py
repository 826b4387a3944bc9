"""Every page of the built site in a real browser, Debian's Chromium, opened from file:// (and over http).

Checks what a reader without internet sees: math drawn as MathML, no request leaving the
machine, no errors, a working light/dark toggle with legible math, and copy buttons that
copy just the code. Screenshots of each page, light and dark, go to _build/screenshots/.

Each page is opened once from file:// (`measure`), and everything the tests check on it is
measured in that one visit: math, colours and screenshots in both themes, widths at 1280 and
390 px, the reader's text, the copy buttons. The tests then check those measurements, each test
one behaviour; `make test` runs all of a page's tests on one worker (`xdist_group`), so no page
is opened twice. Over http each page is opened once more.
"""

import functools
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from myst_nb.core.read import read_myst_markdown_notebook
from playwright.sync_api import Browser, Page

from rnn_notes.figures import FONT_SIZE, SMALL
from site_contract import DOCS, ROOT, site_pages

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "_build" / "screenshots"
# genindex.html and search.html are included too: a reader opens them from every page.
PAGES = [page.name for page in site_pages()] or ["index.html"]  # no build: the site fixture fails
# Pages known to show math (the equation; the parameter table's matrices), plus any page whose
# source writes math itself.
PAGES_WITH_MATH = {"index.html", "parametros.html"} | {
    f"{source.stem}.html" for source in DOCS.glob("*.md") if re.search(r"\$|Math\(", source.read_text(encoding="utf-8"))
}
FIGURE_PAGES = sorted(f"{p.stem}.html" for p in DOCS.glob("*.md") if "\nkernelspec:" in p.read_text(encoding="utf-8"))
SPANISH_PAGES = [name for name in PAGES if name != "api.html"]  # the API page is English (docstrings)
RAW_LATEX = ("\\(", "\\[", "\\begin{", "$$")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

VISIBLE_TEXT = """() => {
  // Visible text outside code: code may legitimately show LaTeX source.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (element.closest("pre, code, script, style") || !element.checkVisibility()) continue;
    parts.push(walker.currentNode.textContent);
  }
  return parts.join(" ");
}"""

MATH_BOXES = """() => [...document.querySelectorAll(".math")].map(wrapper => {
  const math = wrapper.querySelector("math");
  const box = math ? math.getBoundingClientRect() : {width: 0, height: 0};
  return {display: math ? getComputedStyle(math).display : "no <math>", width: box.width, height: box.height};
})"""

# Each matrix of two or more rows: the heights of its table and of the brackets beside it.
BRACKETS = """() => [...document.querySelectorAll("mtable")].filter(table => table.children.length > 1)
  .map(table => {
    const fences = [table.previousElementSibling, table.nextElementSibling].filter(e => e && e.tagName === "mo");
    return {table: table.getBoundingClientRect().height, fences: fences.map(f => f.getBoundingClientRect().height)};
  }).filter(matrix => matrix.fences.length === 2)"""

COLOURS = """() => ({
  background: getComputedStyle(document.body).backgroundColor,
  text: getComputedStyle(document.querySelector("article") || document.body).color,
  math: [...document.querySelectorAll(".math math")].map(m => [getComputedStyle(m).color, getComputedStyle(m.parentElement).color]),
})"""


OVERFLOWS = """(withOutputs) => {
  const article = document.querySelector("article[role=main]");
  const style = getComputedStyle(article);
  const box = article.getBoundingClientRect();
  const left = box.left + parseFloat(style.paddingLeft), right = box.right - parseFloat(style.paddingRight);
  const drawn = element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return range.getBoundingClientRect();
  };
  const kinds = {math: "math", table: "table", figure: "figure, img, svg:not(.icon svg, button svg)"};
  if (withOutputs) kinds.output = "div.cell_output > *";
  const found = [];
  for (const [kind, selector] of Object.entries(kinds)) {
    for (const element of article.querySelectorAll(selector)) {
      if (!element.checkVisibility() || element.closest(".cell_input")) continue;
      const rect = kind === "math" ? drawn(element) : element.getBoundingClientRect();
      if (rect.width === 0) continue;
      const over = Math.max(rect.right - right, left - rect.left, element.scrollWidth - element.clientWidth);
      if (over > 1) found.push({kind, over: Math.round(over), width: Math.round(rect.width),
                                what: (element.getAttribute("alttext") || element.textContent).trim().slice(0, 60)});
    }
  }
  return {column: Math.round(right - left), page: document.documentElement.scrollWidth - document.documentElement.clientWidth, found};
}"""


UNDERLINED_CODE = """() => [...document.querySelectorAll(".highlight span")]
  .filter(span => !span.closest("a") && getComputedStyle(span).textDecorationLine.includes("underline"))
  .map(span => span.className + " " + span.textContent)"""

READER_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (element.closest("pre, code, kbd, script, style, math, em, .cell_output, .highlight")) continue;
    if (!element.checkVisibility() && !element.closest("svg")) continue;
    parts.push(["text", walker.currentNode.textContent]);
  }
  for (const element of document.querySelectorAll("[aria-label], [title], [alt], [placeholder]"))
    for (const name of ["aria-label", "title", "alt", "placeholder"])
      if (element.hasAttribute(name) && !element.closest(".cell_output, pre"))
        parts.push([name, element.getAttribute(name)]);
  return parts;
}"""


FIGURES = """() => {
  const article = document.querySelector("article").getBoundingClientRect();
  return [...document.querySelectorAll("figure.rnn-figure")].map(figure => {
    const svg = figure.querySelector("svg");
    const box = svg.getBoundingClientRect();
    const caption = figure.querySelector("figcaption");
    return {
      width: box.width, height: box.height, left: box.left, right: box.right,
      column: {left: article.left, right: article.right},
      viewBox: svg.viewBox.baseVal.width,
      alt: svg.getAttribute("aria-label") || "", role: svg.getAttribute("role"),
      title: (svg.querySelector("title") || {}).textContent || "",
      caption: caption ? caption.textContent : "",
      colour: getComputedStyle(svg).color,
      background: getComputedStyle(document.body).backgroundColor,
      pageWidth: document.documentElement.scrollWidth,
    };
  });
}"""


def grouped(names: list[str]) -> list:
    """Page names as parameters that keep each page's tests on one xdist worker (`--dist loadgroup`)."""
    return [pytest.param(name, marks=pytest.mark.xdist_group(name)) for name in names]


@dataclass
class Visit:
    """A page opened in a fresh browser context, with what it asked for and complained about."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def http_root(site):
    """The built site served over http on a loopback port, as an instructor's `make serve` would."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that keeps the test output clean."""

    def log_message(self, *args) -> None:
        pass


@contextmanager
def visit(browser: Browser, site: Path, name: str, root: str | None = None):
    """Open ``name`` from file:// (or from ``root`` over http) in light mode; any other request is recorded and aborted."""
    local = LOCAL_SCHEMES + ((root,) if root else ())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    seen = Visit(page)

    def route(route):
        if route.request.url.startswith(local):
            route.continue_()
        else:
            seen.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and seen.errors.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on("websocket", lambda socket: seen.blocked.append(socket.url))
    try:
        page.goto(root + name if root else (site / name).as_uri(), wait_until="load")
        yield seen
    finally:
        context.close()


def set_theme(page: Page, theme: str) -> None:
    """Click furo's visible theme toggle until the body says ``theme`` (it cycles through three)."""
    toggle = page.locator(".theme-toggle").filter(visible=True)
    for _ in range(3):
        if page.evaluate("document.body.dataset.theme") == theme:
            return
        toggle.click()
    assert page.evaluate("document.body.dataset.theme") == theme, f"the toggle never reached {theme}"


def rgb(colour: str) -> tuple[float, ...]:
    """``rgb(1, 2, 3)`` or ``rgba(...)`` as three numbers."""
    return tuple(float(value) for value in re.findall(r"[\d.]+", colour)[:3])


def luminance(colour: str) -> float:
    """WCAG relative luminance of a CSS colour."""
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(channel) for channel in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def code_cells(markdown: str) -> list[str]:
    """The sources of the code cells a MyST notebook shows (not those tagged remove-cell/remove-input).

    Read with myst-nb's own reader, the one that builds the page.
    """
    hidden = {"remove-cell", "remove-input"}
    return [cell.source for cell in read_myst_markdown_notebook(markdown).cells
            if cell.cell_type == "code" and not hidden & set(cell.metadata.get("tags", []))]


def copy(page: Page, button) -> str:
    """Click a copy button (the click hovers it first, which shows it) and return what reached the clipboard."""
    page.evaluate("navigator.clipboard.writeText('')")
    button.click()
    return page.evaluate("navigator.clipboard.readText()")


def open_solutions(page: Page) -> None:
    """Open every hidden solution (a native <details>) of the page."""
    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")


@dataclass
class Copies:
    """What the copy buttons of a page copied."""

    in_outputs: int  # copy buttons inside cell outputs (there should be none)
    per_cell: list[tuple[int, str | None]]  # each code cell's number of buttons, and what its button copied
    elsewhere: list[str]  # what each button outside the code cells copied


@dataclass
class Measures:
    """Everything the tests check on one page, measured in one visit from file://."""

    requests: list[str]
    blocked: list[str]
    errors: list[str]
    text: str  # visible text outside code, after load
    boxes: list[dict]  # MATH_BOXES
    brackets: list[dict]  # BRACKETS
    mathml_errors: int
    reader: list[list[str]]  # READER_TEXT, solutions closed then opened
    colours: dict[str, dict]  # COLOURS by theme
    underlined: dict[str, list[str]]  # UNDERLINED_CODE by theme
    module_names: int  # code spans styled as module names (.nn)
    figures: dict[str | int, list[dict]]  # FIGURES by theme and by width
    overflows: dict[int, dict]  # OVERFLOWS by width, solutions opened
    copies: Copies


# Clicks each code cell's one copy button in the page and reads the clipboard after it, in one call:
# a Playwright click per button (scroll, hover, wait) cost seconds on a long page.
COPY_EACH_CELL = """async () => {
  const found = [];
  for (const cell of document.querySelectorAll("div.cell_input")) {
    const buttons = cell.querySelectorAll("button.copybtn");
    if (buttons.length !== 1) { found.push([buttons.length, null]); continue; }
    await navigator.clipboard.writeText("");
    buttons[0].click();
    let copied = "";
    for (let wait = 0; wait < 100 && !copied; wait++) {  // sphinx-copybutton writes asynchronously
      await new Promise(resolve => setTimeout(resolve, 5));
      copied = await navigator.clipboard.readText();
    }
    found.push([1, copied]);
  }
  return found;
}"""


def copy_buttons(page: Page) -> Copies:
    """Click every copy button of the page (its solutions opened) and record what each copied.

    The first code cell's button is clicked as a reader does (Playwright hovers it, which shows it);
    the others by the page itself, one after another.
    """
    first = page.locator("div.cell_input button.copybtn").first
    clicked = copy(page, first) if first.count() else None
    per_cell = [(count, copied) for count, copied in page.evaluate(COPY_EACH_CELL)]
    if clicked is not None:
        assert per_cell[0] == (1, clicked), "the first copy button copies one thing when clicked, another by the page"
    outside = page.locator("button.copybtn:not(.cell_input *)")
    elsewhere = [copy(page, outside.nth(i)) for i in range(outside.count())]
    return Copies(page.locator(".cell_output button.copybtn").count(), per_cell, elsewhere)


def figures_and_screenshot(page: Page, path: Path) -> list[dict]:
    """FIGURES, and a screenshot of the page's first figure when it has one."""
    figures = page.evaluate(FIGURES)
    if figures:
        first = page.locator("figure.rnn-figure").first
        first.scroll_into_view_if_needed()
        first.screenshot(path=path)
    return figures


def visit_and_measure(browser: Browser, site: Path, name: str) -> Measures:
    """Open ``name`` once (light, 1280 px wide) and take every measure the tests check, in an order that keeps each true.

    Before anything is clicked: the load, the math, the reader's text; then each theme (colours,
    screenshots, figures); then, solutions opened, the reader's text again and the widths at
    1280 and 390 px; last, back at 1280 px, the copy buttons, which change the clipboard.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = Path(name).stem
    with visit(browser, site, name) as seen:
        page = seen.page
        page.wait_for_load_state("networkidle")
        text, boxes, brackets = page.evaluate(VISIBLE_TEXT), page.evaluate(MATH_BOXES), page.evaluate(BRACKETS)
        mathml_errors = page.locator(".mathml-error").count()
        reader = page.evaluate(READER_TEXT)
        figures = {1280: figures_and_screenshot(page, SCREENSHOTS / f"{stem}-figure-1280.png")}
        colours, underlined = {}, {}
        for theme in ("dark", "light"):
            set_theme(page, theme)
            colours[theme], underlined[theme] = page.evaluate(COLOURS), page.evaluate(UNDERLINED_CODE)
            page.screenshot(path=SCREENSHOTS / f"{stem}-{theme}.png", full_page=True)
            figures[theme] = figures_and_screenshot(page, SCREENSHOTS / f"{stem}-figure-{theme}.png")
        open_solutions(page)  # measured opened: a reader opens them
        reader += page.evaluate(READER_TEXT)  # "Ocultar la solución" shows once opened
        overflows = {1280: page.evaluate(OVERFLOWS, True)}
        page.set_viewport_size({"width": 390, "height": 900})
        overflows[390] = page.evaluate(OVERFLOWS, False)
        figures[390] = figures_and_screenshot(page, SCREENSHOTS / f"{stem}-figure-390.png")
        page.set_viewport_size({"width": 1280, "height": 900})
        copies = copy_buttons(page)
        module_names = page.locator(".highlight .nn").count()
    return Measures(seen.requests, seen.blocked, seen.errors, text, boxes, brackets, mathml_errors, reader,
                    colours, underlined, module_names, figures, overflows, copies)


MEASURED: dict[str, Measures | BaseException] = {}


def measure(browser: Browser, site: Path, name: str) -> Measures:
    """The page's measures, from its one visit in this process (a failed visit fails each of its tests)."""
    if name not in MEASURED:
        try:
            MEASURED[name] = visit_and_measure(browser, site, name)
        except Exception as error:  # kept, so the page's other tests report it without a second visit
            MEASURED[name] = error
    if isinstance(MEASURED[name], BaseException):
        raise MEASURED[name]
    return MEASURED[name]


# -- Loading: offline, over http, no errors ------------------------------------------------


@pytest.mark.parametrize("name", grouped(PAGES))
def test_page_loads_offline_without_errors(browser, site, name):
    seen = measure(browser, site, name)
    assert not seen.blocked, f"requests that would leave the machine: {seen.blocked}"
    assert not [url for url in seen.requests if not url.startswith(LOCAL_SCHEMES)]
    assert any(url.endswith(".css") or ".css?" in url for url in seen.requests), "recorded no stylesheet"
    assert not seen.errors


@pytest.mark.parametrize("name", PAGES)
def test_page_served_over_http_loads_without_errors_and_draws_math(browser, site, http_root, name):
    with visit(browser, site, name, root=http_root) as seen:
        seen.page.wait_for_load_state("networkidle")
        text = seen.page.evaluate(VISIBLE_TEXT)
        boxes = seen.page.evaluate(MATH_BOXES)
    assert not seen.blocked, f"requests that would leave the machine: {seen.blocked}"
    assert any(url.startswith(http_root) and ".css" in url for url in seen.requests), "recorded no stylesheet"
    assert not seen.errors
    assert not [raw for raw in RAW_LATEX if raw in text], f"raw LaTeX in the visible text of {name}"
    if name in PAGES_WITH_MATH:
        assert boxes and all(box["display"] in ("math", "inline math", "block math") for box in boxes)


# -- Math and colours ----------------------------------------------------------------------


@pytest.mark.parametrize("name", grouped(PAGES))
def test_math_is_drawn_not_shown_as_latex(browser, site, name):
    seen = measure(browser, site, name)
    text, boxes, brackets = seen.text, seen.boxes, seen.brackets
    assert text.strip(), "no visible text at all"
    assert not [raw for raw in RAW_LATEX if raw in text], f"raw LaTeX in the visible text of {name}"
    assert seen.mathml_errors == 0
    if name in PAGES_WITH_MATH:
        assert boxes, f"{name} should show math"
    for box in boxes:
        assert box["display"] in ("math", "inline math", "block math"), box  # laid out as MathML
        assert box["width"] > 0 and box["height"] > 0, box
    for matrix in brackets:
        assert min(matrix["fences"]) >= 0.9 * matrix["table"], f"matrix brackets do not stretch: {matrix}"
    if name == "paso-columna.html":
        assert brackets, "the step equations' matrices were not measured"


@pytest.mark.parametrize("name", grouped(PAGES))
def test_theme_toggle_and_math_colour_follow_each_other(browser, site, name):
    seen = measure(browser, site, name)
    dark, light = seen.colours["dark"], seen.colours["light"]
    assert not seen.errors
    assert luminance(dark["background"]) < 0.1 < 0.8 < luminance(light["background"])
    for theme in (dark, light):
        assert contrast(theme["text"], theme["background"]) >= 4.5, theme
        for math_colour, around in theme["math"]:
            assert math_colour == around, "math does not take the colour of the text around it"
            assert contrast(math_colour, theme["background"]) >= 4.5, theme
    if name in PAGES_WITH_MATH:
        assert dark["math"] and dark["math"][0][0] != light["math"][0][0]


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("name", grouped(["paso-fila.html"]))
def test_code_is_not_underlined_like_a_link(browser, site, name, theme):
    """Module names (`.nn`), classes (`.nc`): Pygments' "native" dark style underlines them."""
    seen = measure(browser, site, name)
    assert seen.module_names > 0, "no module name to look at"
    assert not seen.underlined[theme], f"code underlined in {theme} mode: {seen.underlined[theme]}"


# -- Copy buttons ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", grouped(PAGES))
def test_copy_buttons_copy_the_code_alone(browser, site, name):
    source = DOCS / f"{Path(name).stem}.md"
    expected = code_cells(source.read_text(encoding="utf-8")) if source.is_file() else []
    seen = measure(browser, site, name)
    copies = seen.copies
    assert copies.in_outputs == 0, "outputs should have no copy button"
    assert len(copies.per_cell) == len(expected), "code cells in the page and in its source differ"
    for index, (buttons, _) in enumerate(copies.per_cell):
        assert buttons == 1, f"code cell {index} has {buttons} copy buttons"
    assert not seen.errors
    assert [copied for _, copied in copies.per_cell] == expected
    for text in copies.elsewhere:
        assert text.strip(), "a copy button copied nothing"
        assert not re.search(r"^(>>> |\.\.\. |\$ )", text, re.MULTILINE), f"a prompt was copied: {text!r}"


# -- Every page fits its column ------------------------------------------------
# What must not be wider than the text column (the article's content box): equations (the
# drawn extent of each visible <math>, not its box, which a block equation stretches to the
# column), tables and figures at both widths, and cell outputs too at 1280 px.


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", grouped(PAGES))
def test_nothing_is_wider_than_the_text_column(browser, site, name, width):
    measured = measure(browser, site, name).overflows[width]
    assert measured["column"] >= (700 if width >= 1280 else 340), measured["column"]
    assert measured["page"] <= 0, f"the page scrolls sideways by {measured['page']} px"
    assert not measured["found"], f"wider than the {measured['column']} px column at {width} px: {measured['found']}"


def test_the_width_check_catches_a_wide_equation_a_wide_table_and_an_output(browser, site):
    wide = "<math display='block'><mn>" + "1234567890" * 30 + "</mn></math>"
    with visit(browser, site, "index.html") as seen:
        seen.page.evaluate("""html => document.querySelector("article[role=main]").insertAdjacentHTML("beforeend", html)""",
                           f"<div class='math'>{wide}</div><table><tr><td>{'x' * 400}</td></tr></table>"
                           f"<div class='cell_output'><pre>{'y' * 400}</pre></div>")
        measured = seen.page.evaluate(OVERFLOWS, True)
    assert sorted(item["kind"] for item in measured["found"]) == ["math", "output", "table"]


# -- Spanish wherever a reader looks -------------------------------------------------
# English words that are not Spanish words: function words (they give away an English sentence)
# and the words of furo's and Sphinx's interface. Checked word by word in what a reader sees or a
# screen reader reads: visible text outside code, program output, math and italics (Spanish
# italicises foreign terms, *broadcasting*), plus every aria-label, title, alt and placeholder
# and the titles of the icons. The API page is English (docstrings) and is left out.
ENGLISH = frozenset("""
    the and of to with this that these is are was for from by on at it its be or not an into
    your you which when what how all can will has have
    skip toggle contents content link heading back top made view page edit search previous next
    home menu light dark mode theme color sidebar navigation expand collapse copy copied clipboard
    contributors copyright show hide source sources built last updated index table
""".split())


def english_words(text: str) -> list[str]:
    """The words of ``text`` that are in ENGLISH; identifiers (``parameter_table()``, ``nn.RNN``) are not words."""
    words = re.findall(r"(?<![\w.@])[^\W\d_]+(?:'[a-z]+)?(?![\w(])", text)
    return [word for word in words if word.lower() in ENGLISH]


def test_the_english_check_finds_english_and_passes_spanish():
    assert english_words("Toggle Light / Dark / Auto color theme") == ["Toggle", "Light", "Dark", "color", "theme"]
    assert english_words("Made with Sphinx and @pradyunsg's Furo") == ["Made", "with", "and"]
    assert english_words("el enlace canónico; parameter_table() (en el módulo rnn_notes), nn.Linear") == []


@pytest.mark.parametrize("name", grouped(SPANISH_PAGES))
def test_no_english_outside_code_and_outputs(browser, site, name):
    parts = measure(browser, site, name).reader
    found = sorted({f"{where}: {text.strip()[:80]!r} ({', '.join(english_words(text))})"
                    for where, text in parts if english_words(text)})
    assert not found, f"English on {name}:\n" + "\n".join(found)


# -- Figures (rnn_notes.figures) --------------------------------------------------------

SPANISH_WORDS = {"de", "la", "el", "en", "los", "las", "paso", "pasos", "con"}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", grouped(FIGURE_PAGES))
def test_figures_render_with_spanish_alt_text_in_both_themes(browser, site, name, theme):
    seen = measure(browser, site, name)
    figures = seen.figures[theme]
    assert not seen.errors
    assert figures, f"{name} shows no figure"
    for figure in figures:
        assert figure["width"] > 100 and figure["height"] > 40, figure
        assert figure["role"] == "img" and figure["alt"] == figure["title"]
        assert len(set(re.findall(r"\w+", figure["alt"].lower())) & SPANISH_WORDS) >= 2, figure["alt"]
        assert figure["caption"].strip()
        # Lines and text are drawn in currentColor: the text colour of the theme.
        assert contrast(figure["colour"], figure["background"]) >= 4.5, figure
        assert (luminance(figure["colour"]) < 0.2) == (theme == "light"), figure


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", grouped(FIGURE_PAGES))
def test_figures_fit_the_column_and_keep_text_legible(browser, site, name, width):
    figures = measure(browser, site, name).figures[width]
    assert figures
    for figure in figures:
        assert figure["left"] >= figure["column"]["left"] - 0.5 and figure["right"] <= figure["column"]["right"] + 0.5, figure
        assert figure["pageWidth"] <= width, "a figure makes the page scroll sideways"
        # The SVG's units are points: labels are FONT_SIZE points and the rest SMALL, drawn at this scale.
        scale = figure["width"] / figure["viewBox"]
        assert FONT_SIZE * scale >= 10 and SMALL * scale >= 9, f"text drawn at {SMALL * scale:.1f} px at {width} px wide"


# -- Exercises: solutions hidden until the reader opens them ----------------------------------


def test_a_solution_is_closed_until_its_summary_is_clicked(browser, site):
    with visit(browser, site, "bucle.html") as seen:
        solutions = seen.page.locator("#bucle-ejercicios div.cell.tag_solution details.hide")
        assert solutions.count() >= 2
        first = solutions.first
        code, summary = first.locator("div.cell_input"), first.locator("summary")
        assert not code.is_visible() and summary.inner_text().strip() == "Mostrar la solución"
        summary.click()
        assert code.is_visible() and "check(" in code.inner_text()
        assert first.locator("div.cell_output").inner_text().strip().startswith("✔ Ejercicio bucle-")
        assert summary.inner_text().strip() == "Ocultar la solución"
        summary.click()
        assert not code.is_visible()
    assert not seen.errors
