"""The print edition (`make pdf`): the built site (_build/html) as one PDF book and one PDF per chapter.

Debian's Chromium, driven by Playwright as the browser tests drive it, prints each page of the
site's toctree from file:// (nothing else is fetched) with tools/print.css. At least two
printings: the first finds the page each anchor lands on (Chromium writes a named destination for
every anchor that a link of the page points to, so every id gets a hidden link; a heading's page
is checked against the printed text), the next print the links with those page numbers (the
first printed three-digit placeholders; when a shorter number moves a page, once more). pypdf then joins the chapters behind a title page and a table of contents and
stamps each page with its running header (the chapter's title) and its page number, drawn by
Chromium too so every font stays embedded. Each chapter's PDF is its pages of the book, with the
book's page numbers, so a handout's references match the book.

The student edition leaves the exercises' solutions out; --solutions (`make pdf SOLUTIONS=1`)
prints each one, open, after its exercise.
"""

from __future__ import annotations

import argparse
import html
import io
import sys
import time
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2
from playwright.sync_api import Page, sync_playwright
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, IndirectObject, NameObject

import rnn_notes

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PRINT_CSS = Path(__file__).with_name("print.css")
PAPERS = {"a4": ("A4", 210.0, 297.0), "letter": ("Letter", 215.9, 279.4)}  # Chromium's name, mm
MARGIN = {"top": 20.0, "bottom": 20.0, "left": 18.0, "right": 18.0}  # mm; the tests read these
PLACEHOLDER = "000"  # a page number's width during the first printing
MAX_PRINTINGS = 3  # printings with the numbers: a shorter number may move a line, and a heading, once

# Runs in each page before printing: light theme, solutions out (or open), predictions open,
# links marked with their address or their target's page, a hidden link to every id (so the
# PDF gets a named destination for it), and the page's title and sections for the contents.
PREPARE = """({solutions, pages, placeholder}) => {
  document.body.dataset.theme = "light";
  document.documentElement.dataset.theme = "light";
  const open = (cell, label) => cell.querySelectorAll("details").forEach(d => {
    d.open = true;
    d.classList.add("rnn-pdf-open");
    d.querySelector("summary").textContent = label;  // "Ocultar ..." means nothing on paper
  });
  for (const cell of document.querySelectorAll("div.cell.tag_solution")) {
    if (solutions) open(cell, "Solución"); else cell.remove();
  }
  document.querySelectorAll("div.cell.prediccion").forEach(cell => open(cell, "Respuesta"));
  // Other folded cells hide code that only typesets a table or an equation: on paper, the result.
  document.querySelectorAll("details:not([open])").forEach(d => d.classList.add("rnn-pdf-hidden"));
  const here = location.href.split("#")[0];
  for (const a of document.querySelectorAll("article a[href]")) {
    const url = new URL(a.href);
    if (["http:", "https:", "mailto:"].includes(url.protocol)) {
      const text = a.textContent.trim();
      if (text !== a.href && text !== a.getAttribute("href")) a.classList.add("rnn-pdf-url");
      continue;
    }
    if (url.protocol !== "file:") continue;
    const name = url.pathname.split("/").pop();
    const key = name + (url.hash ? url.hash : "");
    if (key in pages) {
      a.dataset.rnnPage = placeholder === null ? String(pages[key]) : placeholder;
    } else if (!(name in pages)) {
      a.removeAttribute("href");  // a download or the source code: nowhere to go on paper
    } else {
      a.dataset.rnnPage = placeholder === null ? String(pages[name]) : placeholder;
    }
  }
  const article = document.querySelector("article[role=main]");
  const box = document.createElement("div");
  box.className = "rnn-pdf-hidden";
  // A section's page is its heading's: a heading kept with its text may leave the section's top
  // (and the label spans before the heading) on the page before; build() looks for the heading.
  const clean = h => h.textContent.replace(/[#¶]$/, "").trim();
  const headings = [];
  for (const section of article.querySelectorAll("section[id]")) {
    const head = section.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4");
    if (!head) continue;
    const ids = [section.id];
    for (let e = section.firstElementChild; e && e !== head; e = e.nextElementSibling) {
      if (e.id && !e.textContent.trim()) ids.push(e.id);
    }
    headings.push({ids, title: clean(head), level: Number(head.tagName[1])});
  }
  const ids = [...article.querySelectorAll("[id]")].map(e => e.id);
  for (const id of ids) {
    const link = document.createElement("a");
    link.href = here + "#" + id;
    box.appendChild(link);
  }
  article.appendChild(box);
  const title = article.querySelector("h1");
  return {title: clean(title), headings};
}"""


# Runs in each prepared page laid out at the paper's text width: what sticks out of the text
# column (Chromium would print it into the margin, or cut it at the page's edge).
OVERFLOW = """() => {
  const column = document.querySelector("article[role=main]").getBoundingClientRect();
  const out = [];
  for (const e of document.querySelectorAll("article[role=main] *")) {
    const r = e.getBoundingClientRect(), style = getComputedStyle(e);  // the padding may stick out (headings)
    const left = r.left + parseFloat(style.paddingLeft), right = r.right - parseFloat(style.paddingRight);
    if (r.width && (right > column.right + 1 || left < column.left - 1)) {
      out.push(`${e.tagName.toLowerCase()}: ${e.textContent.trim().slice(0, 60)}`);
    }
  }
  return out;
}"""


@dataclass
class Chapter:
    """One page of the site's toctree and what its printing found."""

    name: str  # e.g. "gru.html"
    title: str = ""
    sections: list[dict[str, str]] = field(default_factory=list)
    pdf: bytes = b""
    anchors: dict[str, int] = field(default_factory=dict)  # id -> page within the chapter (0-based)
    overflow: list[str] = field(default_factory=list)  # what sticks out of the text column

    @property
    def pages(self) -> int:
        """How many pages the chapter's PDF has."""
        return len(PdfReader(io.BytesIO(self.pdf)).pages)


def toctree(page: Page, site: Path) -> list[str]:
    """The site's pages in its toctree order (the index first), from the index's navigation."""
    page.goto((site / "index.html").as_uri())
    hrefs = page.eval_on_selector_all(".sidebar-tree a.reference.internal", "as => as.map(a => a.getAttribute('href'))")
    names = ["index.html"]
    for href in hrefs:
        name = href.split("#")[0]
        if name and name not in names:
            names.append(name)
    return names


def anchors(pdf: bytes) -> dict[str, int]:
    """Each named destination of ``pdf`` and the (0-based) page it is on."""
    reader = PdfReader(io.BytesIO(pdf))
    return {name.removeprefix("/"): reader.get_destination_page_number(dest)
            for name, dest in reader.named_destinations.items()}


def squash(text: str) -> str:
    """``text`` without whitespace, math letters as plain ones (𝐻 as H): titles compared with a page's text."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page of ``pdf``, whitespace removed."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [squash(page.get_textpage().get_text_bounded()) for page in document]
    finally:
        document.close()


def print_page(page: Page, site: Path, chapter: Chapter, pdf_options: dict, solutions: bool,
               pages: dict[str, int], final: bool) -> None:
    """Print ``chapter``, its links with their target's page in ``pages`` (placeholders unless ``final``)."""
    page.goto((site / chapter.name).as_uri(), wait_until="load")
    page.add_style_tag(path=str(PRINT_CSS))
    found = page.evaluate(PREPARE, {"solutions": solutions, "pages": pages,
                                    "placeholder": None if final else PLACEHOLDER})
    page.evaluate("document.fonts.ready")
    chapter.overflow = page.evaluate(OVERFLOW)
    chapter.title = found["title"]
    chapter.sections = [{"id": h["ids"][0], "title": h["title"]} for h in found["headings"] if h["level"] == 2]
    chapter.pdf = page.pdf(**pdf_options)
    chapter.anchors = anchors(chapter.pdf)
    texts = page_texts(chapter.pdf)
    for heading in found["headings"]:  # Chromium may put a heading's destination a page early
        index, title = chapter.anchors.get(heading["ids"][0], 0), squash(heading["title"])
        index = next((i for i in (index, index + 1) if i < len(texts) and title in texts[i]), index)
        chapter.anchors.update(dict.fromkeys(heading["ids"], index))


def book_pages(chapters: list[Chapter]) -> dict[str, int]:
    """The book's page number (1 = the first chapter's first page) of every page and anchor."""
    numbers, offset = {}, 1
    for chapter in chapters:
        numbers[chapter.name] = offset
        for anchor, index in chapter.anchors.items():
            numbers[f"{chapter.name}#{anchor}"] = offset + index
        offset += chapter.pages
    return numbers


def front_matter(chapters: list[Chapter], numbers: dict[str, int], solutions: bool, size: str) -> str:
    """The title page and the table of contents, as HTML."""
    edition = "Edición para instructores, con las soluciones" if solutions else "Edición para estudiantes"
    rows = []
    for chapter in chapters:
        rows.append(f'<li class="chapter"><span>{html.escape(chapter.title)}</span>'
                    f'<b>{numbers[chapter.name]}</b></li>')
        for section in chapter.sections:
            number = numbers.get(f"{chapter.name}#{section['id']}", numbers[chapter.name])
            rows.append(f'<li class="section"><span>{html.escape(section["title"])}</span><b>{number}</b></li>')
    return f"""<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><style>
@page {{ size: {size}; margin: {MARGIN['top']}mm {MARGIN['right']}mm {MARGIN['bottom']}mm {MARGIN['left']}mm; }}
body {{ font-family: sans-serif; color: #000; background: #fff; font-size: 10.5pt; }}
.title {{ height: 230mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }}
.title h1 {{ font-size: 24pt; margin: 0 0 8mm; }}
.title p {{ font-size: 13pt; margin: 2mm 0; }}
ol {{ list-style: none; padding: 0; }}
li {{ display: flex; gap: 2mm; break-inside: avoid; }}
li span {{ flex: 1; border-bottom: 1px dotted #999; }}
li.chapter {{ font-weight: bold; margin-top: 3mm; }}
li.section {{ padding-left: 6mm; }}
</style></head><body>
<section class="title"><h1>{html.escape(chapters[0].title)}</h1>
<p>rnn_notes {html.escape(rnn_notes.__version__)}</p><p>{edition}</p></section>
<h1>Índice</h1><ol>{''.join(rows)}</ol></body></html>"""


def running_heads(chapters: list[Chapter], width: float, height: float) -> str:
    """One sheet per page of the book: the chapter's title above, the page number below (HTML)."""
    sheets, number = [], 1
    for chapter in chapters:
        for _ in range(chapter.pages):
            sheets.append(f'<div class="sheet"><div class="head">{html.escape(chapter.title)}</div>'
                          f'<div class="foot">{number}</div></div>')
            number += 1
    return f"""<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><style>
@page {{ size: {width}mm {height}mm; margin: 0; }}
body {{ margin: 0; font-family: sans-serif; font-size: 8.5pt; color: #444; }}
.sheet {{ position: relative; height: {height - 1}mm; break-after: page; overflow: hidden; }}
.head, .foot {{ position: absolute; left: {MARGIN['left']}mm; right: {MARGIN['right']}mm;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.head {{ top: 9mm; text-align: right; border-bottom: 0.3pt solid #999; padding-bottom: 1mm; }}
.foot {{ top: {height - 13}mm; text-align: center; }}
</style></head><body>{''.join(sheets)}</body></html>"""


def render(page: Page, text: str, pdf_options: dict) -> bytes:
    """Chromium's PDF of an HTML string."""
    page.set_content(text, wait_until="load")
    return page.pdf(**pdf_options)


def build(site: Path, out: Path, paper: str, solutions: bool) -> tuple[list[Path], dict[str, list[str]]]:
    """Print the book and each chapter into ``out``: the files written, and what sticks out of each page's column."""
    name, width, height = PAPERS[paper]
    column = (width - MARGIN["left"] - MARGIN["right"]) * 96 / 25.4  # CSS px: media queries see the paper
    options = {"format": name, "print_background": True,
               "margin": {side: f"{mm}mm" for side, mm in MARGIN.items()}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(color_scheme="light", java_script_enabled=True)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                      else route.abort())
        page = context.new_page()
        page.set_viewport_size({"width": round(column), "height": 1000})
        page.emulate_media(media="print", color_scheme="light")
        chapters = [Chapter(n) for n in toctree(page, site)]
        for chapter in chapters:  # first printing: where every anchor lands
            print_page(page, site, chapter, options, solutions, {c.name: 0 for c in chapters}, final=False)
        for _ in range(MAX_PRINTINGS):  # then the links say their page, until no page moves
            numbers = book_pages(chapters)
            for chapter in chapters:
                print_page(page, site, chapter, options, solutions, numbers, final=True)
            if book_pages(chapters) == numbers:
                break
        else:
            sys.exit(f"make pdf: the pages still moved after {MAX_PRINTINGS} printings with their numbers")
        front = render(page, front_matter(chapters, numbers, solutions, name), {**options, "margin": None})
        heads = render(page, running_heads(chapters, width, height), {"width": f"{width}mm", "height": f"{height}mm",
                                                                      "print_background": False})
        browser.close()
    overflow = {chapter.name: chapter.overflow for chapter in chapters if chapter.overflow}
    return write(chapters, numbers, front, heads, out, solutions), overflow


def relink(page: PageObject, chapter: str, target: Callable[[str], IndirectObject | None]) -> None:
    """Point ``page``'s links into the site (file:// addresses, the chapter's named anchors) at
    ``target("page.html#id")``, a page of the same PDF, or drop them when it gives None."""
    kept = ArrayObject()
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        uri = str(annot["/A"].get("/URI", "")) if "/A" in annot else ""
        if uri.startswith("file:"):
            parts = urllib.parse.urlsplit(uri)
            key = Path(urllib.parse.unquote(parts.path)).name + (f"#{parts.fragment}" if parts.fragment else "")
        elif isinstance(annot.get("/Dest"), str):
            key = f"{chapter}#{annot['/Dest'].removeprefix('/')}"
        else:
            kept.append(ref)  # an external address
            continue
        found = target(key)
        if found is not None:
            annot.pop("/A", None)
            annot[NameObject("/Dest")] = ArrayObject([found, NameObject("/Fit")])
            kept.append(ref)
    if "/Annots" in page:
        page[NameObject("/Annots")] = kept


def write(chapters: list[Chapter], numbers: dict[str, int], front: bytes, heads: bytes, out: Path,
          solutions: bool) -> list[Path]:
    """The book (front matter, then each chapter stamped with its heads) and each chapter's pages."""
    out.mkdir(parents=True, exist_ok=True)
    heads_pages = PdfReader(io.BytesIO(heads)).pages
    book = PdfWriter()
    book.append(PdfReader(io.BytesIO(front)))
    first = len(book.pages)
    starts = {}
    for chapter in chapters:
        starts[chapter.name] = len(book.pages)
        for page in PdfReader(io.BytesIO(chapter.pdf)).pages:
            added = book.add_page(page)
            added.merge_page(heads_pages[len(book.pages) - 1 - first])
    for chapter in chapters:  # the outline: chapters and their sections
        parent = book.add_outline_item(title=chapter.title, page_number=starts[chapter.name])
        for section in chapter.sections:
            number = numbers.get(f"{chapter.name}#{section['id']}", numbers[chapter.name])
            book.add_outline_item(title=section["title"], page_number=first + number - 1, parent=parent)
    suffix = "-soluciones" if solutions else ""
    written = []
    for chapter in chapters[1:]:  # a handout's links into the site go nowhere: its text says the page
        part = PdfWriter()
        start = starts[chapter.name]
        for index in range(start, start + chapter.pages):
            relink(part.add_page(book.pages[index]), chapter.name, lambda key: None)
        part.add_metadata({"/Title": chapter.title, "/Subject": f"rnn_notes {rnn_notes.__version__}"})
        written.append(out / f"{Path(chapter.name).stem}{suffix}.pdf")
        with written[-1].open("wb") as handle:
            part.write(handle)

    def target(key: str) -> IndirectObject | None:
        """The book's page for a link into the site, if the book prints it."""
        number = numbers.get(key, numbers.get(key.split("#")[0]))
        return None if number is None else book.pages[first + number - 1].indirect_reference

    for chapter in chapters:
        for index in range(starts[chapter.name], starts[chapter.name] + chapter.pages):
            relink(book.pages[index], chapter.name, target)
    book.add_metadata({"/Title": chapters[0].title, "/Subject": f"rnn_notes {rnn_notes.__version__}"})
    written.insert(0, out / f"rnn_notes{suffix}.pdf")
    with written[0].open("wb") as handle:
        book.write(handle)
    return written


def main() -> None:
    """Parse the options, print, and say what was written and how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf")
    parser.add_argument("--paper", choices=sorted(PAPERS), default="a4")
    parser.add_argument("--solutions", action="store_true", help="the instructors' edition, with the solutions")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        sys.exit(f"make pdf: no built site in {args.site}; run `make html` first")
    start = time.perf_counter()
    written, overflow = build(args.site.resolve(), args.out, args.paper, args.solutions)
    for name, items in overflow.items():
        print(f"make pdf: warning: {name}: wider than the text column: {'; '.join(items[:5])}")
    print(f"make pdf: {len(written)} PDFs in {args.out} ({written[0].name}: the whole course) "
          f"in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
